"""Fantasy position (GKP, DEF, MID, FWD) of every StatsBomb player, from the positions the
player took in the real matches; written as the seed `player_positions.csv`.

`python -m dbt_project.fitting.positions [--data-dir ../shared/data/statsbomb ...]`
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from dbt_project.fitting import DataNotFoundError
from stack import envfile

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIRS = (ROOT.parent / "shared" / "data" / "statsbomb", ROOT / "ingest" / "data" / "statsbomb")
SEED = ROOT / "dbt_project" / "seeds" / "player_positions.csv"

DEFENDERS = ("Back",)  # Right Back, Left Center Back, Right Wing Back, ...
FORWARDS = ("Forward", "Striker")  # Center Forward, Left Center Forward, Secondary Striker


def fantasy_position(statsbomb_position: str) -> str:
    """FPL's four positions from StatsBomb's 25; wingers play as midfielders, as in FPL."""
    if statsbomb_position == "Goalkeeper":
        return "GKP"
    if any(word in statsbomb_position for word in DEFENDERS):
        return "DEF"
    if any(word in statsbomb_position for word in FORWARDS):
        return "FWD"
    return "MID"


def positions_in_match(events: list[dict]) -> Counter:
    """(player id, player name, StatsBomb position) -> events played in that position; the
    Starting XI counts each starter once more, so a player with no action keeps a position."""
    seen: Counter = Counter()
    for event in events:
        for entry in (event.get("tactics") or {}).get("lineup", []) if event["type"]["name"] == "Starting XI" else []:
            seen[(entry["player"]["id"], entry["player"]["name"], entry["position"]["name"])] += 1
        if event.get("player") and event.get("position"):
            seen[(event["player"]["id"], event["player"]["name"], event["position"]["name"])] += 1
    return seen


def player_positions(statsbomb_dirs: list[Path]) -> list[tuple[int, str, str]]:
    """Each player's most frequent position over all matches, ties broken by name."""
    counts: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, str] = {}
    files = sorted({path.name: path for d in statsbomb_dirs for path in (d / "events").glob("*.json.gz")}.values())
    if not files:
        raise DataNotFoundError(f"no events/*.json.gz under {', '.join(map(str, statsbomb_dirs))}")
    for path in files:
        with gzip.open(path, "rt") as handle:
            for (player_id, name, position), n in positions_in_match(json.load(handle)).items():
                counts[player_id][position] += n
                names[player_id] = name
    rows = []
    for player_id in sorted(counts):
        position = max(sorted(counts[player_id]), key=lambda p: counts[player_id][p])
        rows.append((player_id, names[player_id], fantasy_position(position)))
    return rows


def main(argv: list[str] | None = None) -> int:
    envfile.load_defaults()  # as the Makefile does, for runs without make
    parser = argparse.ArgumentParser(prog="python -m dbt_project.fitting.positions", description=__doc__)
    parser.add_argument("--data-dir", type=Path, action="append", help="StatsBomb folders (events/)")
    parser.add_argument("--seed", type=Path, default=SEED)
    args = parser.parse_args(argv)
    try:
        rows = player_positions(args.data_dir or list(DEFAULT_DIRS))
    except DataNotFoundError as error:
        print(f"Cannot build the positions: {error}.", file=sys.stderr)
        return 1
    with args.seed.open("w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(["provider", "player_id", "player_name", "position"])
        writer.writerows(("statsbomb", player_id, name, position) for player_id, name, position in rows)
    print(f"Wrote {len(rows)} players to {args.seed}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
