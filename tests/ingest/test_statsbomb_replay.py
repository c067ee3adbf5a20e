"""Replays of real StatsBomb matches, without Kafka: final scores, scorers, cards and shoot-outs
against the official results and hand-checked facts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ingest import contracts
from ingest.providers.statsbomb import files
from ingest.replay import match_timeline, matchday_timeline

BUNDLED = Path(__file__).resolve().parents[2] / "ingest" / "data" / "statsbomb"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "statsbomb"
KICKOFF = datetime(2018, 6, 15, 18, 0, tzinfo=timezone.utc)


def replay(match_id: str, folder: Path = BUNDLED):
    [match_file] = files.find_matches([folder], match_ids={match_id})
    return list(match_timeline(files.load_match(match_file), KICKOFF))


def of(messages, contract):
    return [out.value for out in messages if out.contract == contract]


def display_minute(value) -> str:
    """The minute as a scoreboard shows it (22:30 -> 23', 45:30 in the first half -> 45+1')."""
    if value["added_time"]:
        return f"{value['minute']}+{value['added_time'] + 1}"
    if value["minute"] == {1: 45, 2: 90, 3: 105, 4: 120}.get(value["period"]):
        return f"{value['minute']}+1"
    return str(value["minute"] + 1)


def goals(messages):
    return [(event["event_type"], event["player_name"], event["team_name"], display_minute(event))
            for event in of(messages, "match-events") if event["event_type"] in ("GOAL", "PENALTY_GOAL", "OWN_GOAL")]


# Official results (home, away, shoot-out home, shoot-out away), from the competitions' records.
OFFICIAL = {
    "7576": (3, 3, None, None),      # Portugal 3-3 Spain
    "7558": (3, 0, None, None),      # Uruguay 3-0 Russia
    "3895292": (0, 1, None, None),   # Union Berlin 0-1 Leverkusen
    "3942228": (1, 1, 4, 2),         # Argentina 1-1 Ecuador, 4-2 on penalties
    "3943077": (1, 0, None, None),   # Argentina 1-0 Colombia a.e.t.
    "3923880": (0, 0, 6, 5),         # South Africa 0-0 Congo DR, 6-5 on penalties
}


@pytest.mark.parametrize("match_id", sorted(OFFICIAL))
def test_final_snapshot_is_the_official_result(match_id):
    final = of(replay(match_id), "live-matches")[-1]
    assert final["status"] == "FINISHED"
    assert (final["home_score"], final["away_score"], final["home_penalty_score"], final["away_penalty_score"]) == OFFICIAL[match_id]


@pytest.mark.slow
@pytest.mark.shared_data
def test_final_snapshot_agrees_with_matches_json_for_all_139_shared_matches():
    objects = {str(item["match_id"]): item for item in json.loads((SHARED / "matches.json").read_text())}
    wrong = []
    for match_file in files.find_matches([SHARED]):
        final = None
        for out in match_timeline(files.load_match(match_file), KICKOFF):
            if out.contract == "live-matches":
                final = out.value
        expected = objects[match_file.match_id]
        if (final["home_score"], final["away_score"]) != (expected["home_score"], expected["away_score"]):
            wrong.append((match_file.match_id, final["home_score"], final["away_score"]))
    assert len(objects) == 139 and wrong == []


def test_portugal_spain_scorers_and_minutes():
    # Official: Ronaldo 4' (pen), Diego Costa 24', Ronaldo 44', Diego Costa 55', Nacho 58', Ronaldo 88'.
    assert [(kind, team, minute) for kind, _, team, minute in goals(replay("7576"))] == [
        ("PENALTY_GOAL", "Portugal", "4"), ("GOAL", "Spain", "24"), ("GOAL", "Portugal", "44"),
        ("GOAL", "Spain", "55"), ("GOAL", "Spain", "58"), ("GOAL", "Portugal", "88"),
    ]
    scorers = [name for _, name, _, _ in goals(replay("7576"))]
    assert scorers.count("Cristiano Ronaldo dos Santos Aveiro") == 3
    assert scorers.count("Diego da Silva Costa") == 2


def test_shots_carry_their_body_part_and_situation():
    # Ronaldo's three against Spain: a penalty (4'), a left-footed shot (44'), a direct free kick (88').
    ronaldo = {display_minute(e): (e["shot_type"], e["body_part"]) for e in of(replay("7576"), "match-events")
               if e["event_type"] in ("GOAL", "PENALTY_GOAL") and e["player_name"].startswith("Cristiano Ronaldo")}
    assert ronaldo == {"4": ("PENALTY", "RIGHT_FOOT"), "44": ("OPEN_PLAY", "LEFT_FOOT"), "88": ("FREE_KICK", "RIGHT_FOOT")}


def test_own_goal_counts_for_the_other_team():
    # Uruguay 3-0 Russia: Suárez 10', Cheryshev (Russia) own goal 23', Cavani 90'.
    messages = replay("7558")
    assert goals(messages) == [
        ("GOAL", "Luis Alberto Suárez Díaz", "Uruguay", "10"),
        ("OWN_GOAL", "Denis Cheryshev", "Russia", "23"),
        ("GOAL", "Edinson Roberto Cavani Gómez", "Uruguay", "90"),
    ]
    own_goal = next(e for e in of(messages, "match-events") if e["event_type"] == "OWN_GOAL")
    assert (own_goal["home_score"], own_goal["away_score"]) == (2, 0)
    final_teams = {t["team_name"]: t["goals"] for t in of(messages, "team-live-stats") if t["is_final"]}
    assert final_teams == {"Uruguay": 3, "Russia": 0}
    cheryshev = [p for p in of(messages, "player-live-stats") if p["is_final"] and p["player_name"] == "Denis Cheryshev"]
    assert cheryshev[0]["goals"] == 0


@pytest.mark.parametrize("match_id, player, minute, team_side", [
    ("7558", "Igor Smolnikov", "36", "away"),     # Russia's right-back, sent off on 36'
    ("3895292", "Robin Gosens", "45+3", "home"),  # Union Berlin, second yellow in first-half added time
])
def test_second_yellow_is_a_second_yellow_and_a_sending_off(match_id, player, minute, team_side):
    messages = replay(match_id)
    cards = [(e["event_type"], display_minute(e)) for e in of(messages, "match-events")
             if e["player_name"] == player and e["event_type"] in ("YELLOW_CARD", "SECOND_YELLOW", "RED_CARD")]
    assert cards[-1] == ("SECOND_YELLOW", minute) and cards[0][0] == "YELLOW_CARD" and len(cards) == 2
    final = of(messages, "live-matches")[-1]
    assert final[f"{team_side}_red_cards"] == 1
    stats = [p for p in of(messages, "player-live-stats") if p["is_final"] and p["player_name"] == player][0]
    assert (stats["yellow_cards"], stats["red_cards"]) == (2, 1)


def test_extra_time_winner_and_shootout_goals_stay_out_of_the_score():
    final_goals = goals(replay("3943077"))
    assert final_goals == [("GOAL", "Lautaro Javier Martínez", "Argentina", "112")]

    messages = replay("3942228")
    # Lisandro Martínez 35', Kevin Rodríguez 90+1'.
    assert [(name, minute) for _, name, _, minute in goals(messages)] == [
        ("Lisandro Martínez", "35"), ("Kevin José Rodríguez Cortez", "90+1")]
    shootout = [e for e in of(messages, "match-events") if e["event_type"].startswith("SHOOTOUT")]
    assert sum(e["event_type"] == "SHOOTOUT_GOAL" for e in shootout) == 6
    assert all((e["home_score"], e["away_score"]) == (1, 1) for e in shootout)
    statuses = [s["status"] for s in of(messages, "live-matches")]
    assert "PENALTIES" in statuses and "EXTRA_TIME" not in statuses and statuses[-1] == "FINISHED"


def test_every_message_satisfies_its_contract_and_ids_are_unique_and_stable():
    first = list(matchday_timeline([files.load_match(f) for f in files.find_matches([BUNDLED])], KICKOFF))
    for out in first:
        assert contracts.violation(out.contract, out.value) is None, (out.contract, out.value)
        assert out.key == out.value["match_id"]
    ids = [(out.contract, out.value["event_id"]) for out in first]
    assert len(ids) == len(set(ids))
    later = datetime(2030, 1, 1, tzinfo=timezone.utc)
    again = list(matchday_timeline([files.load_match(f) for f in files.find_matches([BUNDLED])], later))
    assert [(out.contract, out.value["event_id"]) for out in again] == ids


def test_matches_share_one_clock_and_keep_their_own_order():
    messages = list(matchday_timeline([files.load_match(f) for f in files.find_matches([BUNDLED])], KICKOFF))
    offsets = [out.offset for out in messages]
    assert offsets == sorted(offsets)
    assert len({out.key for out in messages[:50]}) == 6  # all six kick off together
    for match_id in OFFICIAL:
        own = [out.value for out in messages if out.key == f"statsbomb:{match_id}" and out.contract == "live-matches"]
        assert [s["sequence"] for s in own] == list(range(len(own)))


@pytest.mark.parametrize("match_id", ["7576", "3943077"])  # 90 minutes; extra time
def test_the_replay_length_is_the_offset_of_the_final_whistle(match_id):
    """`make demo`'s progress bar runs over match_length: it must end with the match, breaks included."""
    from ingest.replay import match_length

    match_file = next(f for f in files.find_matches([BUNDLED]) if f.match_id == match_id)
    match = files.load_match(match_file)
    messages = list(match_timeline(match, KICKOFF))
    [whistle] = [m for m in messages if m.contract == "live-matches" and m.value["status"] == "FINISHED"]
    assert match_length(match.events) == messages[-1].offset == whistle.offset
    # Two halves of at least 45 minutes and the 15-minute break (plus extra time and its breaks).
    assert match_length(match.events) >= (105 if match_id == "7576" else 142) * 60


@pytest.mark.parametrize("kickoff", [KICKOFF, datetime(2024, 2, 28, 23, 59, 59, 999_500, tzinfo=timezone(timedelta(hours=-3)))])
def test_a_message_time_is_the_kickoff_plus_its_offset_to_the_millisecond(kickoff):
    # The rule, by the standard library: the kick-off plus the offset, ISO-8601, milliseconds
    # truncated. The second kick-off has microseconds, a zone west of UTC and a leap day ahead.
    messages = list(matchday_timeline([files.load_match(f) for f in files.find_matches([BUNDLED])], kickoff))
    for out in messages:
        assert out.value["timestamp"] == (kickoff + timedelta(seconds=out.offset)).isoformat(timespec="milliseconds")
    assert len({out.value["timestamp"] for out in messages}) > 10_000
