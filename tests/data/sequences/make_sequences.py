"""Builds the in-play sequences in this folder by editing real recorded items (run once; outputs committed).

No capture of a match while in play exists publicly, so each step is a real item with only
its status, clock, score parts and event list cut back to what the provider would have
shown at that moment of the real match. Every edit is listed in the output's `_note`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent


def football_data_final() -> dict:
    """WC 2022 final 391944, Argentina 3-3 France (4-2 pens), walked through its statuses."""
    source = json.loads((DATA / "football-data.org" / "v4_competitions_WC_matches_2022.json").read_text())
    final = next(match for match in source["matches"] if match["id"] == 391944)

    def step(status, full, half=None, regular=None, extra=None, penalties=None, duration="REGULAR"):
        match = copy.deepcopy(final)
        match["status"] = status
        score = {"winner": None, "duration": duration,
                 "fullTime": {"home": full[0], "away": full[1]},
                 "halfTime": {"home": half[0] if half else None, "away": half[1] if half else None}}
        if regular:
            score["regularTime"] = {"home": regular[0], "away": regular[1]}
        if extra:
            score["extraTime"] = {"home": extra[0], "away": extra[1]}
        if penalties:
            score["penalties"] = {"home": penalties[0], "away": penalties[1]}
        match["score"] = score
        return {"filters": {"dateFrom": "2022-12-18", "dateTo": "2022-12-19", "permission": "TIER_ONE"},
                "resultSet": {"count": 1, "competitions": "WC", "first": "2022-12-18", "last": "2022-12-18", "played": 0},
                "matches": [match]}

    timed = step("TIMED", (None, None))
    steps = [
        timed,
        step("IN_PLAY", (0, 0)),
        step("IN_PLAY", (1, 0)),                      # Messi 23' (pen)
        step("IN_PLAY", (2, 0)),                      # Di Maria 36'
        step("PAUSED", (2, 0), half=(2, 0)),
        step("IN_PLAY", (2, 0), half=(2, 0)),
        step("IN_PLAY", (2, 0), half=(2, 0)),         # an unchanged poll
        step("IN_PLAY", (2, 1), half=(2, 0)),         # Mbappe 80' (pen)
        step("IN_PLAY", (2, 2), half=(2, 0)),         # Mbappe 81'
        step("PAUSED", (2, 2), half=(2, 0), regular=(2, 2), duration="EXTRA_TIME"),
        step("EXTRA_TIME", (3, 2), half=(2, 0), regular=(2, 2), extra=(1, 0), duration="EXTRA_TIME"),  # Messi 108'
        step("EXTRA_TIME", (3, 3), half=(2, 0), regular=(2, 2), extra=(1, 1), duration="EXTRA_TIME"),  # Mbappe 118' (pen)
        step("PENALTY_SHOOTOUT", (3, 3), half=(2, 0), regular=(2, 2), extra=(1, 1), penalties=(0, 0), duration="PENALTY_SHOOTOUT"),
        step("PENALTY_SHOOTOUT", (5, 4), half=(2, 0), regular=(2, 2), extra=(1, 1), penalties=(2, 1), duration="PENALTY_SHOOTOUT"),
        {**timed, "matches": [final]},               # the real FINISHED item, unedited: fullTime 7-5
    ]
    return {
        "_note": ("Edited from the real FINISHED item of match 391944 in v4_competitions_WC_matches_2022.json "
                  "(football-data.org): status and score parts set to what the API shows at each moment of the real "
                  "match (goals 23', 36', 80', 81', 108', 118'; shoot-out 4-2), per the v4 overtime docs "
                  "(fullTime is the running score including shoot-out goals). The last step is the real item."),
        "route": "/v4/matches",
        "steps": [{"body": body} for body in steps],
    }


def api_football_var() -> dict:
    """Liga I 2023-24 fixture 1049765, Otelul 1-1 Uta Arad, with its VAR-cancelled goal."""
    events = json.loads((DATA / "api-football" / "v3_fixtures_events_1049765_liga1-romania.json").read_text())["response"]
    live = json.loads((DATA / "api-football" / "v3_fixtures_live_all_2024-02-28.json").read_text())
    shape = live["response"][0]
    cancelled = next(event for event in events if event["type"] == "Var")

    def fixture(short, long, elapsed, goals, until, extra_events=()):
        item = copy.deepcopy(shape)
        item["fixture"].update(id=1049765, referee=None, date=None, timestamp=None,
                               periods={"first": None, "second": None}, venue={"id": None, "name": None, "city": None},
                               status={"long": long, "short": short, "elapsed": elapsed})
        item["league"].update(id=283, name="Liga I", country="Romania", season=2023, round=None, logo=None, flag=None)
        item["teams"] = {"home": {"id": 6886, "name": "Oţelul", "logo": None, "winner": None},
                         "away": {"id": 2589, "name": "Uta Arad", "logo": None, "winner": None}}
        item["goals"] = {"home": goals[0], "away": goals[1]}
        item["score"] = {"halftime": {"home": 0 if elapsed >= 45 else None, "away": 1 if elapsed >= 45 else None},
                         "fulltime": {"home": goals[0] if short == "FT" else None, "away": goals[1] if short == "FT" else None},
                         "extratime": {"home": None, "away": None}, "penalty": {"home": None, "away": None}}
        shown = [event for event in events if (event["time"]["elapsed"], event["time"]["extra"] or 0) <= until]
        item["events"] = shown + list(extra_events)
        return {"get": "fixtures", "parameters": {"ids": "1049765"}, "errors": [], "results": 1,
                "paging": {"current": 1, "total": 1}, "response": [item]}

    # The goal as it stood before VAR took it back: the later Var event's player, team and minute.
    goal = {"time": {"elapsed": 57, "extra": None}, "team": cancelled["team"], "player": cancelled["player"],
            "assist": {"id": None, "name": None}, "type": "Goal", "detail": "Normal Goal", "comments": None}
    steps = [
        fixture("1H", "First Half", 30, (0, 0), (30, 0)),
        fixture("HT", "Halftime", 45, (0, 1), (45, 99)),
        fixture("2H", "Second Half", 57, (0, 2), (56, 0), [goal]),
        fixture("2H", "Second Half", 58, (0, 1), (58, 0)),
        fixture("2H", "Second Half", 58, (0, 1), (58, 0)),   # an unchanged poll
        fixture("2H", "Second Half", 75, (1, 1), (75, 0)),
        fixture("FT", "Match Finished", 90, (1, 1), (200, 0)),
    ]
    return {
        "_note": ("Edited from real API-Football items: the fixture envelope is the shape of the first item of "
                  "v3_fixtures_live_all_2024-02-28.json with id, teams and league set to Liga I fixture 1049765 "
                  "(kick-off time, venue and referee unknown, so null); its events are the real /fixtures/events "
                  "response of that fixture (v3_fixtures_events_1049765_liga1-romania.json) cut at each step's minute. "
                  "Step 3 adds the 57' Uta Arad goal as it stood before VAR cancelled it (player, team and minute of the "
                  "real 'Var: Goal cancelled' event); goals follow the real events: 0-1 at 45+5', 1-1 at 62'."),
        "route": "/fixtures",
        "steps": [{"body": body} for body in steps],
    }


def api_football_shootout() -> dict:
    """Euro 2024 QF 1219959, Portugal 0-0 France (3-5 pens), walked through its statuses."""
    source = json.loads((DATA / "api-football" / "v3_fixtures_league4_2024-07-02_to_10.json").read_text())
    final_item = next(item for item in source["response"] if item["fixture"]["id"] == 1219959)

    def fixture(short, long, elapsed, goals, extratime=None, penalty=None):
        item = copy.deepcopy(final_item)
        item["fixture"]["status"] = {"long": long, "short": short, "elapsed": elapsed}
        item["teams"]["home"]["winner"] = item["teams"]["away"]["winner"] = None
        item["goals"] = {"home": goals[0] if goals else None, "away": goals[1] if goals else None}
        item["score"] = {"halftime": {"home": 0 if elapsed and elapsed >= 45 else None, "away": 0 if elapsed and elapsed >= 45 else None},
                         "fulltime": {"home": 0 if elapsed and elapsed >= 90 else None, "away": 0 if elapsed and elapsed >= 90 else None},
                         "extratime": {"home": extratime[0] if extratime else None, "away": extratime[1] if extratime else None},
                         "penalty": {"home": penalty[0] if penalty else None, "away": penalty[1] if penalty else None}}
        return {"get": "fixtures", "parameters": {"ids": "1219959"}, "errors": [], "results": 1,
                "paging": {"current": 1, "total": 1}, "response": [item]}

    steps = [
        fixture("NS", "Not Started", None, None),
        fixture("1H", "First Half", 10, (0, 0)),
        fixture("HT", "Halftime", 45, (0, 0)),
        fixture("2H", "Second Half", 60, (0, 0)),
        fixture("BT", "Break Time", 90, (0, 0)),
        fixture("ET", "Extra Time", 100, (0, 0), extratime=(0, 0)),
        fixture("ET", "Extra Time", 110, (0, 0), extratime=(0, 0)),
        fixture("P", "Penalty In Progress", 120, (0, 0), extratime=(0, 0), penalty=(2, 2)),
        {"get": "fixtures", "parameters": {"ids": "1219959"}, "errors": [], "results": 1,
         "paging": {"current": 1, "total": 1}, "response": [final_item]},
    ]
    return {
        "_note": ("Edited from the real PEN item of fixture 1219959 in euro2024/v3_fixtures_league4_2024-07-02_to_10.json "
                  "(API-Football): status, elapsed and score parts set to what the API shows at each moment of the real "
                  "match (0-0 after extra time; shoot-out 5-3 to France, 2-2 after two kicks each). "
                  "The last step is the real item, unedited."),
        "route": "/fixtures",
        "steps": [{"body": body} for body in steps],
    }


if __name__ == "__main__":
    for name, build in (("football-data_wc2022_final_391944.json", football_data_final),
                        ("api-football_liga1_1049765_var.json", api_football_var),
                        ("api-football_euro2024_qf_1219959_shootout.json", api_football_shootout)):
        (HERE / name).write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n")
