"""Reading StatsBomb open-data files: the match list and each match's shots."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from dbt_project.fitting import DataNotFoundError
from dbt_project.fitting.shots import Shot, shot_from_event


def load_matches(statsbomb_dir: Path) -> list[dict]:
    path = statsbomb_dir / "matches.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise DataNotFoundError(f"cannot read the StatsBomb match list {path}: {error}") from error


def load_events(statsbomb_dir: Path, match_id: int) -> list[dict]:
    path = statsbomb_dir / "events" / f"{match_id}.json.gz"
    try:
        with gzip.open(path, "rt") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        raise DataNotFoundError(f"cannot read the StatsBomb events {path}: {error}") from error


def load_shots(statsbomb_dir: Path, match_id: int) -> list[Shot]:
    events = load_events(statsbomb_dir, match_id)
    by_id = {event["id"]: event for event in events}
    return [
        shot for event in events
        if (shot := shot_from_event(match_id, event, by_id.get((event.get("shot") or {}).get("key_pass_id"))))
    ]
