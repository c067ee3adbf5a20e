"""Regression: StatsBomb's "Saved to Post" shots (a save that pushes the ball onto the post) are
shots on target. A misspelt copy of the provider's string in the landing job ("Saved To Post")
once left them out of `streaming.team_momentum_5min`; the marts must count them too.

The expected figures come from the StatsBomb files themselves: StatsBomb calls a shot on target
one whose outcome is Goal, Saved or Saved to Post, and a save one that is Saved or Saved to Post.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "statsbomb"
KICKOFF = datetime(2026, 1, 1, 15, tzinfo=timezone.utc)

pytestmark = pytest.mark.shared_data


def _raw_events(path: Path) -> list[dict]:
    with gzip.open(path, "rt") if path.suffix == ".gz" else open(path) as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def saved_to_post():
    """(match files, raw events by StatsBomb match id) of the shared matches with such a shot."""
    from ingest.providers.statsbomb.files import find_matches

    found = {}
    for match_file in find_matches([SHARED]):
        events = _raw_events(match_file.events_path)
        if any(e["type"]["name"] == "Shot" and e["shot"]["outcome"]["name"] == "Saved to Post" for e in events):
            found[match_file.match_id] = (match_file, events)
    assert found, "the shared data has no Saved to Post shot any more"
    return found


def _messages(match_files) -> list[tuple[str, dict]]:
    from ingest.providers.statsbomb.files import load_match
    from ingest.replay import matchday_timeline

    matches = [load_match(f) for f in match_files]
    return [(o.contract, o.value) for o in matchday_timeline(matches, KICKOFF)]


@pytest.mark.integration
def test_saved_to_post_shots_are_on_target_in_the_momentum_windows(pg_conn, table_prefix, saved_to_post):
    import pyarrow as pa

    from streaming.sinks import accepted_rows, land_batch, stamped

    shots = {e["id"] for _, events in saved_to_post.values() for e in events
             if e["type"]["name"] == "Shot" and e["shot"]["outcome"]["name"] == "Saved to Post" and e["period"] < 5}
    values = [value for contract, value in _messages(f for f, _ in saved_to_post.values())
              if contract == "match-events" and value["event_id"] in shots]
    assert len(values) == len(shots)
    columns = ("event_id", "match_id", "team_id", "team_name", "period", "event_type", "outcome", "xg", "location_x")
    rows = pa.Table.from_pylist([
        {**{c: v[c] for c in columns}, "timestamp": datetime.fromisoformat(v["timestamp"]), "raw": json.dumps(v),
         "kafka_topic": "match-events", "kafka_partition": 0, "kafka_offset": offset}
        for offset, v in enumerate(values)
    ])
    landed = datetime.now(timezone.utc)
    assert land_batch(pg_conn, f"streaming.{table_prefix}landed_batches", "checkpoints/land-match_events", 0,
                      [accepted_rows(f"streaming.{table_prefix}match_events", stamped(rows, landed),
                                     f"streaming.{table_prefix}team_momentum_5min")], 0, landed=landed)
    with pg_conn.cursor() as cursor:
        cursor.execute(f"select sum(shots), sum(shots_on_target) from streaming.{table_prefix}team_momentum_5min")
        assert cursor.fetchone() == (len(shots), len(shots))


def _dbt(prefix: str, *args: str) -> None:
    env = {**os.environ, "STREAMING_TABLE_PREFIX": prefix, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}
    done = subprocess.run([str(Path(sys.executable).with_name("dbt")), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.integration
def test_saved_to_post_shots_are_saves_in_the_fantasy_mart(pg_conn, saved_to_post):
    from dbt_project.evaluate.landing import create_tables, drop_tables, land

    # Per match and defending team: the opponents' saved shots in play (not the shoot-out).
    expected: Counter = Counter()
    for match_id, (_, events) in saved_to_post.items():
        teams = {e["team"]["name"] for e in events if e["type"]["name"] == "Starting XI"}
        for e in events:
            if e["type"]["name"] == "Shot" and e["period"] < 5 and e["shot"]["outcome"]["name"] in ("Saved", "Saved to Post"):
                [defending] = teams - {e["team"]["name"]}
                expected[(f"statsbomb:{match_id}", defending)] += 1
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(pg_conn, prefix)
    try:
        land(pg_conn, prefix, _messages(f for f, _ in saved_to_post.values()))
        _dbt(prefix, "build", "--quiet", "--select", "+fantasy_points", "--exclude", "test_type:data")
        with pg_conn.cursor() as cursor:
            cursor.execute(f"select match_id, team, sum(saves) from marts.{prefix}fantasy_points"
                           " where position = 'GKP' group by match_id, team")
            saves = {(match_id, team): int(total) for match_id, team, total in cursor.fetchall()}
    finally:
        with pg_conn.cursor() as cursor:
            cursor.execute(f"drop table if exists marts.{prefix}fantasy_points")
        drop_tables(pg_conn, prefix)
    assert {key: saves.get(key, 0) for key in expected} == dict(expected)
