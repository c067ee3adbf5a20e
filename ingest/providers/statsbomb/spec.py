"""StatsBomb's event types, outcomes and pitch, mapped to the domain's terms."""

from __future__ import annotations

import math

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
