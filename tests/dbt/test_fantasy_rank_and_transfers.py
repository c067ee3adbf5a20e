"""fantasy_rank and transfer_recommendations on the twelve group-stage matches of Groups A and B of the
2018 World Cup (StatsBomb open data), landed in tables of this test only: the matchday's ranks follow
from the rules of ranking applied to fantasy_points' rows, and the recommended transfers of the squad
seed from the form formula written out here, with the default and another number of matches. The
budget rule, which StatsBomb's unpriced matches never reach, is transfer_recommendations' unit test."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from dbt_project.evaluate.landing import create_tables, land
from tests.conftest import SHARED_DATA
from tests.dbt_run import connect, dbt, drop_built

ROOT = Path(__file__).resolve().parents[2]
STATSBOMB = SHARED_DATA / "statsbomb"
SQUAD = ROOT / "dbt_project" / "seeds" / "fantasy_squad.csv"
GROUPS_A_AND_B = {"Uruguay", "Russia", "Saudi Arabia", "Egypt", "Spain", "Portugal", "Iran", "Morocco"}
# What the test builds on its prefix: the two views and the mart they read.
MARTS = ("fantasy_rank", "transfer_recommendations", "fantasy_points")
SELECT = ("--select", "+fantasy_rank", "+transfer_recommendations", "--exclude", "resource_type:seed")
# dbt vars' defaults (transfer_recommendations.sql): the last 3 matches, at least 90 minutes in them.
FORM_MATCHES, FORM_MIN_MINUTES = 3, 90

pytestmark = [pytest.mark.integration, pytest.mark.shared_data]


def match_objects() -> dict[str, dict]:
    """`statsbomb:<id>` -> StatsBomb's match object, for the 12 matches of Groups A and B."""
    objects = json.loads((STATSBOMB / "matches.json").read_text())
    found = {f"statsbomb:{m['match_id']}": m for m in objects if m["competition"]["competition_name"] == "FIFA World Cup"
             and m["season"]["season_name"] == "2018" and m["competition_stage"]["name"] == "Group Stage"
             and {m["home_team"]["home_team_name"], m["away_team"]["away_team_name"]} <= GROUPS_A_AND_B}
    assert len(found) == 12
    return found


@pytest.fixture(scope="module")
def groups_a_and_b(dbt_seeds):
    """The 12 matches landed, all kicking off together, and built under a prefix of this module (the
    seeds, this mart's squad among them, loaded once for the session by `dbt_seeds`)."""
    from ingest.providers.statsbomb.files import find_matches, load_match
    from ingest.replay import matchday_timeline

    conn = connect()
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(conn, prefix)
    ids = {key.split(":")[1] for key in match_objects()}
    matches = [load_match(f) for f in find_matches([STATSBOMB], match_ids=ids)]
    kickoff = datetime(2026, 1, 1, 15, tzinfo=timezone.utc)
    try:
        land(conn, prefix, ((o.contract, o.value) for o in matchday_timeline(matches, kickoff)))
        dbt(prefix, "build", "--quiet", *SELECT)
        yield conn, prefix
    finally:
        drop_built(conn, prefix, MARTS)
        conn.close()


def points_rows(conn, prefix: str) -> list[tuple]:
    """fantasy_points' rows of the players who took part: (match_id, player_id, position, minutes, points)."""
    with conn.cursor() as cursor:
        cursor.execute(f"select match_id, player_id, position, minutes_played, total_points"
                       f" from marts.{prefix}fantasy_points where minutes_played > 0")
        return cursor.fetchall()


def competition_rank(points: Decimal, others: list[Decimal]) -> int:
    """Standard competition ranking: 1 + how many scored more, so ties share a rank and the next skips."""
    return 1 + sum(1 for other in others if other > points)


def test_the_matchdays_ranks_follow_from_its_fantasy_points(groups_a_and_b):
    """Matchday 2018-06-15 is Egypt - Uruguay, Morocco - Iran and Portugal - Spain: every player who took
    part, ranked here from fantasy_points' rows of those three matches alone."""
    conn, prefix = groups_a_and_b
    matchday = {key for key, m in match_objects().items() if m["match_date"] == "2018-06-15"}
    assert len(matchday) == 3
    rows = [row for row in points_rows(conn, prefix) if row[0] in matchday]
    everyone = [points for *_, points in rows]
    expected = {}
    for _, player_id, position, _, points in rows:
        in_position = [p for _, _, pos, _, p in rows if pos == position]
        expected[player_id] = (competition_rank(points, everyone), competition_rank(points, in_position))
    with conn.cursor() as cursor:
        cursor.execute(f"select player_id, rank_overall, rank_in_position from marts.{prefix}fantasy_rank"
                       " where competition = 'FIFA World Cup' and match_date = %s", (date(2018, 6, 15),))
        actual = {player_id: (overall, in_position) for player_id, overall, in_position in cursor.fetchall()}
    assert actual == expected
    # The rule has something to decide: players level on points, and a rank skipped after them.
    assert len(set(everyone)) < len(everyone)
    assert len({overall for overall, _ in expected.values()}) < len(expected)
    # Cristiano Ronaldo's hat-trick against Spain: 14 points before the bonus, the best of the day.
    assert actual[5207] == (1, 1)


def form_by_player(rows: list[tuple], dates: dict[str, str], form_matches: int) -> dict[int, tuple[str, Decimal]]:
    """player_id -> (position of the latest match, points per 90) over the player's last `form_matches`
    matches, newest by date: 90 * sum(points) / sum(minutes), given FORM_MIN_MINUTES minutes in them."""
    matches: dict[int, list[tuple]] = {}
    for match_id, player_id, position, minutes, points in rows:
        matches.setdefault(player_id, []).append((dates[match_id], match_id, position, minutes, points))
    form = {}
    for player_id, played in matches.items():
        last = sorted(played, reverse=True)[:form_matches]
        minutes = sum(m for *_, m, _ in last)
        if minutes >= FORM_MIN_MINUTES:
            form[player_id] = (last[0][2], 90 * sum(p for *_, p in last) / minutes)
    return form


def test_the_recommended_transfers_are_the_best_gains_of_form_per_position(groups_a_and_b):
    """The squad of the seed (15 players of the 2018 World Cup, none with a price: no budget rule):
    per position the pair (squad player out, other player in) with the largest gain of form, lower ids
    first on a tie; only gains above zero."""
    conn, prefix = groups_a_and_b
    assert_best_swaps(conn, prefix, FORM_MATCHES)


def test_the_form_is_over_the_last_n_matches_of_the_dbt_var(groups_a_and_b):
    """With fantasy_form_matches 1 the form is the latest match alone (the test's players have up to
    three): the swaps follow the formula on that match, and some differ from the default's."""
    conn, prefix = groups_a_and_b
    default = recommendations(conn, prefix)
    try:
        dbt(prefix, "run", "--quiet", "--select", "transfer_recommendations", "--vars", "{fantasy_form_matches: 1}")
        assert_best_swaps(conn, prefix, 1)
        assert recommendations(conn, prefix) != default
    finally:
        dbt(prefix, "run", "--quiet", "--select", "transfer_recommendations")


def recommendations(conn, prefix: str) -> list[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(f"select position, player_out_id, player_in_id, player_out_form, player_in_form, form_gain,"
                       f" player_in_price, budget from marts.{prefix}transfer_recommendations order by position")
        return cursor.fetchall()


def assert_best_swaps(conn, prefix: str, form_matches: int) -> None:
    dates = {key: m["match_date"] for key, m in match_objects().items()}
    form = form_by_player(points_rows(conn, prefix), dates, form_matches)
    with SQUAD.open() as handle:
        squad = {int(row["player_id"]): row["position"] for row in csv.DictReader(handle)}
    assert len(squad) == 15
    expected = {}
    for position in ("GKP", "DEF", "MID", "FWD"):
        pairs = [(form[i][1] - form[o][1], -o, -i, o, i) for o, pos in squad.items() if pos == position and o in form
                 for i, (pos_in, _) in form.items() if pos_in == position and i not in squad and form[i][1] > form[o][1]]
        if pairs:
            *_, out_id, in_id = max(pairs)
            expected[position] = (out_id, in_id, form[out_id][1], form[in_id][1])
    rows = recommendations(conn, prefix)
    actual = {position: (out_id, in_id, out_form, in_form) for position, out_id, in_id, out_form, in_form, *_ in rows}
    assert set(actual) == {"GKP", "DEF", "MID", "FWD"}
    assert {p: v[:2] for p, v in actual.items()} == {p: v[:2] for p, v in expected.items()}
    for position, (_, _, out_form, in_form) in expected.items():
        assert actual[position][2:] == pytest.approx((out_form, in_form), abs=Decimal("1e-9")), position
    for _, _, _, out_form, in_form, gain, price, budget in rows:
        assert gain == pytest.approx(in_form - out_form, abs=Decimal("1e-9")) and gain > 0
        assert price is None and budget is None  # StatsBomb's tournaments have no prices
