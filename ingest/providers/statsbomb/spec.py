"""StatsBomb's event types, outcomes, body parts, situations and pitch, mapped to the contract's terms
(ingest.vocabulary)."""

from __future__ import annotations

from ingest import vocabulary

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

# Outcome names -> the contract's outcomes (ingest.vocabulary), per event type: StatsBomb uses
# the same name for different things ("Incomplete" pass, dribble, ball receipt) and different
# names for one ("Saved to Post" is a save, "Wayward" is off target).
SHOT_OUTCOMES = {
    "Goal": "GOAL", "Saved": "SAVED", "Saved to Post": "SAVED", "Saved Off Target": "SAVED_OFF_TARGET",
    "Post": "POST", "Off T": "OFF_TARGET", "Wayward": "OFF_TARGET", "Blocked": "BLOCKED",
}
# A pass without an outcome reached a team-mate; these outcomes mean it did not.
PASS_OUTCOMES = {
    "Incomplete": "INCOMPLETE", "Out": "OUT", "Unknown": "UNKNOWN", "Pass Offside": "OFFSIDE",
    "Injury Clearance": "INJURY_CLEARANCE",
}
PASS_COMPLETE = "COMPLETE"
# Duels (tackles among them), interceptions and 50/50s, from the side of the event's player.
CONTEST_OUTCOMES = {
    "Won": "WON", "Success": "WON", "Success In Play": "WON", "Success Out": "WON", "Success To Team": "WON",
    "Lost": "LOST", "Lost In Play": "LOST", "Lost Out": "LOST", "Success To Opposition": "LOST",
}
OUTCOMES_BY_TYPE = {
    "Shot": SHOT_OUTCOMES,
    "Pass": PASS_OUTCOMES,
    "Ball Receipt*": {"Incomplete": "INCOMPLETE"},
    "Dribble": {"Complete": "COMPLETE", "Incomplete": "INCOMPLETE"},
    "Duel": CONTEST_OUTCOMES,
    "Interception": CONTEST_OUTCOMES,
    "50/50": CONTEST_OUTCOMES,
    "Substitution": {"Tactical": "TACTICAL", "Injury": "INJURY"},
}
BODY_PARTS = {"Right Foot": "RIGHT_FOOT", "Left Foot": "LEFT_FOOT", "Head": "HEAD", "Other": "OTHER"}
SHOT_SITUATIONS = {"Open Play": "OPEN_PLAY", "Penalty": "PENALTY", "Free Kick": "FREE_KICK", "Corner": "CORNER",
                   "Kick Off": "KICK_OFF"}
PLAY_PATTERNS = {
    "Regular Play": "REGULAR_PLAY", "From Corner": "FROM_CORNER", "From Free Kick": "FROM_FREE_KICK",
    "From Throw In": "FROM_THROW_IN", "From Goal Kick": "FROM_GOAL_KICK", "From Keeper": "FROM_KEEPER",
    "From Kick Off": "FROM_KICK_OFF", "From Counter": "FROM_COUNTER", "Other": "OTHER",
}
PENALTY = "Penalty"

PERIOD_START = "Half Start"
PERIOD_END = "Half End"
SHOOTOUT_PERIOD = 5


def term(names: dict[str, str], name: str | None) -> str | None:
    """The contract's term for a StatsBomb name; OTHER for a name this spec does not know."""
    if name is None:
        return None
    return names.get(name, vocabulary.OTHER)


def outcome(type_name: str, outcome_name: str | None) -> str | None:
    """The contract's outcome of an event of type `type_name` with StatsBomb's outcome name."""
    return term(OUTCOMES_BY_TYPE.get(type_name, {}), outcome_name)


def shot_type(period: int, outcome: str, shot_kind: str) -> str:
    """Event type of a shot from its period, contract outcome and StatsBomb shot type name."""
    scored = outcome == "GOAL"
    if period == SHOOTOUT_PERIOD:
        return "SHOOTOUT_GOAL" if scored else "SHOOTOUT_MISSED"
    if shot_kind == PENALTY:
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
