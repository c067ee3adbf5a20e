"""Pure tests of the football-data.org and API-Football parsers and of snapshot diffing, on real responses."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from ingest import contracts
from ingest.polling.snapshots import SnapshotDiffer
from ingest.providers.api_football.parser import parse_fixture, parse_fixtures
from ingest.providers.football_data.parser import parse_matches

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = 1_700_000_000.0

# Official results (FIFA; checked by hand against openfootball/worldcup/2022.json): score after
# extra time, and the shoot-out.
WC_2022_SHOOTOUTS = {
    391933: ("Japan", "Croatia", (1, 1), (1, 3)),
    391935: ("Morocco", "Spain", (0, 0), (3, 0)),
    391937: ("Croatia", "Brazil", (1, 1), (4, 2)),
    391938: ("Netherlands", "Argentina", (2, 2), (3, 4)),
    391944: ("Argentina", "France", (3, 3), (4, 2)),
}
# Official Euro 2024 results (UEFA; checked by hand against openfootball/euro/2024.json).
EURO_2024 = {
    1215077: ((0, 3), None, "FINISHED"),   # Romania - Netherlands
    1215078: ((1, 2), None, "FINISHED"),   # Austria - Türkiye
    1219688: ((2, 1), None, "FINISHED"),   # Spain - Germany, after extra time
    1219689: ((1, 1), (5, 3), "FINISHED"),  # England - Switzerland
    1219959: ((0, 0), (3, 5), "FINISHED"),  # Portugal - France
    1220308: ((2, 1), None, "FINISHED"),   # Netherlands - Türkiye
    1225853: ((None, None), None, "SCHEDULED"),
    1227539: ((None, None), None, "SCHEDULED"),
}


def load(*parts: str):
    return json.loads(DATA.joinpath(*parts).read_text())


def test_world_cup_2022_shootouts_score_without_the_shootout_goals():
    snapshots, rejected = parse_matches(load("football-data.org", "v4_competitions_WC_matches_2022.json"))
    assert rejected == []
    by_id = {int(s.provider_match_id): s for s in snapshots}
    for match_id, (home, away, score, penalties) in WC_2022_SHOOTOUTS.items():
        snap = by_id[match_id]
        assert (snap.home.name, snap.away.name) == (home, away)
        assert (snap.home_score, snap.away_score) == score
        assert (snap.home_penalty_score, snap.away_penalty_score) == penalties
        assert (snap.status, snap.period) == ("FINISHED", 5)


def test_world_cup_2022_every_score_matches_regular_plus_extra_time():
    payload = load("football-data.org", "v4_competitions_WC_matches_2022.json")
    snapshots, _ = parse_matches(payload)
    assert len(snapshots) == 64
    for item, snap in zip(payload["matches"], snapshots):
        score = item["score"]
        # The provider's own parts, not fullTime: regularTime + extraTime, or fullTime when regular.
        regular = score.get("regularTime") or score["fullTime"]
        extra = score.get("extraTime") or {"home": 0, "away": 0}
        assert (snap.home_score, snap.away_score) == (regular["home"] + extra["home"], regular["away"] + extra["away"])
        if score["duration"] == "REGULAR":
            assert snap.home_penalty_score is None


def test_euro_2024_results_are_the_official_ones():
    snapshots, rejected = parse_fixtures(load("api-football", "v3_fixtures_league4_2024-07-02_to_10.json"))
    assert rejected == []
    assert {int(s.provider_match_id) for s in snapshots} == set(EURO_2024)
    for snap in snapshots:
        score, penalties, status = EURO_2024[int(snap.provider_match_id)]
        assert (snap.home_score, snap.away_score) == score
        assert (snap.home_penalty_score, snap.away_penalty_score) == (penalties or (None, None))
        assert snap.status == status
    spain_germany = next(s for s in snapshots if s.provider_match_id == "1219688")
    assert spain_germany.period == 4  # AET: extra time was played


def test_live_fixtures_event_scores_reconcile_with_the_live_score():
    snapshots, _ = parse_fixtures(load("api-football", "v3_fixtures_live_all_2024-02-28.json"))
    assert len(snapshots) == 14
    for snap in snapshots:
        goals = [e for e in snap.events if e.event_type == "GOAL"]
        last = goals[-1] if goals else None
        assert ((last.home_score, last.away_score) if last else (0, 0)) == (snap.home_score, snap.away_score)


def _fixture_877957():
    return load("api-football", "v3_fixtures_id_877957_RealSociedad-Barcelona_2022-08-21.json")[0]


def test_substitution_player_leaves_and_assist_comes_on():
    events = parse_fixture(_fixture_877957()).events
    first_sub = next(e for e in events if e.event_type == "SUBSTITUTION")
    # 63': Ferran Torres off, Ansu Fati on (Barcelona).
    assert (first_sub.player_name, first_sub.replacement_player_name) == ("Ferran Torres", "Ansu Fati")
    assert first_sub.assist_player_id is None
    assert (first_sub.period, first_sub.minute) == (2, 62)


def test_real_sociedad_barcelona_ends_1_4():
    snap = parse_fixture(_fixture_877957())
    assert (snap.home.name, snap.away.name, snap.home_score, snap.away_score) == ("Real Sociedad", "Barcelona", 1, 4)
    assert [(e.home_score, e.away_score) for e in snap.events if e.event_type == "GOAL"] == [(0, 1), (1, 1), (1, 2), (1, 3), (1, 4)]


def test_own_goal_counts_for_the_team_api_football_names_and_belongs_to_the_other():
    # Edited from a real event: Dembele's 66' goal for Barcelona recorded as an own goal, the way
    # API-Football reports one (team = the benefiting team, player = the scorer).
    item = _fixture_877957()
    goal = next(e for e in item["events"] if e["type"] == "Goal" and e["player"]["name"] == "O. Dembélé")
    goal["detail"] = "Own Goal"
    goal["player"] = {"id": 47301, "name": "Robin Le Normand"}  # a Real Sociedad player of this match
    snap = parse_fixture(item)
    own_goal = next(e for e in snap.events if e.event_type == "OWN_GOAL")
    assert (own_goal.team_name, own_goal.home_score, own_goal.away_score) == ("Real Sociedad", 1, 2)
    assert (snap.events[-1].home_score, snap.events[-1].away_score) == (1, 4)


def test_missed_penalty_is_type_goal_and_does_not_score():
    # Edited from a real event: Isak's 6' goal turned into a missed penalty.
    item = _fixture_877957()
    isak = next(e for e in item["events"] if e["type"] == "Goal" and e["player"]["name"] == "A. Isak")
    isak["detail"] = "Missed Penalty"
    events = parse_fixture(item).events
    missed = next(e for e in events if e.player_name == "A. Isak" and e.provider_event_type.startswith("Goal"))
    assert missed.event_type == "PENALTY_MISSED"
    assert (events[-1].home_score, events[-1].away_score) == (0, 4)


def test_var_goal_cancelled_does_not_change_the_score():
    response = load("api-football", "v3_fixtures_events_1049765_liga1-romania.json")["response"]
    item = load("api-football", "v3_fixtures_live_all_2024-02-28.json")["response"][0]
    item = copy.deepcopy(item)
    item["teams"]["home"].update(id=6886, name="Oţelul")
    item["teams"]["away"].update(id=2589, name="Uta Arad")
    item["events"] = response
    events = parse_fixture(item).events
    var = next(e for e in events if e.provider_event_type == "Var: Goal cancelled")
    assert var.event_type == "GOAL_CANCELLED"
    assert (var.home_score, var.away_score) == (0, 1)  # R. Pop's 45+5' goal only
    assert (var.minute, var.added_time) == (56, 0)
    first_goal = events[0]
    assert (first_goal.period, first_goal.minute, first_goal.added_time) == (1, 45, 4)  # shown 45+5'
    assert sum(1 for e in events if e.event_type == "RED_CARD") == 1


def test_api_football_error_payload_with_http_200_is_rejected_with_its_reason():
    payload = {"get": "fixtures", "parameters": {"live": "all"},
               "errors": {"requests": "You have reached the request limit for the day"},
               "results": 0, "paging": {"current": 1, "total": 1}, "response": []}
    snapshots, rejected = parse_fixtures(payload)
    assert snapshots == []
    assert "request limit for the day" in rejected[0][1]


def test_an_unreadable_item_is_rejected_and_the_others_kept():
    payload = load("football-data.org", "v4_matches_2023-12-29_today_SA_ELC_PPL.json")
    del payload["matches"][3]["homeTeam"]
    snapshots, rejected = parse_matches(payload)
    assert len(snapshots) == 17 and len(rejected) == 1
    assert str(payload["matches"][3]["id"]) in rejected[0][1]


def _walk(sequence: str, parse):
    steps = load("sequences", sequence)["steps"]
    differ = SnapshotDiffer()
    rounds = []
    for step in steps:
        snapshots, rejected = parse(step["body"])
        assert rejected == []
        rounds.append([m for s in snapshots for m in differ.update(s, NOW)])
    return rounds


def test_football_data_final_walk_emits_goals_periods_and_the_official_result():
    rounds = _walk("football-data_wc2022_final_391944.json", parse_matches)
    messages = [m for r in rounds for m in r]
    for m in messages:
        assert contracts.violation(m.contract, m.value) is None, m.value
    kinds = [m.value["event_type"] for m in messages if m.contract == "match-events"]
    assert kinds == ["KICK_OFF", "GOAL", "GOAL", "HALF_TIME", "KICK_OFF", "GOAL", "GOAL", "END_OF_REGULAR_TIME",
                     "KICK_OFF", "GOAL", "GOAL", "END_OF_EXTRA_TIME", "KICK_OFF"] + ["SHOOTOUT_GOAL"] * 6 + ["FULL_TIME"]
    last = [m for m in messages if m.contract == "live-matches"][-1].value
    assert (last["home_score"], last["away_score"], last["home_penalty_score"], last["away_penalty_score"]) == (3, 3, 4, 2)
    assert rounds[6] == []  # the unchanged poll


def test_a_repeated_poll_of_an_unchanged_match_emits_nothing():
    payload = load("api-football", "v3_fixtures_live_all_2024-02-28.json")
    differ = SnapshotDiffer()
    first = [m for s in parse_fixtures(payload)[0] for m in differ.update(s, NOW)]
    again = [m for s in parse_fixtures(payload)[0] for m in differ.update(s, NOW + 30)]
    # 14 fixtures; their events: 14 goals, 14 yellow cards, 1 red card, 5 substitutions.
    assert len(first) == 14 + 34 and again == []


def test_api_football_var_walk_cancels_the_goal_once():
    rounds = _walk("api-football_liga1_1049765_var.json", parse_fixtures)
    events = [m.value for r in rounds for m in r if m.contract == "match-events"]
    cancelled = [e for e in events if e["event_type"] == "GOAL_CANCELLED"]
    assert len(cancelled) == 1 and (cancelled[0]["home_score"], cancelled[0]["away_score"]) == (0, 1)
    assert rounds[4] == []
    final = [m.value for r in rounds for m in r if m.contract == "live-matches"][-1]
    assert (final["status"], final["home_score"], final["away_score"], final["away_red_cards"]) == ("FINISHED", 1, 1, 1)


def test_restart_without_state_re_emits_only_duplicates_by_id():
    steps = load("sequences", "api-football_liga1_1049765_var.json")["steps"]
    before = SnapshotDiffer()
    sent = {m.value["event_id"] for step in steps[:6] for s in parse_fixtures(step["body"])[0] for m in before.update(s, NOW)}
    restarted = SnapshotDiffer()
    again = [m for s in parse_fixtures(steps[5]["body"])[0] for m in restarted.update(s, NOW + 60)]
    assert again and {m.value["event_id"] for m in again} <= sent


def test_shootout_score_changes_without_an_event_list_become_shootout_goals():
    steps = load("sequences", "api-football_euro2024_qf_1219959_shootout.json")["steps"]
    differ = SnapshotDiffer()
    events = [m.value for step in steps for s in parse_fixtures(step["body"])[0] for m in differ.update(s, NOW)
              if m.contract == "match-events"]
    shootout = [(e["team_side"]) for e in events if e["event_type"] == "SHOOTOUT_GOAL"]
    assert shootout.count("home") == 3 and shootout.count("away") == 5
    assert not any(e["event_type"] == "GOAL" for e in events)
