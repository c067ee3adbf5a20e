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


# The WC 2022 final's goals, bookings and substitutions, from the public match record (sources in
# tests/data/README.md). Shown minute, injury time; football-data.org person ids are not known
# here, so every person's id is null and the name alone names the person.
ARG, FRA = {"id": 762, "name": "Argentina"}, {"id": 773, "name": "France"}
FINAL_GOALS = [  # minute, injury, type, team, scorer, assist, score after
    (23, None, "PENALTY", ARG, "Lionel Messi", None, (1, 0)),
    (36, None, "REGULAR", ARG, "Ángel Di María", "Alexis Mac Allister", (2, 0)),
    (80, None, "PENALTY", FRA, "Kylian Mbappé", None, (2, 1)),
    (81, None, "REGULAR", FRA, "Kylian Mbappé", "Marcus Thuram", (2, 2)),
    (108, None, "REGULAR", ARG, "Lionel Messi", None, (3, 2)),
    (118, None, "PENALTY", FRA, "Kylian Mbappé", None, (3, 3)),
]
FINAL_BOOKINGS = [  # minute, injury, team, player, card
    (45, 7, ARG, "Enzo Fernández", "YELLOW"),
    (55, None, FRA, "Adrien Rabiot", "YELLOW"),
    (87, None, FRA, "Marcus Thuram", "YELLOW"),
    (90, 5, FRA, "Olivier Giroud", "YELLOW"),
    (90, 8, ARG, "Marcos Acuña", "YELLOW"),
    (114, None, ARG, "Leandro Paredes", "YELLOW"),
    (116, None, ARG, "Gonzalo Montiel", "YELLOW"),
]
FINAL_SUBSTITUTIONS = [  # minute, injury, team, player out, player in (in match-clock order)
    (41, None, FRA, "Ousmane Dembélé", "Randal Kolo Muani"),
    (41, None, FRA, "Olivier Giroud", "Marcus Thuram"),
    (64, None, ARG, "Ángel Di María", "Marcos Acuña"),
    (71, None, FRA, "Theo Hernández", "Eduardo Camavinga"),
    (71, None, FRA, "Antoine Griezmann", "Kingsley Coman"),
    (91, None, ARG, "Nahuel Molina", "Gonzalo Montiel"),
    (96, None, FRA, "Adrien Rabiot", "Youssouf Fofana"),
    (102, None, ARG, "Rodrigo De Paul", "Leandro Paredes"),
    (102, None, ARG, "Julián Álvarez", "Lautaro Martínez"),
    (113, None, FRA, "Raphaël Varane", "Ibrahima Konaté"),
    (116, None, ARG, "Alexis Mac Allister", "Germán Pezzella"),
    (120, 1, FRA, "Jules Koundé", "Axel Disasi"),
    (120, 1, ARG, "Nicolás Tagliafico", "Paulo Dybala"),
]


def _person(name: str | None) -> dict | None:
    return {"id": None, "name": name} if name else None


def football_data_final_detail() -> dict:
    """The WC 2022 final 391944 as `/v4/matches/391944` shows it, walked through its statuses:
    the real list item with the match's goals, bookings and substitutions added, cut at each moment."""
    walk = football_data_final()["steps"]

    def detail(step: int, until: tuple[int, int] | None, minute: int | None = None) -> dict:
        """Step `step` of the list walk as a detail, with what happened up to (minute, injury) `until`."""
        match = copy.deepcopy(walk[step]["body"]["matches"][0])

        def shown(at: int, injury: int | None) -> bool:
            return until is not None and (at, injury or 0) <= until

        match["goals"] = [{"minute": at, "injuryTime": injury, "type": kind, "team": team, "scorer": _person(scorer),
                           "assist": _person(assist), "score": {"home": home, "away": away}}
                          for at, injury, kind, team, scorer, assist, (home, away) in FINAL_GOALS if shown(at, injury)]
        match["bookings"] = [{"minute": at, "injuryTime": injury, "team": team, "player": _person(player), "card": card}
                             for at, injury, team, player, card in FINAL_BOOKINGS if shown(at, injury)]
        match["substitutions"] = [{"minute": at, "injuryTime": injury, "team": team, "playerOut": _person(off),
                                   "playerIn": _person(on)}
                                  for at, injury, team, off, on in FINAL_SUBSTITUTIONS if shown(at, injury)]
        if minute is not None:
            match["minute"], match["injuryTime"] = minute, None
        return match

    steps = [
        detail(0, None),
        detail(1, (1, 0), 1),
        detail(2, (23, 0), 23),
        detail(3, (36, 0), 36),
        detail(4, (45, 99)),                 # half-time
        detail(5, (46, 0), 46),
        detail(6, (46, 0), 46),              # an unchanged poll
        detail(7, (80, 0), 80),
        detail(8, (81, 0), 81),
        detail(9, (90, 99)),                 # the break before extra time
        {**detail(9, (92, 0), 92), "status": "EXTRA_TIME"},
        detail(10, (108, 0), 108),
        detail(11, (118, 0), 118),
        detail(12, (120, 99)),               # the shoot-out begins
        detail(13, (120, 99)),
        detail(14, (120, 99)),               # the real FINISHED item
    ]
    return {
        "_note": ("Edited: no capture of a football-data.org v4 match detail exists here. Each step is the step of "
                  "football-data_wc2022_final_391944.json (the real FINISHED item of match 391944, status and score "
                  "parts set to each moment of the match) as `/v4/matches/391944` returns it: the match itself, "
                  "with `goals`, `bookings` and `substitutions` added in the v4 shape and cut to what had happened, "
                  "and `minute` while the ball is in play. The lists hold the public match record (tests/data/README.md "
                  "names the source of each fact); person ids are not known and are null. Step 11 (extra time, 92') is "
                  "added between the list walk's steps 9 and 10. The last step is the real item with the full lists."),
        "route": "/v4/matches/391944",
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
                        ("football-data_wc2022_final_391944_detail.json", football_data_final_detail),
                        ("api-football_liga1_1049765_var.json", api_football_var),
                        ("api-football_euro2024_qf_1219959_shootout.json", api_football_shootout)):
        (HERE / name).write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n")
