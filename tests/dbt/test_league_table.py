"""league_table and player_season on the 48 group-stage matches of the 2018 World Cup (StatsBomb open
data), landed in tables of this test only: FIFA's final group tables, the fair-play tie-break of Group H,
a match counted live with its score so far, and players' group stages read by hand from the raw events."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import datetime, timezone

import pytest

from dbt_project.evaluate.landing import create_tables, land
from tests.conftest import SHARED_DATA
from tests.dbt_run import connect, dbt, drop_built

STATSBOMB = SHARED_DATA / "statsbomb"
# What the tests build on a prefix: the two views and the per-match marts player_season sums.
MARTS = ("league_table", "player_season", "player_performance", "fantasy_points")
SELECT = ("--select", "+league_table", "+player_season", "--exclude", "resource_type:seed")

pytestmark = [pytest.mark.integration, pytest.mark.shared_data]

# FIFA's official final group standings of the 2018 World Cup (public record, e.g. fifa.com's
# tournament page and the FIFA Technical Report): per group, the teams in order with points, goal
# difference and goals scored. Team names as StatsBomb spells them in matches.json.
WORLD_CUP_2018_GROUPS = {
    "A": [("Uruguay", 9, 5, 5), ("Russia", 6, 4, 8), ("Saudi Arabia", 3, -5, 2), ("Egypt", 0, -4, 2)],
    # Spain above Portugal on goals scored (6 to 5).
    "B": [("Spain", 5, 1, 6), ("Portugal", 5, 1, 5), ("Iran", 4, 0, 2), ("Morocco", 1, -2, 2)],
    "C": [("France", 7, 2, 3), ("Denmark", 5, 1, 2), ("Peru", 3, 0, 2), ("Australia", 1, -3, 2)],
    "D": [("Croatia", 9, 6, 7), ("Argentina", 4, -2, 3), ("Nigeria", 3, -1, 3), ("Iceland", 1, -3, 2)],
    "E": [("Brazil", 7, 4, 5), ("Switzerland", 5, 1, 5), ("Serbia", 3, -2, 2), ("Costa Rica", 1, -3, 2)],
    # Sweden and Mexico on 6 points, apart on goal difference; South Korea above Germany likewise.
    "F": [("Sweden", 6, 3, 5), ("Mexico", 6, -1, 3), ("South Korea", 3, 0, 3), ("Germany", 3, -2, 2)],
    "G": [("Belgium", 9, 7, 9), ("England", 6, 5, 8), ("Tunisia", 3, -3, 5), ("Panama", 0, -9, 2)],
    # Japan and Senegal level on everything including their 2-2: Japan through on fair play (-4 to -6).
    "H": [("Colombia", 6, 3, 5), ("Japan", 4, 0, 4), ("Senegal", 4, 0, 4), ("Poland", 3, -3, 2)],
}


def group_stage_files():
    """The event files of the 48 group-stage matches of the 2018 World Cup, with their match objects."""
    from ingest.providers.statsbomb.files import find_matches

    objects = json.loads((STATSBOMB / "matches.json").read_text())
    ids = {str(m["match_id"]) for m in objects if m["competition"]["competition_name"] == "FIFA World Cup"
           and m["season"]["season_name"] == "2018" and m["competition_stage"]["name"] == "Group Stage"}
    assert len(ids) == 48
    return find_matches([STATSBOMB], match_ids=ids)


def messages(match_files):
    """(contract, message, seconds after kick-off) of the matches, all kicking off together."""
    from ingest.providers.statsbomb.files import load_match
    from ingest.replay import matchday_timeline

    matches = [load_match(f) for f in match_files]
    kickoff = datetime(2026, 1, 1, 15, tzinfo=timezone.utc)
    return [(o.contract, o.value, o.offset) for o in matchday_timeline(matches, kickoff)]


@pytest.fixture(scope="module")
def group_stage(dbt_seeds):
    """The 48 matches landed and built under a prefix of this module."""
    conn = connect()
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(conn, prefix)
    try:
        land(conn, prefix, ((c, v) for c, v, _ in messages(group_stage_files())))
        dbt(prefix, "build", "--quiet", *SELECT)
        yield conn, prefix
    finally:
        drop_built(conn, prefix, MARTS)
        conn.close()


def table_rows(conn, prefix: str) -> list[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(f"select group_name, position, team, played, won, drawn, lost, goals_for, goals_against,"
                       f" goal_difference, points, fair_play_points, live_matches from marts.{prefix}league_table"
                       f" where competition = 'FIFA World Cup' and season = '2018' order by group_name, position")
        return cursor.fetchall()


def test_the_group_tables_are_fifas_final_2018_standings(group_stage):
    conn, prefix = group_stage
    rows = table_rows(conn, prefix)
    built: dict[str, list[tuple]] = {}
    for group_name, position, team, played, *_, goal_difference, points, _, live in rows:
        built.setdefault(group_name, []).append((position, team, played, points, goal_difference, live))
    # Eight groups of four, each named by its teams in alphabetical order.
    by_teams = {frozenset(team for _, team, *_ in group): name for name, group in built.items()}
    assert len(built) == 8
    for letter, official in WORLD_CUP_2018_GROUPS.items():
        teams = [team for team, *_ in official]
        name = by_teams[frozenset(teams)]
        assert name == ", ".join(sorted(teams)), letter
        expected = [(i + 1, team, 3, points, gd, 0) for i, (team, points, gd, _) in enumerate(official)]
        assert built[name] == expected, letter
    goals = {team: goals_for for _, _, team, _, _, _, _, goals_for, *_ in rows}
    assert {team: goals[team] for group in WORLD_CUP_2018_GROUPS.values() for team, *_ in group} \
        == {team: gf for group in WORLD_CUP_2018_GROUPS.values() for team, _, _, gf in group}


def test_japan_goes_through_above_senegal_on_fair_play_points(group_stage):
    """FIFA's published fair-play points of Group H are Japan -4 and Senegal -6 (four and six yellow
    cards). StatsBomb's open data records one yellow card fewer for each team, read by hand from the
    raw events (Foul Committed / Bad Behaviour with a card): Japan 3 (Inui 67' and Hasebe 90+3' against
    Senegal, Makino 65' against Poland), Senegal 5 (Salif Sane 48' against Poland, Niang 58', Sabaly 89'
    and N'Doye 90' against Japan, Niang 49' against Colombia). On these events the points are -3 and -5,
    two apart as FIFA's, and decide the same way: Japan second."""
    conn, prefix = group_stage
    with conn.cursor() as cursor:
        cursor.execute(f"select team, position, points, goal_difference, goals_for, fair_play_points"
                       f" from marts.{prefix}league_table where team in ('Japan', 'Senegal') order by position")
        assert cursor.fetchall() == [("Japan", 2, 4, 0, 4, -3), ("Senegal", 3, 4, 0, 4, -5)]


# FIFA's fair-play deductions per player and match: the one worst of these card histories.
DEDUCTIONS = {("Yellow Card", "Red Card"): -5, ("Red Card",): -4, ("Yellow Card", "Second Yellow"): -3,
              ("Second Yellow",): -3, ("Yellow Card",): -1}
CARD_ORDER = ("Yellow Card", "Second Yellow", "Red Card")


def test_fair_play_points_are_fifas_deductions_on_the_raw_cards(group_stage):
    """Every team's fair-play points, recomputed from the raw StatsBomb events: each player's cards
    in a match (Foul Committed and Bad Behaviour events), one deduction per player and match."""
    conn, prefix = group_stage
    expected: dict[str, int] = {}
    for match_file in group_stage_files():
        teams = (match_file.match_object["home_team"]["home_team_name"],
                 match_file.match_object["away_team"]["away_team_name"])
        cards: dict[tuple[str, int], list[str]] = {}
        for event in json.loads(gzip.decompress(match_file.events_path.read_bytes())):
            card = (event.get("foul_committed") or event.get("bad_behaviour") or {}).get("card")
            if card and event.get("player"):
                cards.setdefault((event["team"]["name"], event["player"]["id"]), []).append(card["name"])
        for team in teams:
            expected.setdefault(team, 0)
        for (team, _), history in cards.items():
            expected[team] += DEDUCTIONS[tuple(sorted(set(history), key=CARD_ORDER.index))]
    with conn.cursor() as cursor:
        cursor.execute(f"select team, fair_play_points from marts.{prefix}league_table")
        assert dict(cursor.fetchall()) == expected
    assert min(expected.values()) < -5  # some team has more than a few cards: the check has teeth


def player_group_stage(conn, prefix: str, player_name: str) -> tuple:
    with conn.cursor() as cursor:
        cursor.execute(f"select team, appearances, minutes, goals, assists, xg, fantasy_points"
                       f" from marts.{prefix}player_season where competition = 'FIFA World Cup' and season = '2018'"
                       " and player_name = %s", (player_name,))
        (row,) = cursor.fetchall()
    return row


def raw_goals(player_name: str) -> int:
    """Goals of a player in the 48 matches' raw StatsBomb events: shots (penalties included) with
    outcome Goal in periods 1-4; own goals are not the scorer's."""
    goals = 0
    for match_file in group_stage_files():
        for event in json.loads(gzip.decompress(match_file.events_path.read_bytes())):
            if event["type"]["name"] == "Shot" and event["period"] <= 4 and event["shot"]["outcome"]["name"] == "Goal" \
                    and event["player"]["name"] == player_name:
                goals += 1
    return goals


def test_harry_kanes_group_stage_in_the_player_season(group_stage):
    """Harry Kane: 2 goals against Tunisia (11', 90+1'), 3 against Panama (two penalties, 22' and 45+1',
    and a deflected shot, 62'), rested against Belgium: 5 goals in 2 appearances. Minutes by
    player_performance's definition, whole minutes of the match clock between coming on and going off
    (the second half's clock starts again at 45:00, so first-half added time is not counted), read from
    the raw events' minute and second: against Tunisia the final whistle (Half End of period 2) at 94:44,
    94 minutes; against Panama replaced at 62:31 (Substitution event), 62 minutes: 156."""
    conn, prefix = group_stage
    assert raw_goals("Harry Kane") == 5
    team, appearances, minutes, goals, assists, xg, fantasy_points = player_group_stage(conn, prefix, "Harry Kane")
    assert (team, appearances, goals, minutes) == ("England", 2, 5, 156)
    with conn.cursor() as cursor:
        cursor.execute(f"select sum(p.minutes_played), sum(p.assists), sum(p.model_xg), sum(f.total_points)"
                       f" from marts.{prefix}player_performance p join marts.{prefix}fantasy_points f"
                       " using (match_id, player_id) where p.player_name = 'Harry Kane'")
        assert (minutes, assists, xg, fantasy_points) == cursor.fetchone()
    assert xg > 2  # two penalties alone are worth about 1.5


def test_cristiano_ronaldos_group_stage_in_the_player_season(group_stage):
    """Cristiano Ronaldo: a hat-trick against Spain (one penalty) and the header against Morocco,
    the penalty missed against Iran: 4 goals in 3 appearances, all played in full."""
    conn, prefix = group_stage
    assert raw_goals("Cristiano Ronaldo dos Santos Aveiro") == 4
    team, appearances, _, goals, *_ = player_group_stage(conn, prefix, "Cristiano Ronaldo dos Santos Aveiro")
    assert (team, appearances, goals) == ("Portugal", 3, 4)


@pytest.fixture
def russia_saudi_arabia_at_the_hour(dbt_seeds):
    """Russia - Saudi Arabia (5-0, goals 12', 43', 71', 90+1', 90+4') landed up to the first message of
    the 60th minute: the match is under way at 2-0. Then the rest of it lands."""
    conn = connect()
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(conn, prefix)
    (opening,) = [f for f in group_stage_files() if f.match_object["home_team"]["home_team_name"] == "Russia"
                  and f.match_object["away_team"]["away_team_name"] == "Saudi Arabia"]
    timeline = messages([opening])
    hour = min(offset for _, value, offset in timeline if value.get("period") == 2 and (value.get("minute") or 0) >= 60)
    try:
        land(conn, prefix, ((c, v) for c, v, offset in timeline if offset < hour))
        dbt(prefix, "build", "--quiet", *SELECT)
        yield conn, prefix, [(c, v) for c, v, offset in timeline if offset >= hour]
    finally:
        drop_built(conn, prefix, MARTS)
        conn.close()


def test_a_match_under_way_counts_live_with_its_current_score(russia_saudi_arabia_at_the_hour):
    conn, prefix, rest = russia_saudi_arabia_at_the_hour
    rows = [row[1:] for row in table_rows(conn, prefix)]
    # position, team, played, won, drawn, lost, goals for, against, difference, points, fair play, live
    assert [row[:10] + row[11:] for row in rows] == [
        (1, "Russia", 1, 1, 0, 0, 2, 0, 2, 3, 1),
        (2, "Saudi Arabia", 1, 0, 0, 1, 0, 2, -2, 0, 1),
    ]
    land(conn, prefix, rest)
    dbt(prefix, "build", "--quiet", *SELECT)
    rows = [row[1:] for row in table_rows(conn, prefix)]
    assert [row[:10] + row[11:] for row in rows] == [
        (1, "Russia", 1, 1, 0, 0, 5, 0, 5, 3, 0),
        (2, "Saudi Arabia", 1, 0, 0, 1, 0, 5, -5, 0, 0),
    ]


def final_snapshot(key: str, stage: str, home: str, away: str, home_score: int, away_score: int,
                   competition: str = "Test Cup") -> tuple[str, dict]:
    """A live-matches message of a finished match, as API-Football's feed sends one."""
    return "live-matches", {
        "event_id": f"api-football:{key}/final", "match_id": f"api-football:{key}", "provider": "api-football",
        "timestamp": "2026-01-01T17:00:00+00:00", "period": 2, "minute": 90, "sequence": 1, "status": "FINISHED",
        "home_team_name": home, "away_team_name": away, "home_score": home_score, "away_score": away_score,
        "competition_name": competition, "season_name": "2026", "stage": stage, "match_date": "2026-01-01",
    }


@pytest.fixture
def own_tables(dbt_seeds):
    conn = connect()
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(conn, prefix)
    try:
        yield conn, prefix
    finally:
        drop_built(conn, prefix, MARTS)
        conn.close()


def test_teams_level_on_points_and_goals_are_ordered_by_their_match_against_each_other(own_tables):
    """A group the provider names (API-Football's "Group A - <round>"), made up so that Zeta and Alpha
    end level on points (4), goal difference (0) and goals (1): Zeta beat Alpha, so Zeta is above it,
    where the name alone would put Alpha first. The knockout match between them does not count, and a
    league ("Regular Season - 1") is one table without a group name."""
    conn, prefix = own_tables
    land(conn, prefix, [
        final_snapshot("1", "Group A - 1", "Zeta", "Alpha", 1, 0),
        final_snapshot("2", "Group A - 1", "Delta", "Gamma", 2, 0),
        final_snapshot("3", "Group A - 2", "Gamma", "Zeta", 1, 0),
        final_snapshot("4", "Group A - 2", "Alpha", "Delta", 0, 0),
        final_snapshot("5", "Group A - 3", "Zeta", "Delta", 0, 0),
        final_snapshot("6", "Group A - 3", "Alpha", "Gamma", 1, 0),
        final_snapshot("7", "Round of 16", "Alpha", "Zeta", 4, 0),
        final_snapshot("8", "Regular Season - 1", "Home", "Away", 2, 1, competition="Test League"),
    ])
    dbt(prefix, "build", "--quiet", "--select", "+league_table", "--exclude", "resource_type:seed")
    with conn.cursor() as cursor:
        cursor.execute(f"select competition, group_name, position, team, played, points, goal_difference, goals_for"
                       f" from marts.{prefix}league_table order by competition, group_name, position")
        assert cursor.fetchall() == [
            ("Test Cup", "Group A", 1, "Delta", 3, 5, 2, 2),
            ("Test Cup", "Group A", 2, "Zeta", 3, 4, 0, 1),
            ("Test Cup", "Group A", 3, "Alpha", 3, 4, 0, 1),
            ("Test Cup", "Group A", 4, "Gamma", 3, 3, -2, 1),
            ("Test League", None, 1, "Home", 1, 3, 1, 2),
            ("Test League", None, 2, "Away", 1, 0, -1, 1),
        ]
