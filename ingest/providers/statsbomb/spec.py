"""StatsBomb's event types, outcomes, body parts, situations and pitch, mapped to the contract's terms
(ingest.vocabulary)."""

from __future__ import annotations

import math

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
SHOT_TECHNIQUES = {
    "Normal": "NORMAL", "Volley": "VOLLEY", "Half Volley": "HALF_VOLLEY", "Lob": "LOB", "Overhead Kick": "OVERHEAD_KICK",
    "Backheel": "BACKHEEL", "Diving Header": "DIVING_HEADER",
}
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


# Goal mouth on StatsBomb's pitch: the line x = 120 between the posts at y = 36 and 44.
GOAL_X = 120.0
GOAL_POSTS_Y = (36.0, 44.0)
YARD_IN_METRES = 0.9144


def assist_type(key_pass: dict | None) -> str:
    """Contract term of the pass that set up a shot (its key pass); NONE without one."""
    if key_pass is None:
        return "NONE"
    details = key_pass.get("pass") or {}
    if details.get("cut_back"):
        return "CUT_BACK"
    if details.get("through_ball") or (details.get("technique") or {}).get("name") == "Through Ball":
        return "THROUGH_BALL"
    if details.get("cross"):
        return "CROSS"
    return "PASS"


def in_shot_cone(point: list[float], shooter: list[float]) -> bool:
    """Whether `point` lies in the triangle between the shooter and the two posts."""
    (ax, ay), (bx, by), (cx, cy) = shooter[:2], (GOAL_X, GOAL_POSTS_Y[0]), (GOAL_X, GOAL_POSTS_Y[1])
    px, py = point[:2]
    d1 = (px - bx) * (ay - by) - (ax - bx) * (py - by)
    d2 = (px - cx) * (by - cy) - (bx - cx) * (py - cy)
    d3 = (px - ax) * (cy - ay) - (cx - ax) * (py - ay)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


def freeze_frame_context(shooter: list[float], freeze_frame: list[dict] | None) -> dict[str, float | int | None]:
    """What the freeze frame of a shot says about the defence, in the contract's terms:
    outfield opponents in the cone between the ball and the posts, the opposing keeper's
    location (StatsBomb units; None when not in the frame) and the distance in metres from
    the shooter to the nearest outfield opponent. Empty when the shot has no frame."""
    if not freeze_frame:
        return {}
    opponents = [p for p in freeze_frame if not p.get("teammate") and p.get("location")]
    keepers = [p for p in opponents if (p.get("position") or {}).get("name") == "Goalkeeper"]
    outfield = [p for p in opponents if p not in keepers]
    keeper = keepers[0]["location"] if keepers else None
    nearest = min((math.hypot(p["location"][0] - shooter[0], p["location"][1] - shooter[1]) for p in outfield),
                  default=None)
    return {
        "opponents_in_cone": sum(1 for p in outfield if in_shot_cone(p["location"], shooter)),
        "goalkeeper_x": keeper[0] if keeper else None,
        "goalkeeper_y": keeper[1] if keeper else None,
        "nearest_opponent_distance": None if nearest is None else round(nearest * YARD_IN_METRES, 2),
    }
