"""football-data.org v4 statuses, score durations, goal types, cards and limits, mapped to the contract's terms."""

from __future__ import annotations

PROVIDER = "football-data"
BASE_URL = "https://api.football-data.org"
AUTH_HEADER = "X-Auth-Token"
KEY_SETTING = "FOOTBALL_DATA_API_KEY"
# Free plan: 10 calls a minute, no daily cap (docs.football-data.org/general/v4/policies.html).
FREE_PLAN_PER_MINUTE = 10

# Match.status -> live-matches status. PAUSED is half-time, or the break before or within
# extra time once regular time is over (decided in the parser).
STATUSES = {
    "SCHEDULED": "SCHEDULED",
    "TIMED": "SCHEDULED",
    "IN_PLAY": "LIVE",
    "PAUSED": "HALF_TIME",
    "EXTRA_TIME": "EXTRA_TIME",
    "PENALTY_SHOOTOUT": "PENALTIES",
    "FINISHED": "FINISHED",
    "SUSPENDED": "SUSPENDED",
    "POSTPONED": "POSTPONED",
    "CANCELLED": "CANCELLED",
    "AWARDED": "AWARDED",
}

# The last period played, by Score.duration, for a finished match.
FINAL_PERIOD = {"REGULAR": 2, "EXTRA_TIME": 4, "PENALTY_SHOOTOUT": 5}

STAGES = {
    "FINAL": "Final", "THIRD_PLACE": "3rd Place Final", "SEMI_FINALS": "Semi-finals",
    "QUARTER_FINALS": "Quarter-finals", "LAST_16": "Round of 16", "LAST_32": "Round of 32",
    "GROUP_STAGE": "Group Stage", "REGULAR_SEASON": "Regular Season", "LEAGUE_STAGE": "League Stage",
}

# A match detail's Goal.type -> match-events type. The goals list holds only goals that count
# (an own goal for the other team). The v4 lookup tables and the clients written against the API
# spell the own goal OWN_GOAL and OWN: both are read.
GOAL_TYPES = {"REGULAR": "GOAL", "PENALTY": "PENALTY_GOAL", "OWN": "OWN_GOAL", "OWN_GOAL": "OWN_GOAL"}
# Booking.card -> match-events type; YELLOW_RED is the second yellow, a sending-off.
CARDS = {"YELLOW": "YELLOW_CARD", "YELLOW_RED": "SECOND_YELLOW", "RED": "RED_CARD"}
