"""API-Football team and player statistics on real responses, and the stats messages a poll
sends from them. Expected figures are read by hand from the files (tests/data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

from ingest import contracts
from ingest.polling.snapshots import MatchState, SnapshotDiffer
from ingest.providers.api_football.parser import parse_fixture, parse_players, parse_team_statistics

DATA = Path(__file__).resolve().parents[1] / "data" / "api-football"
NOW = 1_700_000_000.0


def load(name: str):
    return json.loads((DATA / name).read_text())


def real_sociedad_barcelona() -> dict:
    (item,) = load("v3_fixtures_id_877957_RealSociedad-Barcelona_2022-08-21.json")
    return item


def test_team_statistics_are_the_providers_figures_and_what_it_does_not_measure_stays_null():
    home, away = parse_team_statistics(real_sociedad_barcelona()["statistics"])
    assert (home.team_id, home.team_name, away.team_name) == (548, "Real Sociedad", "Barcelona")
    assert home.figures == {
        "possession": 41.0, "shots": 10, "shots_on_target": 5, "passes": 380, "passes_completed": 311,
        "pass_accuracy": 81.8,  # 311 / 380; the provider rounds it to "82%"
        "corners": 3, "fouls": 15, "offsides": 5, "yellow_cards": 2,
        "red_cards": 0,  # listed as null: nothing recorded
        "xg": None, "tackles": None, "interceptions": None,  # not in this response: not measured
    }
    assert (away.figures["possession"], away.figures["shots"], away.figures["corners"]) == (59.0, 15, 6)


def test_the_providers_expected_goals_become_the_team_xg():
    otelul, uta = parse_team_statistics(load("v3_fixtures_statistics_1049765_liga1-romania.json")["response"])
    assert (otelul.team_name, otelul.figures["xg"], otelul.figures["offsides"]) == ("Oţelul", 1.64, 0)
    assert (otelul.figures["shots"], otelul.figures["passes"], otelul.figures["pass_accuracy"]) == (12, 308, 61.0)
    assert uta.team_name == "Uta Arad" and uta.figures["possession"] == 56.0


def test_players_who_played_with_their_figures_position_and_number():
    lines = parse_players(load("v3_fixtures_players_592758_Burnley-Arsenal.json")["response"])
    by_name = {line.player_name: line for line in lines}
    # 11 starters and the substitutes who came on; unused substitutes (minutes null) are left out.
    assert "Bailey Peacock-Farrell" not in by_name and "Mathew Ryan" not in by_name
    wood, aubameyang, willian, leno = (by_name[n] for n in ("Chris Wood", "Pierre-Emerick Aubameyang", "Willian", "Bernd Leno"))
    assert (wood.team_name, wood.position, wood.shirt_number) == ("Burnley", "FWD", 9)
    assert {k: wood.figures[k] for k in ("minutes_played", "goals", "shots", "shots_on_target", "passes", "passes_completed")} \
        == {"minutes_played": 95, "goals": 1, "shots": 3, "shots_on_target": 3, "passes": 31, "passes_completed": 21}
    assert (aubameyang.figures["goals"], aubameyang.figures["assists"], aubameyang.figures["shots"]) == (1, 0, 2)
    assert (willian.figures["assists"], willian.figures["minutes_played"], willian.position) == (1, 69, "MID")
    # `passes.accuracy` "18" is a count of accurate passes: 18 of 29 is 62.1 %.
    assert (leno.position, leno.figures["passes_completed"], leno.figures["pass_accuracy"]) == ("GKP", 18, 62.1)
    assert all(line.figures["xg"] is None for line in lines)  # no player xG from this provider
    assert sum(line.figures["goals"] for line in lines) == 2  # 1-1


def test_a_poll_sends_valid_stats_once_and_only_what_changed():
    item = real_sociedad_barcelona()
    differ = SnapshotDiffer()
    first = differ.update(parse_fixture(item), NOW)
    stats = [m for m in first if m.contract in ("team-live-stats", "player-live-stats")]
    assert {m.contract: sum(1 for s in stats if s.contract == m.contract) for m in stats} \
        == {"team-live-stats": 2, "player-live-stats": len(parse_fixture(item).player_stats)}
    for message in stats:
        assert contracts.violation(message.contract, message.value) is None, message.value
        assert contracts.drift(message.contract, message.value) is None
        assert message.value["schema_version"] == 2 and message.value["is_final"] is True
    teams = {m.value["team_name"]: m.value for m in stats if m.contract == "team-live-stats"}
    # Goals come from the score: Real Sociedad 1-4 Barcelona.
    assert (teams["Real Sociedad"]["goals"], teams["Barcelona"]["goals"]) == (1, 4)
    assert teams["Real Sociedad"]["tackles"] is None

    assert differ.update(parse_fixture(item), NOW + 60) == []  # the same response again: nothing

    changed = json.loads(json.dumps(item))
    changed["statistics"][0]["statistics"][0]["value"] += 1  # one more Real Sociedad shot on goal
    again = differ.update(parse_fixture(changed), NOW + 120)
    assert [(m.contract, m.value["team_name"], m.value["shots_on_target"], m.value["sequence"]) for m in again] \
        == [("team-live-stats", "Real Sociedad", 6, 1)]


def test_a_poller_restarted_without_its_state_sends_the_same_ids():
    item = real_sociedad_barcelona()
    ids = [{m.value["event_id"] for m in SnapshotDiffer().update(parse_fixture(item), now)
            if m.contract.endswith("-stats")} for now in (NOW, NOW + 300)]
    assert ids[0] == ids[1] and len(ids[0]) == 2 + len(parse_fixture(item).player_stats)


def test_a_state_saved_before_stats_existed_still_loads():
    old = {"snapshot_key": None, "status": "LIVE", "period": 1, "home_score": 0, "away_score": 0,
           "home_penalty_score": 0, "away_penalty_score": 0, "seen_events": [], "cancelled": {"home": 0, "away": 0},
           "sequence": 3, "event_sequence": 2, "kickoff": None}
    state = MatchState.from_dict(old)
    assert state.stats_sent == {} and state.stats_sequence == {"team-live-stats": 0, "player-live-stats": 0}
