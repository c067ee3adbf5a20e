"""The marts on the six bundled real matches, landed in tables of this test only: official
results, hand-checked fantasy points, and incremental builds equal to a full refresh."""

from __future__ import annotations

import csv
import gzip
import json
import os
import uuid
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from dbt_project.evaluate.landing import create_tables, land
from dbt_project.fitting.win_probability import poisson_pmf
from tests.dbt_run import dbt, drop_built
from dbt_project.live_marts import MARTS_YML, live_marts

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
DATA = Path(__file__).parent / "data"
MARTS = live_marts()
# The intermediate models kept as tables (the views go with the landed tables they read).

pytestmark = pytest.mark.integration


def snapshot(pg_conn, prefix: str) -> dict[str, list]:
    """Every mart's rows without the landing time, in a fixed order."""
    rows = {}
    with pg_conn.cursor() as cursor:
        for mart in MARTS:
            cursor.execute(f"select * from marts.{prefix}{mart} limit 0")
            columns = [c.name for c in cursor.description if c.name != "source_landed_at"]
            cursor.execute(f"select {', '.join(columns)} from marts.{prefix}{mart} order by {', '.join(columns)}")
            # Sums of floats may differ in the last bit with the order rows are read in.
            rows[mart] = [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in cursor.fetchall()]
    return rows


@pytest.fixture(scope="module")
def landed(request, dbt_seeds):
    """The bundled matches landed under a prefix of this module: first the messages of the
    first hour of play, built incrementally, then the rest, built incrementally again."""
    import psycopg2

    from ingest.providers.statsbomb.files import find_matches, load_match
    from ingest.replay import matchday_timeline

    conn = psycopg2.connect(host=os.environ["POSTGRES_HOST"], port=os.environ["POSTGRES_PORT"],
                            dbname=os.environ["POSTGRES_DB"], user=os.environ["POSTGRES_USER"],
                            password=os.environ["POSTGRES_PASSWORD"])
    conn.autocommit = True
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(conn, prefix)
    matches = [load_match(f) for f in find_matches([BUNDLED])]
    messages = [(o.contract, o.value, o.offset) for o in
                matchday_timeline(matches, datetime(2026, 1, 1, 15, tzinfo=timezone.utc))]
    try:
        land(conn, prefix, ((c, v) for c, v, offset in messages if offset < 3600))
        dbt(prefix, "build", "--quiet", "--exclude", "resource_type:seed")
        land(conn, prefix, ((c, v) for c, v, offset in messages if offset >= 3600))
        dbt(prefix, "build", "--quiet", "--exclude", "resource_type:seed")
        yield conn, prefix
    finally:
        drop_built(conn, prefix, MARTS)
        conn.close()


def test_incremental_builds_equal_a_full_refresh(landed):
    conn, prefix = landed
    incremental = snapshot(conn, prefix)
    # notifications lists what the alerts process sent, and none runs here (tests/streaming/test_alerts_kafka.py).
    assert all(incremental[mart] for mart in MARTS if mart != "notifications")
    dbt(prefix, "run", "--quiet", "--full-refresh", "--exclude", "resource_type:seed")
    full = snapshot(conn, prefix)
    for mart in MARTS:
        assert incremental[mart] == full[mart], mart


def test_finished_scoreboards_equal_the_official_results(landed):
    conn, prefix = landed
    official = {f"statsbomb:{m['match_id']}": m for m in json.loads((BUNDLED / "matches.json").read_text())}
    with conn.cursor() as cursor:
        cursor.execute(f"select match_id, status, home_team, away_team, home_score, away_score,"
                       f" home_penalties, away_penalties from marts.{prefix}scoreboard")
        board = {row[0]: row[1:] for row in cursor.fetchall()}
    assert set(board) == set(official)
    for match_id, m in official.items():
        assert board[match_id][:5] == ("FINISHED", m["home_team"]["home_team_name"], m["away_team"]["away_team_name"],
                                       m["home_score"], m["away_score"]), match_id
    # The shoot-outs, from the notes of matches.json: 6-5 and 4-2.
    assert board["statsbomb:3923880"][5:] == (6, 5)
    assert board["statsbomb:3942228"][5:] == (4, 2)


def test_fantasy_points_equal_the_hand_checked_table(landed):
    conn, prefix = landed
    with (DATA / "fantasy_points_7576.csv").open() as handle:
        expected = {row["player_name"]: (row["position"], int(row["minutes_played"]), int(row["points_before_bonus"]))
                    for row in csv.DictReader(handle)}
    with conn.cursor() as cursor:
        cursor.execute(f"select player_name, position, minutes_played, total_points - bonus_points"
                       f" from marts.{prefix}fantasy_points where match_id = 'statsbomb:7576'")
        actual = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
    assert {name: actual.get(name) for name in expected} == expected


# The heat map's touches in StatsBomb's own event types (Tackle is a kind of Duel there, 50/50
# and Shield are types of their own); shoot-out kicks (period 5) are not play.
STATSBOMB_TOUCHES = {"Pass", "Ball Receipt*", "Carry", "Dribble", "Miscontrol", "Dispossessed", "Shield", "Shot",
                     "Duel", "50/50", "Pressure", "Interception", "Block", "Clearance", "Ball Recovery", "Goal Keeper"}


def test_heat_map_counts_each_players_touches_per_zone_of_statsbombs_pitch(landed):
    """Zones of 10 x 8 on StatsBomb's 120 x 80 pitch are 12 x 10 units: counted here from the raw
    events of Portugal 3-3 Spain, independently of the contract's percent coordinates."""
    conn, prefix = landed
    events = json.loads(gzip.decompress((BUNDLED / "events" / "7576.json.gz").read_bytes()))
    expected: dict[tuple[int, int, int], int] = {}
    for event in events:
        if event["type"]["name"] in STATSBOMB_TOUCHES and event["period"] <= 4 and event.get("location") \
                and event.get("player"):
            x, y = event["location"][:2]
            key = (event["player"]["id"], min(int(x // 12), 9) + 1, min(int(y // 10), 7) + 1)
            expected[key] = expected.get(key, 0) + 1
    with conn.cursor() as cursor:
        cursor.execute(f"select player_id, x_zone, y_zone, touches, share_of_touches from marts.{prefix}player_heat_map"
                       " where match_id = 'statsbomb:7576'")
        rows = cursor.fetchall()
    assert {(p, x, y): n for p, x, y, n, _ in rows} == expected
    shares: dict[int, float] = {}
    for player_id, _, _, _, share in rows:
        shares[player_id] = shares.get(player_id, 0) + float(share)
    assert all(abs(total - 1) < 0.01 for total in shares.values()), shares


def test_pressing_and_ppda_per_team_equal_statsbombs_raw_counts(landed):
    """PPDA's definition (Opta, StatsBomb) in StatsBomb's units of Portugal 3-3 Spain: defensive
    actions (tackles, interceptions, fouls without a card, challenges lost) at x >= 48 (the
    attacking 60% of 120), the opponent's passes at x <= 72; balls won at x >= 74.4 (62% of 120)."""
    conn, prefix = landed
    events = json.loads(gzip.decompress((BUNDLED / "events" / "7576.json.gz").read_bytes()))
    counts: dict[str, dict[str, int]] = {}
    for event in events:
        if event["period"] > 4 or not event.get("location"):
            continue
        kind, x = event["type"]["name"], event["location"][0]
        team = counts.setdefault(event["team"]["name"], dict.fromkeys(("pressures", "defensive", "passes", "won"), 0))
        team["pressures"] += kind == "Pressure"
        tackle = kind == "Duel" and event["duel"]["type"]["name"] == "Tackle"
        foul = kind == "Foul Committed" and "card" not in event.get("foul_committed", {})
        team["defensive"] += (tackle or foul or kind in ("Interception", "Dribbled Past")) and x >= 48
        team["passes"] += kind == "Pass" and x <= 72
        won = kind == "Ball Recovery" or (kind == "Interception" and event["interception"]["outcome"]["name"]
                                          in ("Won", "Success", "Success In Play", "Success Out", "Success To Team"))
        team["won"] += won and x >= 74.4
    with conn.cursor() as cursor:
        cursor.execute(f"select team, sum(pressures), sum(defensive_actions), sum(opponent_passes), sum(balls_won_high)"
                       f" from marts.{prefix}team_pressing where match_id = 'statsbomb:7576' group by team")
        built = {team: tuple(map(int, figures)) for team, *figures in cursor.fetchall()}
        cursor.execute(f"select distinct on (team) team, ppda_so_far from marts.{prefix}team_pressing"
                       " where match_id = 'statsbomb:7576' order by team, period desc, window_start_minute desc")
        ppda = dict(cursor.fetchall())
    portugal, spain = counts["Portugal"], counts["Spain"]
    assert built == {
        "Portugal": (portugal["pressures"], portugal["defensive"], spain["passes"], portugal["won"]),
        "Spain": (spain["pressures"], spain["defensive"], portugal["passes"], spain["won"]),
    }
    assert float(ppda["Portugal"]) == round(spain["passes"] / portugal["defensive"], 2)
    assert float(ppda["Spain"]) == round(portugal["passes"] / spain["defensive"], 2)


def test_each_teams_saves_equal_the_opponents_saved_shots_in_statsbombs_events(landed):
    """FPL's saves (int_fantasy_actions, credited to the goalkeeper on the pitch): per team of every bundled
    match, the opponent's shots of periods 1-4 (a shoot-out is not play) whose StatsBomb outcome is Saved or
    Saved to Post (on target, kept out: spec.py's SAVED), penalties in play included."""
    conn, prefix = landed
    expected = {}
    for path in (BUNDLED / "events").glob("*.json.gz"):
        events = json.loads(gzip.decompress(path.read_bytes()))
        teams = {event["team"]["name"] for event in events if "team" in event}
        for team in teams:
            expected[(f"statsbomb:{path.name.split('.')[0]}", team)] = sum(
                1 for event in events
                if event["type"]["name"] == "Shot" and event["period"] <= 4 and event["team"]["name"] != team
                and event["shot"]["outcome"]["name"] in ("Saved", "Saved to Post"))
    with conn.cursor() as cursor:
        cursor.execute(f"select match_id, team, sum(saves) from staging.{prefix}int_fantasy_actions group by match_id, team")
        built = {(match_id, team): int(saves) for match_id, team, saves in cursor.fetchall()}
    assert sum(expected.values()) > 20  # enough saves to tell a rule from a coincidence
    assert built == expected


def test_match_ratings_follow_the_bonus_points_and_crown_ronaldos_hat_trick(landed):
    """The rating rule (marts.yml): 6.0 + BPS / 10 between 3 and 10, none under 10 minutes; in
    Portugal 3-3 Spain, Cristiano Ronaldo's hat-trick is the match's best rating."""
    conn, prefix = landed
    with conn.cursor() as cursor:
        cursor.execute(f"select p.player_name, p.minutes_played, p.rating, f.bps from marts.{prefix}player_performance p"
                       f" join marts.{prefix}fantasy_points f using (match_id, player_id)"
                       " where match_id = 'statsbomb:7576'")
        rows = cursor.fetchall()
    assert len(rows) >= 28
    for name, minutes, rating, bps in rows:
        exact = min(Decimal(10), max(Decimal(3), 6 + Decimal(bps) / 10))
        expected = None if minutes < 10 else exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert rating == expected, name
    ratings = {name: rating for name, _, rating, _ in rows if rating is not None}
    assert ratings["Cristiano Ronaldo dos Santos Aveiro"] == max(ratings.values()) == 10


def test_the_winner_has_probability_one_at_the_final_whistle(landed):
    conn, prefix = landed
    with conn.cursor() as cursor:
        cursor.execute(f"select distinct on (match_id) match_id, p_home, p_draw, p_away"
                       f" from marts.{prefix}win_probability order by match_id, minute desc")
        last = {row[0]: row[1:] for row in cursor.fetchall()}
    # Official results: 3-0, 3-3, 0-1, 0-0, 1-1, 1-0 (a.e.t.).
    winners = {"statsbomb:7558": 0, "statsbomb:7576": 1, "statsbomb:3895292": 2, "statsbomb:3923880": 1,
               "statsbomb:3942228": 1, "statsbomb:3943077": 0}
    for match_id, outcome in winners.items():
        assert last[match_id][outcome] == pytest.approx(1.0, abs=1e-9), match_id


def test_the_outcome_probabilities_are_the_poisson_score_grid_of_the_goals_left(landed):
    # The rule: the goals each side scores in the time left are independent Poisson counts with the
    # mart's own expectations (expected final score - score), truncated at the seed's max_goals; a home
    # win is every (i, j) of that grid with home_score + i > away_score + j, and so on; the three sums
    # are normalised. Worked out here over the whole grid, for every minute of the six matches.
    conn, prefix = landed
    fitted = {row["parameter"]: float(row["value"]) for row in
              csv.DictReader((ROOT / "dbt_project" / "seeds" / "win_probability_parameters.csv").open())}
    top = int(fitted["max_goals"])
    with conn.cursor() as cursor:
        cursor.execute(f"select home_score, away_score, expected_home_goals - home_score, expected_away_goals - away_score,"
                       f" p_home, p_draw, p_away from marts.{prefix}win_probability")
        rows = cursor.fetchall()
    assert len(rows) > 500
    for home_score, away_score, home_left, away_left, *probabilities in rows:
        home = [poisson_pmf(home_left, goals) for goals in range(top + 1)]
        away = [poisson_pmf(away_left, goals) for goals in range(top + 1)]
        sums = [0.0, 0.0, 0.0]
        for i, p_i in enumerate(home):
            for j, p_j in enumerate(away):
                difference = home_score + i - away_score - j
                sums[0 if difference > 0 else 1 if difference == 0 else 2] += p_i * p_j
        expected = [part / sum(sums) for part in sums]
        assert probabilities == pytest.approx(expected, abs=1e-12), (home_score, away_score, home_left, away_left)


def test_every_mart_column_is_described_in_marts_yml(landed):
    conn, prefix = landed
    models = {m["name"]: m for m in yaml.safe_load(MARTS_YML.read_text())["models"]}
    with conn.cursor() as cursor:
        for mart in MARTS:
            cursor.execute(f"select * from marts.{prefix}{mart} limit 0")
            built = {c.name for c in cursor.description}
            described = {c["name"] for c in models[mart]["columns"] if c.get("description")}
            assert built == described, mart


def test_mart_descriptions_reach_postgresql_as_comments(landed):
    """persist_docs: what marts.yml says of a mart and its columns is what analysts' SQL tools show."""
    conn, prefix = landed
    models = {m["name"]: m for m in yaml.safe_load(MARTS_YML.read_text())["models"]}
    with conn.cursor() as cursor:
        for mart in MARTS:
            cursor.execute(
                "select obj_description(c.oid), a.attname, col_description(c.oid, a.attnum)"
                " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
                " where n.nspname = 'marts' and c.relname = %s", (prefix + mart,))
            rows = cursor.fetchall()
            # YAML's folded descriptions end in a newline, which the comment keeps.
            assert {(table or "").strip() for table, _, _ in rows} == {models[mart]["description"].strip()}, mart
            assert {name: (text or "").strip() for _, name, text in rows} == {
                c["name"]: c["description"].strip() for c in models[mart]["columns"]}, mart
