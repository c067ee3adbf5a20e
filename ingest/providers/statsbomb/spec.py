"""StatsBomb's event types, outcomes and pitch, mapped to the domain's terms."""

from __future__ import annotations

PROVIDER = "statsbomb"

# StatsBomb's pitch is 120 x 80 yards-like units; the contracts use percent of the pitch.
PITCH_LENGTH = 120.0
PITCH_WIDTH = 80.0

# Type name -> event type, for types whose meaning does not depend on their details.
EVENT_TYPES = {
    "Pass": "PASS",
    "Ball Receipt*": "BALL_RECEIPT",
    "Carry": "CARRY",
    "Dribble": "DRIBBLE",
    "Dribbled Past": "DRIBBLED_PAST",
    "Pressure": "PRESSURE",
    "Duel": "DUEL",
    "Interception": "INTERCEPTION",
    "Block": "BLOCK",
    "Clearance": "CLEARANCE",
    "Ball Recovery": "BALL_RECOVERY",
    "50/50": "FIFTY_FIFTY",
    "Dispossessed": "DISPOSSESSED",
    "Miscontrol": "MISCONTROL",
    "Shield": "SHIELD",
    "Goal Keeper": "GOALKEEPER",
    "Foul Committed": "FOUL_COMMITTED",
    "Foul Won": "FOUL_WON",
    "Offside": "OFFSIDE",
    "Error": "ERROR",
    "Substitution": "SUBSTITUTION",
    "Starting XI": "STARTING_XI",
    "Tactical Shift": "TACTICAL_SHIFT",
    "Player On": "PLAYER_ON",
    "Player Off": "PLAYER_OFF",
    "Injury Stoppage": "INJURY_STOPPAGE",
    "Referee Ball-Drop": "REFEREE_BALL_DROP",
    "Bad Behaviour": "BAD_BEHAVIOUR",
    # The scorer's team's event; "Own Goal For" mirrors it for the benefiting team.
    "Own Goal Against": "OWN_GOAL",
    "Own Goal For": "OWN_GOAL_FOR",
}

CARDS = {"Yellow Card": "YELLOW_CARD", "Second Yellow": "SECOND_YELLOW", "Red Card": "RED_CARD"}

SHOT_ON_TARGET = frozenset({"Goal", "Saved", "Saved to Post"})
# A pass without an outcome reached a team-mate; these outcomes mean it did not.
PASS_FAILED = frozenset({"Incomplete", "Out", "Unknown", "Pass Offside", "Injury Clearance"})

PERIOD_START = "Half Start"
PERIOD_END = "Half End"
SHOOTOUT_PERIOD = 5


def shot_type(period: int, outcome: str, shot_kind: str) -> str:
    """Event type of a shot from its period, outcome name and StatsBomb shot type name."""
    scored = outcome == "Goal"
    if period == SHOOTOUT_PERIOD:
        return "SHOOTOUT_GOAL" if scored else "SHOOTOUT_MISSED"
    if shot_kind == "Penalty":
        return "PENALTY_GOAL" if scored else "PENALTY_MISSED"
    return "GOAL" if scored else "SHOT"


def period_end_type(period: int, last_period: int) -> str:
    """Event type of the end of `period` in a match whose last period is `last_period`."""
    if period == last_period:
        return "FULL_TIME"
    if period in (1, 3):
        return "HALF_TIME"
    if period == 2:
        return "END_OF_REGULAR_TIME"
    return "END_OF_EXTRA_TIME"
