"""The xG race, the statistical trends and pressing per half on the bundled matches, against figures
read by hand from StatsBomb's raw events of Portugal 3-3 Spain (tests/dbt/data/trends_7576.md says how)."""

from __future__ import annotations

import csv
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dbt_project.evaluate.landing import create_tables, land
from tests.dbt_run import connect, dbt, drop_built

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
DATA = Path(__file__).parent / "data"
MATCH = "statsbomb:7576"
# What the fixture builds (with what they read): dropped with the landed tables afterwards.
BUILT = ("team_trends", "xg_race", "team_momentum", "team_pressing")
# team_trends' window count, the default of the dbt var trend_windows.
TREND_WINDOWS = 3

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def landed(dbt_seeds):
    """The bundled matches landed under a prefix of this module, and the marts of this module built on them."""
    from ingest.providers.statsbomb.files import find_matches, load_match
    from ingest.replay import matchday_timeline

    conn = connect()
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(conn, prefix)
    matches = [load_match(f) for f in find_matches([BUNDLED])]
    try:
        land(conn, prefix, ((o.contract, o.value) for o in
                            matchday_timeline(matches, datetime(2026, 1, 1, 15, tzinfo=timezone.utc))))
        dbt(prefix, "build", "--quiet", "--exclude", "resource_type:seed",
            "--select", *(f"+{mart}" for mart in BUILT))
        yield conn, prefix
    finally:
        drop_built(conn, prefix, BUILT)
        conn.close()


def test_xg_race_has_statsbombs_xg_and_the_real_score_at_hand_read_minutes(landed):
    conn, prefix = landed
    with (DATA / "xg_race_7576.csv").open() as handle:
        expected = {(row["team"], int(row["minute"])): (float(row["provider_xg_so_far"]), int(row["shots_so_far"]),
                                                        int(row["goals_so_far"])) for row in csv.DictReader(handle)}
    with conn.cursor() as cursor:
        cursor.execute(f"select team, minute, provider_xg_so_far, shots_so_far, goals_so_far from marts.{prefix}xg_race"
                       " where match_id = %s", (MATCH,))
        race = {(team, minute): tuple(figures) for team, minute, *figures in cursor.fetchall()}
    for key, (provider_xg, shots, goals) in expected.items():
        assert race[key] == (pytest.approx(provider_xg, abs=1e-9), shots, goals), key


def test_xg_race_is_a_step_line_per_team_with_the_goals_marked_in_their_minutes(landed):
    """Every minute 0-90 for both teams, xG never falling, and the six goals in their elapsed minutes."""
    conn, prefix = landed
    with conn.cursor() as cursor:
        cursor.execute(f"select team, minute, xg_so_far, provider_xg_so_far, goals_in_minute, goal_scorers"
                       f" from marts.{prefix}xg_race where match_id = %s order by team, minute", (MATCH,))
        rows = cursor.fetchall()
    for team in ("Portugal", "Spain"):
        line = [row for row in rows if row[0] == team]
        assert [row[1] for row in line] == list(range(91)), team
        assert all(a[2] <= b[2] and a[3] <= b[3] for a, b in zip(line, line[1:])), team
    goals = {(team, minute): (count, scorers) for team, minute, _, _, count, scorers in rows if count}
    ronaldo, costa, nacho = ("Cristiano Ronaldo dos Santos Aveiro", "Diego da Silva Costa",
                             "José Ignacio Fernández Iglesias")
    assert goals == {("Portugal", 3): (1, f"{ronaldo} (pen)"), ("Spain", 23): (1, costa),
                     ("Portugal", 43): (1, ronaldo), ("Spain", 54): (1, costa), ("Spain", 57): (1, nacho),
                     ("Portugal", 87): (1, ronaldo)}
    assert all(scorers is None for _, _, _, _, count, scorers in rows if not count)


@pytest.mark.parametrize("mart", ["team_momentum", "team_trends"])
def test_possession_is_the_share_of_passes_counted_by_hand(landed, mart):
    """Passes per team in the first half's window 20-25 and the second half's 60-65 (trends_7576.md)."""
    conn, prefix = landed
    passes = {(1, 20): {"Portugal": 19, "Spain": 41}, (2, 60): {"Portugal": 15, "Spain": 48}}
    with conn.cursor() as cursor:
        cursor.execute(f"select period, window_start_minute, team, possession from marts.{prefix}{mart}"
                       " where match_id = %s", (MATCH,))
        possession = {(period, start, team): float(share) for period, start, team, share in cursor.fetchall()}
    for (period, start), counts in passes.items():
        for team, count in counts.items():
            expected = 100 * count / sum(counts.values())
            assert possession[(period, start, team)] == pytest.approx(expected, abs=1e-9), (period, start, team)


def test_first_half_ppda_from_the_pressing_windows_equals_the_hand_count(landed):
    """Portugal: Spain's 260 passes in its own 60% / 4 defensive actions; Spain: 136 / 9 (trends_7576.md)."""
    conn, prefix = landed
    with conn.cursor() as cursor:
        cursor.execute(f"select team, sum(opponent_passes), sum(defensive_actions),"
                       f" round(sum(opponent_passes) / sum(defensive_actions), 2) from marts.{prefix}team_pressing"
                       " where match_id = %s and period = 1 group by team", (MATCH,))
        half = {team: (int(passes), int(actions), float(ppda)) for team, passes, actions, ppda in cursor.fetchall()}
        # ppda_so_far at the half's last window is the same figure.
        cursor.execute(f"select distinct on (team) team, ppda_so_far from marts.{prefix}team_pressing"
                       " where match_id = %s and period = 1 order by team, window_start_minute desc", (MATCH,))
        so_far = {team: float(ppda) for team, ppda in cursor.fetchall()}
    assert half == {"Portugal": (260, 4, 65.00), "Spain": (136, 9, 15.11)}
    assert so_far == {"Portugal": 65.00, "Spain": 15.11}


def test_trends_are_sums_of_team_momentums_windows(landed):
    """Over every bundled match: the last N windows' shots, xG and share of passes from team_momentum's
    windows, and the change against the N before, null until 2N windows."""
    conn, prefix = landed
    n = TREND_WINDOWS
    with conn.cursor() as cursor:
        cursor.execute(f"select match_id, team_side, period, window_start_minute, shots, xg, passes"
                       f" from marts.{prefix}team_momentum order by match_id, team_side, period, window_start_minute")
        momentum = cursor.fetchall()
        cursor.execute(f"select match_id, team_side, period, window_start_minute, window_number, windows_in_trend,"
                       f" shots_last_n, xg_last_n, possession_last_n, shots_change, xg_change, possession_change"
                       f" from marts.{prefix}team_trends")
        trends = {row[:4]: row[4:] for row in cursor.fetchall()}
    assert len(trends) == len(momentum)
    both_passes: dict[tuple, int] = {}
    for match_id, _, period, start, _, _, passes in momentum:
        both_passes[(match_id, period, start)] = both_passes.get((match_id, period, start), 0) + passes
    lines: dict[tuple, list] = {}
    for match_id, side, period, start, shots, xg, passes in momentum:
        lines.setdefault((match_id, side), []).append((period, start, shots, xg, passes,
                                                       both_passes[(match_id, period, start)]))

    def totals(windows):
        return (sum(w[2] for w in windows), sum(w[3] for w in windows),
                100 * sum(w[4] for w in windows) / sum(w[5] for w in windows))

    for (match_id, side), line in lines.items():
        for i, (period, start, *_) in enumerate(line):
            number, covered, shots, xg, possession, shots_change, xg_change, possession_change = \
                trends[(match_id, side, period, start)]
            last = line[max(0, i + 1 - n):i + 1]
            assert (number, covered) == (i + 1, len(last))
            want = totals(last)
            assert (shots, xg, float(possession)) == (want[0], pytest.approx(want[1]), pytest.approx(want[2]))
            if i + 1 < 2 * n:
                assert (shots_change, xg_change, possession_change) == (None, None, None)
            else:
                before = totals(line[i + 1 - 2 * n:i + 1 - n])
                assert (shots_change, xg_change, float(possession_change)) == (
                    want[0] - before[0], pytest.approx(want[1] - before[1]), pytest.approx(want[2] - before[2]))
