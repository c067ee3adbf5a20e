"""API-Football v3 statuses, event types and limits, mapped to the contract's terms."""

from __future__ import annotations

PROVIDER = "api-football"
BASE_URL = "https://v3.football.api-sports.io"
AUTH_HEADER = "x-apisports-key"
RAPIDAPI_BASE_URL = "https://api-football-v1.p.rapidapi.com/v3"
RAPIDAPI_HOST = "api-football-v1.p.rapidapi.com"
KEY_SETTING = "API_FOOTBALL_KEY"
# Free plan: 100 calls a day (reset 00:00 UTC), 10 a minute.
FREE_PLAN_PER_DAY = 100
FREE_PLAN_PER_MINUTE = 10
# `fixtures?ids=` takes up to 20 fixture ids per call.
IDS_PER_CALL = 20

# status.short -> live-matches status. The period is decided in the parser (some depend on `elapsed`).
STATUSES = {
    "TBD": "SCHEDULED", "NS": "SCHEDULED",
    "1H": "LIVE", "HT": "HALF_TIME", "2H": "LIVE", "LIVE": "LIVE",
    "ET": "EXTRA_TIME", "BT": "BREAK", "P": "PENALTIES",
    "SUSP": "SUSPENDED", "INT": "SUSPENDED",
    "FT": "FINISHED", "AET": "FINISHED", "PEN": "FINISHED",
    "PST": "POSTPONED", "CANC": "CANCELLED", "ABD": "ABANDONED",
    "AWD": "AWARDED", "WO": "AWARDED",
}
FIXED_PERIOD = {"TBD": None, "NS": None, "PST": None, "CANC": None, "1H": 1, "HT": 1, "2H": 2, "P": 5,
                "FT": 2, "AET": 4, "PEN": 5, "AWD": 2, "WO": 2}

# (type, detail) -> event type. Type "Goal" covers missed penalties too: they do not score.
GOALS = {"Normal Goal": "GOAL", "Penalty": "PENALTY_GOAL", "Own Goal": "OWN_GOAL", "Missed Penalty": "PENALTY_MISSED"}
SHOOTOUT = {"Penalty": "SHOOTOUT_GOAL", "Missed Penalty": "SHOOTOUT_MISSED"}
SHOOTOUT_COMMENT = "Penalty Shootout"
SCORING = frozenset({"GOAL", "PENALTY_GOAL", "OWN_GOAL"})
SENT_OFF = frozenset({"RED_CARD", "SECOND_YELLOW"})


def card_type(detail: str) -> str:
    lowered = detail.lower()
    if "second" in lowered or "yellow red" in lowered or "red yellow" in lowered:
        return "SECOND_YELLOW"
    return "RED_CARD" if "red" in lowered else "YELLOW_CARD"


def var_type(detail: str) -> str:
    return "GOAL_CANCELLED" if detail.lower().startswith("goal cancelled") or detail.lower().startswith("goal disallowed") else "VAR"


# `statistics[].type` of a fixture (fixtures?ids= or fixtures/statistics) -> team-live-stats field.
# A type the response lists with value null counts 0; a contract figure whose type is absent
# (tackles, interceptions; xG before the provider added it) is not measured and stays null.
TEAM_STATISTICS = {
    "Total Shots": "shots", "Shots on Goal": "shots_on_target", "Fouls": "fouls", "Corner Kicks": "corners",
    "Offsides": "offsides", "Ball Possession": "possession", "Yellow Cards": "yellow_cards",
    "Red Cards": "red_cards", "Total passes": "passes", "Passes accurate": "passes_completed",
    "Passes %": "pass_accuracy", "expected_goals": "xg",
}
# Per player (fixtures?ids= `players`, fixtures/players): (group, name) -> player-live-stats
# field. Null counts 0 for a player who played: the provider measures these. `passes.accuracy`
# is the number of accurate passes (a string), not a percentage. No player xG is given.
PLAYER_STATISTICS = {
    ("games", "minutes"): "minutes_played", ("goals", "total"): "goals", ("goals", "assists"): "assists",
    ("shots", "total"): "shots", ("shots", "on"): "shots_on_target", ("passes", "total"): "passes",
    ("passes", "accuracy"): "passes_completed", ("tackles", "total"): "tackles",
    ("tackles", "interceptions"): "interceptions", ("cards", "yellow"): "yellow_cards", ("cards", "red"): "red_cards",
}
# games.position / lineups pos -> the fantasy position of the contract.
POSITIONS = {"G": "GKP", "D": "DEF", "M": "MID", "F": "FWD"}
