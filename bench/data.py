"""The real matches the benchmarks replay: StatsBomb open data from the shared data folder."""

from __future__ import annotations

import json
from pathlib import Path

from bench import SHARED_STATSBOMB, BenchError

# (competition, season, stage or None for every stage) -> how many matches the folder holds.
LANDING_SETS = (
    ("FIFA World Cup", "2018", "Group Stage", 48),
    ("Premier League", "2003/2004", None, 38),
    ("La Liga", None, None, 40),
)


def match_objects(folder: Path = SHARED_STATSBOMB) -> list[dict]:
    path = folder / "matches.json"
    if not path.exists():
        raise BenchError(f"The shared StatsBomb data is missing ({path}): put ../shared/data/statsbomb beside the repository.")
    return json.loads(path.read_text())


def landing_matches(objects: list[dict]) -> list[int]:
    """The 126 matches of the landing benchmark: World Cup 2018 group stage, Premier League
    2003/04 (Arsenal's unbeaten season) and La Liga (Barcelona), in match-id order per set."""
    chosen: list[int] = []
    for competition, season, stage, expected in LANDING_SETS:
        ids = sorted(
            m["match_id"] for m in objects
            if m["competition"]["competition_name"] == competition
            and (season is None or m["season"]["season_name"] == season)
            and (stage is None or (m.get("competition_stage") or {}).get("name") == stage)
        )
        if len(ids) != expected:
            raise BenchError(f"The shared StatsBomb data holds {len(ids)} {competition} matches, not {expected}: "
                             "refresh ../shared/data/statsbomb.")
        chosen += ids
    return chosen


def spread(ids: list[int], count: int) -> list[int]:
    """`count` of `ids`, taken evenly across the list (so a short run mixes the competitions)."""
    if count >= len(ids):
        return list(ids)
    step = len(ids) / count
    return [ids[int(i * step)] for i in range(count)]


def check_readable(folder: Path, match_ids: list[int]) -> None:
    """Every event file is there and the replay can read one (gzipped JSON in the open-data layout)."""
    from ingest.errors import IngestError
    from ingest.providers.statsbomb.files import find_matches, load_match

    try:
        found = find_matches([folder], None, {str(i) for i in match_ids})
        load_match(found[0])
    except IngestError as error:
        raise BenchError(f"The replay cannot read the shared StatsBomb files ({error}): refresh ../shared/data/statsbomb.") from None
