"""The in-play state beyond the score, on a real match with a red card (StatsBomb 3895292,
Union Berlin - Bayer Leverkusen, a Union Berlin player sent off with a second yellow): the
match landed as it was and, in tables of its own, without the sending-off."""

from __future__ import annotations

import csv
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dbt_project.evaluate.landing import create_tables, land
from tests.dbt_run import dbt, drop_built

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
PARAMETERS = ROOT / "dbt_project" / "seeds" / "win_probability_parameters.csv"
MARTS = ("scoreboard", "match_timeline", "shot_xg", "team_ratings", "win_probability")
# The intermediate models kept as tables (the views go with the landed tables they read).
SENT_OFF = ("RED_CARD", "SECOND_YELLOW")

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def both_versions(dbt_seeds):
    import psycopg2

    from ingest.providers.statsbomb.files import find_matches, load_match
    from ingest.replay import match_timeline

    conn = psycopg2.connect(host=os.environ["POSTGRES_HOST"], port=os.environ["POSTGRES_PORT"],
                            dbname=os.environ["POSTGRES_DB"], user=os.environ["POSTGRES_USER"],
                            password=os.environ["POSTGRES_PASSWORD"])
    conn.autocommit = True
    (match_file,) = [f for f in find_matches([BUNDLED]) if f.match_id == "3895292"]
    messages = [(o.contract, o.value) for o in
                match_timeline(load_match(match_file), datetime(2026, 1, 1, 15, tzinfo=timezone.utc))]
    cards = [v for c, v in messages if c == "match-events" and v["event_type"] in SENT_OFF]
    real, without = f"t{uuid.uuid4().hex[:8]}_", f"t{uuid.uuid4().hex[:8]}_"
    try:
        for prefix, kept in ((real, messages), (without, [(c, v) for c, v in messages if v not in cards])):
            create_tables(conn, prefix)
            land(conn, prefix, kept)
            dbt(prefix, "run", "--quiet", "--select", "+win_probability", "--exclude", "resource_type:seed")
        yield conn, real, without, cards
    finally:
        for prefix in (real, without):
            drop_built(conn, prefix, MARTS)
        conn.close()


def states(conn, prefix: str) -> dict[int, tuple]:
    with conn.cursor() as cursor:
        cursor.execute(f"select minute, p_home, p_away, expected_home_goals - home_score,"
                       f" expected_away_goals - away_score, home_players, away_players"
                       f" from marts.{prefix}win_probability where minute < 90")
        return {row[0]: row[1:] for row in cursor.fetchall()}


def test_a_red_card_moves_the_win_probability_against_the_side_down_a_player_by_the_fitted_factors(both_versions):
    conn, real, without, cards = both_versions
    (card,) = cards
    assert (card["team_side"], card["team_name"]) == ("home", "Union Berlin")
    fitted = {row["parameter"]: float(row["value"]) for row in csv.DictReader(PARAMETERS.open())}
    with_card, no_card = states(conn, real), states(conn, without)
    before = [m for m in with_card if m < card["minute"]]
    after = [m for m in with_card if m >= card["minute"]]
    assert before and after
    for minute in before:
        assert with_card[minute] == pytest.approx(no_card[minute], abs=1e-12), minute
    for minute in after:
        p_home, p_away, home_left, away_left, home_players, away_players = with_card[minute]
        assert (home_players, away_players) == (10, 11)
        # Each team's goals still to come, scaled by the fitted factors of the seed.
        assert home_left == pytest.approx(no_card[minute][2] * fitted["red_card_own"], rel=1e-9), minute
        assert away_left == pytest.approx(no_card[minute][3] * fitted["red_card_opponent"], rel=1e-9), minute
        assert p_home < no_card[minute][0], minute
