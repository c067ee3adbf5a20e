"""football-data.org's match detail: its goals, bookings and substitutions become match-events,
and a goal the detail lists is the goal its score change derives (one event id, not two).

The detail is the WC 2022 final (Argentina 3-3 France, 4-2 on penalties) as built in
tests/data/sequences/ from the real list item and the public match record (see its README).
Expected values are read from that record: the shown minute 23' is the contract's minute 22,
45+7' is minute 45 with added time 6, 108' is in the second half of extra time (period 4).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import requests

from ingest import contracts
from ingest.polling.poller import Poller
from ingest.polling.snapshots import SnapshotDiffer
from ingest.providers.football_data import client as football_data
from ingest.providers.football_data.parser import parse_match, parse_matches
from ingest.providers.football_data.source import FootballDataSource
from ingest.replay import derived_id
from tests.providers_server import ProvidersServer

DATA = Path(__file__).resolve().parents[1] / "data"
DETAIL = "football-data_wc2022_final_391944_detail.json"
LIST = "football-data_wc2022_final_391944.json"
MATCH_ID = "football-data:391944"
NOW = 1_700_000_000.0
GOAL_TYPES = ("GOAL", "PENALTY_GOAL", "OWN_GOAL")


def steps(name: str) -> list:
    return [step["body"] for step in json.loads((DATA / "sequences" / name).read_text())["steps"]]


def detail(step: int) -> dict:
    """Step `step` of the detail walk: the match itself, as `/v4/matches/391944` returns it."""
    return steps(DETAIL)[step]


def listed(step: int) -> dict:
    """Step `step` of the list walk: the same moment in `/v4/matches`, without the detail."""
    return steps(LIST)[step]


def poll(differ: SnapshotDiffer, payload: dict) -> list[dict]:
    snapshots, rejected = parse_matches(payload)
    assert rejected == []
    messages = [m for s in snapshots for m in differ.update(s, NOW)]
    for m in messages:
        assert contracts.violation(m.contract, m.value) is None, m.value
    return [m.value for m in messages if m.contract == "match-events"]


def goal_id(side: str, goal: int, cancelled: int = 0) -> str:
    """The id the score-change rule gives the `goal`-th goal of `side` (ingest/polling/snapshots.py)."""
    return derived_id("match-events", MATCH_ID, "GOAL", side, goal, cancelled)


def test_the_final_detail_parses_into_the_record_s_goals_bookings_and_substitutions():
    snap = parse_match(detail(-1))
    assert snap.goals_by_score and len(snap.events) == 6 + 7 + 13
    goals = [(e.event_type, e.period, e.minute, e.added_time, e.team_name, e.player_name, e.assist_player_name,
              e.home_score, e.away_score) for e in snap.events if e.event_type in GOAL_TYPES]
    assert goals == [
        ("PENALTY_GOAL", 1, 22, 0, "Argentina", "Lionel Messi", None, 1, 0),
        ("GOAL", 1, 35, 0, "Argentina", "Ángel Di María", "Alexis Mac Allister", 2, 0),
        ("PENALTY_GOAL", 2, 79, 0, "France", "Kylian Mbappé", None, 2, 1),
        ("GOAL", 2, 80, 0, "France", "Kylian Mbappé", "Marcus Thuram", 2, 2),
        ("GOAL", 4, 107, 0, "Argentina", "Lionel Messi", None, 3, 2),
        ("PENALTY_GOAL", 4, 117, 0, "France", "Kylian Mbappé", None, 3, 3),
    ]
    bookings = [(e.event_type, e.period, e.minute, e.added_time, e.team_name, e.player_name, e.home_score, e.away_score)
                for e in snap.events if e.provider_event_type.startswith("Booking")]
    assert bookings == [
        ("YELLOW_CARD", 1, 45, 6, "Argentina", "Enzo Fernández", 2, 0),
        ("YELLOW_CARD", 2, 54, 0, "France", "Adrien Rabiot", 2, 0),
        ("YELLOW_CARD", 2, 86, 0, "France", "Marcus Thuram", 2, 2),
        ("YELLOW_CARD", 2, 90, 4, "France", "Olivier Giroud", 2, 2),
        ("YELLOW_CARD", 2, 90, 7, "Argentina", "Marcos Acuña", 2, 2),
        ("YELLOW_CARD", 4, 113, 0, "Argentina", "Leandro Paredes", 3, 2),
        ("YELLOW_CARD", 4, 115, 0, "Argentina", "Gonzalo Montiel", 3, 2),
    ]
    substitutions = [(e.period, e.minute, e.added_time, e.team_name, e.player_name, e.replacement_player_name)
                     for e in snap.events if e.event_type == "SUBSTITUTION"]
    assert substitutions == [
        (1, 40, 0, "France", "Ousmane Dembélé", "Randal Kolo Muani"),
        (1, 40, 0, "France", "Olivier Giroud", "Marcus Thuram"),
        (2, 63, 0, "Argentina", "Ángel Di María", "Marcos Acuña"),
        (2, 70, 0, "France", "Theo Hernández", "Eduardo Camavinga"),
        (2, 70, 0, "France", "Antoine Griezmann", "Kingsley Coman"),
        (3, 90, 0, "Argentina", "Nahuel Molina", "Gonzalo Montiel"),
        (3, 95, 0, "France", "Adrien Rabiot", "Youssouf Fofana"),
        (3, 101, 0, "Argentina", "Rodrigo De Paul", "Leandro Paredes"),
        (3, 101, 0, "Argentina", "Julián Álvarez", "Lautaro Martínez"),
        (4, 112, 0, "France", "Raphaël Varane", "Ibrahima Konaté"),
        (4, 115, 0, "Argentina", "Alexis Mac Allister", "Germán Pezzella"),
        (4, 120, 0, "France", "Jules Koundé", "Axel Disasi"),
        (4, 120, 0, "Argentina", "Nicolás Tagliafico", "Paulo Dybala"),
    ]
    # One list in match order: 23' goal, 36' goal, the two 41' changes, 45+7' booking, 55' booking, ...
    assert [e.sequence for e in snap.events] == list(range(26))
    assert [e.event_type[0] for e in snap.events] == list("PGSSYYSSSPGYYYSSSSGSYYSPSS")
    assert (snap.home_red_cards, snap.away_red_cards) == (0, 0)


@pytest.mark.parametrize("goal_type", ["OWN", "OWN_GOAL"])
@pytest.mark.parametrize("team", ["Argentina", "France"])
def test_own_goal_counts_for_the_side_whose_score_it_raised_and_belongs_to_the_scorer_s_team(goal_type, team):
    # Edited from the real goal: Di María's 36' goal recorded as an own goal by a France player.
    # Which team v4 names on an own goal is not documented: the score after it decides.
    match = detail(-1)
    match["goals"][1].update(type=goal_type, team={"id": 762 if team == "Argentina" else 773, "name": team},
                             scorer={"id": None, "name": "Dayot Upamecano"}, assist=None)
    own_goal = next(e for e in parse_match(match).events if e.event_type == "OWN_GOAL")
    assert (own_goal.team_name, own_goal.player_name, own_goal.home_score, own_goal.away_score) == (
        "France", "Dayot Upamecano", 2, 0)
    # It is Argentina's 2nd goal: the id of the goal a score change to 2-0 derives.
    events = poll(SnapshotDiffer(), match)
    assert next(e for e in events if e["event_type"] == "OWN_GOAL")["event_id"] == goal_id("home", 2)


def test_second_yellow_and_red_card_codes_become_the_contract_s_and_count_as_sent_off():
    # Edited from the real bookings: Thuram's 87' yellow as a second yellow, Giroud's 90+5' as a red.
    match = detail(-1)
    match["bookings"][2]["card"] = "YELLOW_RED"
    match["bookings"][3]["card"] = "RED"
    snap = parse_match(match)
    cards = {e.player_name: e.event_type for e in snap.events if e.provider_event_type.startswith("Booking")}
    assert (cards["Enzo Fernández"], cards["Marcus Thuram"], cards["Olivier Giroud"]) == (
        "YELLOW_CARD", "SECOND_YELLOW", "RED_CARD")
    assert (snap.home_red_cards, snap.away_red_cards) == (0, 2)


def test_a_goal_from_the_score_change_and_the_detail_in_one_poll_is_one_event_with_the_scorer():
    differ = SnapshotDiffer()
    poll(differ, listed(1))                                   # 0-0, kicked off
    events = poll(differ, {"matches": [detail(2)]})           # 1-0 with the detail: Messi 23' (pen)
    goals = [e for e in events if e["event_type"] in GOAL_TYPES]
    assert [(e["event_type"], e["player_name"], e["team_side"], e["minute"]) for e in goals] == [
        ("PENALTY_GOAL", "Lionel Messi", "home", 22)]
    assert goals[0]["event_id"] == goal_id("home", 1)
    # The same moment without the detail: the score change's goal, with that id.
    without = SnapshotDiffer()
    poll(without, listed(1))
    derived = [e for e in poll(without, listed(2)) if e["event_type"] == "GOAL"]
    assert [(e.get("player_name"), e["event_id"]) for e in derived] == [(None, goals[0]["event_id"])]


def test_a_detail_goal_polled_after_its_score_change_has_the_score_change_s_id():
    differ = SnapshotDiffer()
    poll(differ, listed(1))
    derived = poll(differ, listed(2))                         # 1-0 without the detail
    events = poll(differ, {"matches": [detail(2)]})           # the detail of the same 1-0
    assert [(e["event_type"], e.get("player_name")) for e in derived] == [("GOAL", None)]
    assert [(e["event_type"], e["player_name"]) for e in events] == [("PENALTY_GOAL", "Lionel Messi")]
    assert events[0]["event_id"] == derived[0]["event_id"] == goal_id("home", 1)


def test_a_repeated_poll_of_the_same_detail_emits_nothing():
    differ = SnapshotDiffer()
    first = poll(differ, {"matches": [detail(7)]})            # first seen at 2-1, 80'
    assert sorted(e["event_type"] for e in first) == sorted(
        ["PENALTY_GOAL", "GOAL", "PENALTY_GOAL"] + ["YELLOW_CARD"] * 2 + ["SUBSTITUTION"] * 5)
    snapshots, _ = parse_matches({"matches": [detail(7)]})
    assert [m for s in snapshots for m in differ.update(s, NOW + 30)] == []


def test_a_goal_the_detail_does_not_list_yet_comes_from_the_score_change_and_later_with_its_scorer():
    differ = SnapshotDiffer()
    poll(differ, {"matches": [detail(2)]})
    lagging = detail(3)                                       # 2-0, but the goals list still ends at 1-0
    lagging["goals"] = lagging["goals"][:1]
    derived = poll(differ, {"matches": [lagging]})
    assert [(e["event_type"], e.get("player_name"), e["event_id"]) for e in derived] == [
        ("GOAL", None, goal_id("home", 2))]
    listed_later = poll(differ, {"matches": [detail(3)]})
    assert [(e["event_type"], e["player_name"], e["event_id"]) for e in listed_later] == [
        ("GOAL", "Ángel Di María", goal_id("home", 2))]


def test_a_var_cancellation_with_the_detail_keeps_the_ids_of_the_score_changes():
    # Edited: the final had no goal taken back. Here Di María's 36' goal is, and is scored again:
    # 1-0, 2-0, back to 1-0, 2-0 again, polled with the detail and without it.
    cancelled = detail(3)
    cancelled["score"]["fullTime"] = {"home": 1, "away": 0}
    cancelled["goals"] = cancelled["goals"][:1]
    with_detail, without = SnapshotDiffer(), SnapshotDiffer()
    rounds = [(poll(with_detail, {"matches": [item]}), poll(without, {"matches": [_without_detail(item)]}))
              for item in (detail(2), detail(3), cancelled, detail(3))]
    assert [(e["event_type"], e["event_id"]) for e in rounds[0][0]] == [("PENALTY_GOAL", goal_id("home", 1))]
    for detailed, derived in rounds[1:]:
        assert [e["event_id"] for e in detailed] == [e["event_id"] for e in derived]
    assert [(e["event_type"], e["player_name"]) for e in rounds[3][0]] == [("GOAL", "Ángel Di María")]
    assert rounds[3][0][0]["event_id"] == goal_id("home", 2, cancelled=1)
    assert rounds[2][0][0]["event_type"] == "GOAL_CANCELLED"
    assert poll(with_detail, {"matches": [detail(3)]}) == []  # Messi's goal stands: not sent again


def _without_detail(match: dict) -> dict:
    item = copy.deepcopy(match)
    for key in ("goals", "bookings", "substitutions", "minute", "injuryTime"):
        item.pop(key, None)
    return item


def test_a_match_without_the_detail_has_no_event_list_as_before():
    snap = parse_match(_without_detail(detail(-1)))
    assert (snap.events, snap.goals_by_score) == (None, False)
    (snap,), _ = parse_matches(listed(-1))
    assert (snap.events, snap.goals_by_score, snap.home_red_cards) == (None, False, None)


def test_the_final_walked_with_the_detail_emits_the_record_in_match_order():
    differ = SnapshotDiffer()
    rounds = [poll(differ, {"matches": [item]}) for item in steps(DETAIL)]
    kinds = [e["event_type"] for r in rounds for e in r]
    sub, yellow = "SUBSTITUTION", "YELLOW_CARD"
    assert kinds == [
        "KICK_OFF", "PENALTY_GOAL", "GOAL", sub, sub, yellow, "HALF_TIME",             # to half-time
        "KICK_OFF", yellow, sub, sub, sub, "PENALTY_GOAL", "GOAL",                     # to 81'
        yellow, yellow, yellow, "END_OF_REGULAR_TIME",
        "KICK_OFF", sub, sub, sub, sub, "HALF_TIME", "KICK_OFF", "GOAL",               # to 108'
        sub, yellow, yellow, sub, "PENALTY_GOAL", sub, sub, "END_OF_EXTRA_TIME", "KICK_OFF",
    ] + ["SHOOTOUT_GOAL"] * 6 + ["FULL_TIME"]
    assert rounds[6] == []  # the unchanged poll
    goals = [e for r in rounds for e in r if e["event_type"] in GOAL_TYPES]
    assert [e["event_id"] for e in goals] == [goal_id("home", 1), goal_id("home", 2), goal_id("away", 1),
                                              goal_id("away", 2), goal_id("home", 3), goal_id("away", 3)]
    assert all(e["player_name"] for e in goals)
    # The same ids as the goals the list walk derives from its score changes.
    list_differ = SnapshotDiffer()
    derived = [e["event_id"] for item in steps(LIST) for e in poll(list_differ, item) if e["event_type"] == "GOAL"]
    assert derived == [e["event_id"] for e in goals]


class _Sink:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    def send(self, contract, key, value):
        self.sent.append((contract, value))
        return True

    def dead_letter(self, contract, key, payload, reason):
        raise AssertionError(reason)


def test_the_poller_fetches_the_detail_of_a_high_priority_live_match_and_sends_its_events():
    with ProvidersServer() as server:
        server.script("/v4/matches", [{"body": listed(step)} for step in (1, 2, 3)])
        server.script("/v4/matches/391944", [{"body": detail(step)} for step in (1, 2, 3)])
        client = football_data.make_client(requests.Session(), "k", base_url=server.url, per_minute=None)
        poller = Poller(FootballDataSource(client, high_priority=frozenset({"391944"})), _Sink())
        for _ in range(3):
            poller.poll_once()
        assert server.count("/v4/matches/391944") == 3
    events = [value for contract, value in poller.sink.sent if contract == "match-events"]
    assert [(e["event_type"], e["player_name"]) for e in events if e["event_type"] in GOAL_TYPES] == [
        ("PENALTY_GOAL", "Lionel Messi"), ("GOAL", "Ángel Di María")]
