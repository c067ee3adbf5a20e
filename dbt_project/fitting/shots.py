"""Shot geometry and situation from StatsBomb events, and the xG feature vector built from them.

StatsBomb's pitch is 120 x 80 yards, attacking towards x = 120, goal posts at y = 36 and 44.
The same definitions are written in SQL in macros/xg.sql; both must change together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GOAL_X = 120.0
GOAL_CENTRE_Y = 40.0
GOAL_HALF_WIDTH = 4.0

SITUATIONS = ("open_play", "penalty", "free_kick", "corner", "set_piece")
BODY_PARTS = ("foot", "head", "other")

# The order of the coefficients in the seed; the intercept comes first.
FEATURES = (
    "intercept",
    "distance",
    "log_distance",
    "angle",
    "head",
    "other_body_part",
    "penalty",
    "free_kick",
    "corner",
    "set_piece",
)


@dataclass(frozen=True)
class Shot:
    match_id: int
    event_id: str
    x: float
    y: float
    body_part: str
    situation: str
    is_goal: bool
    provider_xg: float | None


def distance_to_goal(x: float, y: float) -> float:
    """Yards from the shot to the centre of the goal line."""
    return math.hypot(GOAL_X - x, y - GOAL_CENTRE_Y)


def goal_angle(x: float, y: float) -> float:
    """Angle in radians under which the shooter sees the goal mouth (between the posts)."""
    dx = GOAL_X - x
    dy = y - GOAL_CENTRE_Y
    # atan2 keeps the angle right behind the goal line (dx <= 0) and on the line itself.
    return abs(
        math.atan2(dy + GOAL_HALF_WIDTH, dx) - math.atan2(dy - GOAL_HALF_WIDTH, dx)
    )


def body_part(name: str) -> str:
    if name in ("Right Foot", "Left Foot"):
        return "foot"
    if name == "Head":
        return "head"
    return "other"


def situation(shot_type: str, play_pattern: str) -> str:
    """Penalty and direct free kick from the shot's type, corner and other set pieces from
    the play pattern of the possession (a header after a corner is a corner situation)."""
    if shot_type == "Penalty":
        return "penalty"
    if shot_type == "Free Kick":
        return "free_kick"
    if play_pattern == "From Corner":
        return "corner"
    if play_pattern in ("From Free Kick", "From Throw In"):
        return "set_piece"
    return "open_play"


def shot_from_event(match_id: int, event: dict) -> Shot | None:
    """The Shot of a StatsBomb event, or None for other events and shoot-out kicks."""
    if event.get("type", {}).get("name") != "Shot" or event.get("period") == 5:
        return None
    shot = event["shot"]
    x, y = event["location"][:2]
    return Shot(
        match_id=match_id,
        event_id=event["id"],
        x=float(x),
        y=float(y),
        body_part=body_part(shot["body_part"]["name"]),
        situation=situation(shot["type"]["name"], event["play_pattern"]["name"]),
        is_goal=shot["outcome"]["name"] == "Goal",
        provider_xg=shot.get("statsbomb_xg"),
    )


def features(shot: Shot) -> list[float]:
    """The feature vector, in the order of FEATURES."""
    distance = distance_to_goal(shot.x, shot.y)
    return [
        1.0,
        distance,
        math.log(max(distance, 0.5)),  # a shot on the goal line is not 0 yards from danger
        goal_angle(shot.x, shot.y),
        1.0 if shot.body_part == "head" else 0.0,
        1.0 if shot.body_part == "other" else 0.0,
        1.0 if shot.situation == "penalty" else 0.0,
        1.0 if shot.situation == "free_kick" else 0.0,
        1.0 if shot.situation == "corner" else 0.0,
        1.0 if shot.situation == "set_piece" else 0.0,
    ]
