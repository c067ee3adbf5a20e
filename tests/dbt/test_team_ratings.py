"""team_ratings on real international results landed in tables of this test only: an Elo
update checked against the eloratings.net formula worked by hand, and a tournament replayed
in chunks (one of them late) equal to a full recomputation and to the walk of the fitting code."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from dbt_project.evaluate.landing import create_tables, land
from dbt_project.evaluate.results_feed import match_messages
from dbt_project.fitting.elo import EloTable
from dbt_project.fitting.results import load_results
from tests.dbt_run import connect, drop_built

ROOT = Path(__file__).resolve().parents[2]
INTERNATIONAL = ROOT.parent / "shared" / "data" / "results" / "international"
SEED = ROOT / "dbt_project" / "seeds" / "elo_ratings.csv"
MARTS = ("scoreboard", "team_ratings")
# The intermediate models kept as tables (the views go with the landed tables they read).

pytestmark = pytest.mark.integration


def dbt(prefix: str, *args: str, seed_through: date) -> None:
    env = {**os.environ, "STREAMING_TABLE_PREFIX": prefix, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}
    command = [str(Path(sys.executable).with_name("dbt")), *args, "--select", "+team_ratings",
               "--exclude", "resource_type:seed", "--vars", json.dumps({"ratings_seed_through": seed_through.isoformat()})]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def world_cup_2018():
    """The 64 matches of the 2018 World Cup from the shared results, in date order."""
    return [r for r in load_results(INTERNATIONAL)
            if r.tournament == "FIFA World Cup" and date(2018, 6, 14) <= r.date <= date(2018, 7, 15)]


@pytest.fixture
def tables(pg_conn_factory, dbt_seeds):
    conn = pg_conn_factory()
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(conn, prefix)
    try:
        yield conn, prefix
    finally:
        drop_built(conn, prefix, MARTS)
        conn.close()


@pytest.fixture
def pg_conn_factory():
    return connect


def land_results(conn, prefix: str, results, keys) -> None:
    land(conn, prefix, (m for r, key in zip(results, keys, strict=True) for m in match_messages(r, key)))


def ratings(conn, prefix: str) -> dict[str, tuple]:
    with conn.cursor() as cursor:
        cursor.execute(f"select match_id, home_team, away_team, home_rating, away_rating, home_rating_after,"
                       f" away_rating_after, is_learned from marts.{prefix}team_ratings")
        return {row[0]: tuple(round(v, 9) if isinstance(v, float) else v for v in row[1:]) for row in cursor.fetchall()}


def test_the_2018_world_cup_final_moves_the_ratings_by_the_hand_computed_elo_change(tables):
    conn, prefix = tables
    (final,) = [r for r in world_cup_2018() if (r.home_team, r.away_team) == ("France", "Croatia")]
    assert (final.date, final.home_score, final.away_score, final.neutral) == (date(2018, 7, 15), 4, 2, True)
    land_results(conn, prefix, [final], ["final"])
    # The ratings start from the seed as it stood the day before: France 2148.0 (after
    # 2018-07-10), Croatia 2026.4 (after 2018-07-11), seed rows elo_ratings.csv.
    dbt(prefix, "run", "--quiet", seed_through=date(2018, 7, 14))
    row = ratings(conn, prefix)["results:final"]
    assert row[2:4] == (2148.0, 2026.4)
    # eloratings.net: neutral venue, so dr = 2148.0 - 2026.4 = 121.6;
    # W_e = 1 / (10^(-121.6/400) + 1) = 1 / (0.496592 + 1) = 0.668185;
    # K = 60 (World Cup finals), won by two goals: G = 1.5; W = 1;
    # change = 60 x 1.5 x (1 - 0.668185) = 29.8634.
    assert row[4] == pytest.approx(2148.0 + 29.8634, abs=1e-3)
    assert row[5] == pytest.approx(2026.4 - 29.8634, abs=1e-3)
    assert row[6] is True


def seed_ratings_on(day: date) -> dict[str, float]:
    latest: dict[str, tuple[str, float]] = {}
    with SEED.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["rated_after"] <= day.isoformat():
                if row["team"] not in latest or row["rated_after"] > latest[row["team"]][0]:
                    latest[row["team"]] = (row["rated_after"], float(row["rating"]))
    return {team: rating for team, (_, rating) in latest.items()}


def test_a_tournament_replayed_in_chunks_equals_a_recomputation_from_scratch(tables):
    conn, prefix = tables
    matches = world_cup_2018()
    assert len(matches) == 64
    keys = [f"wc2018-{i:02d}" for i in range(len(matches))]
    start = date(2018, 6, 13)
    # The first round, then the final ahead of its time, then everything in between: each
    # chunk built incrementally, the late results walked again from where they belong.
    order = [range(0, 16), range(63, 64), range(16, 63)]
    for chunk in order:
        land_results(conn, prefix, [matches[i] for i in chunk], [keys[i] for i in chunk])
        dbt(prefix, "run", "--quiet", seed_through=start)
    incremental = ratings(conn, prefix)
    dbt(prefix, "run", "--quiet", "--full-refresh", seed_through=start)
    assert ratings(conn, prefix) == incremental

    # The same walk by the fitting code, from the same seed ratings.
    table = EloTable()
    table.ratings.update(seed_ratings_on(start))
    for key, r in zip(keys, matches, strict=True):
        before = table.play(r.home_team, r.away_team, r.home_score, r.away_score, r.tournament, r.neutral)
        row = incremental[f"results:{key}"]
        assert row[2:6] == pytest.approx((before.home, before.away, table.rating(r.home_team),
                                          table.rating(r.away_team)), abs=1e-6), key
    assert table.rating("France") > seed_ratings_on(start)["France"]
