"""Shot geometry and situation from StatsBomb events, and the xG feature vector built from them.

StatsBomb's pitch is 120 x 80 yards, attacking towards x = 120, goal posts at y = 36 and 44.
The same definitions are written in SQL in macros/xg.sql; both must change together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ingest.providers.statsbomb.spec import YARD_IN_METRES, assist_type, freeze_frame_context, in_shot_cone

GOAL_X = 120.0
GOAL_CENTRE_Y = 40.0
GOAL_HALF_WIDTH = 4.0

SITUATIONS = ("open_play", "penalty", "free_kick", "corner", "set_piece")
BODY_PARTS = ("foot", "head", "other")
VOLLEYS = ("Volley", "Half Volley")
UNUSUAL_TECHNIQUES = ("Lob", "Overhead Kick", "Backheel", "Diving Header")

# Caps keep the freeze-frame features in the range where the data has shots (yards).
MAX_OPPONENTS_IN_CONE = 4
MAX_KEEPER_TO_GOAL = 10.0
MAX_NEAREST_OPPONENT = 5.0
CLOSE_OPPONENT = 2.0
MAX_KEEPER_SHARE = 1.5

# The order of the coefficients in the seed; the intercept comes first. Penalties are not
# in the logistic model: their xG is the conversion rate of the fitting data (the seed's
# row `penalty_conversion`).
FEATURES = (
    "intercept",
    "distance",
    "log_distance",
    "angle",
    "head",
    "other_body_part",
    "free_kick",
    "corner",
    "set_piece",
    "head_distance",
    "first_time",
    "one_on_one",
    "open_goal",
    "under_pressure",
    "from_counter",
    "volley",
    "unusual_technique",
    "no_assist",
    "through_ball",
    "cross",
    "cut_back",
    "opponents_in_cone",
    "keeper_out_of_cone",
    "keeper_to_goal",
    "nearest_opponent",
    "opponent_within_2",
    "keeper_share",
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
    technique: str | None = None
    play_pattern: str | None = None
    first_time: bool = False
    one_on_one: bool = False
    open_goal: bool = False
    under_pressure: bool = False
    assist_type: str | None = None  # contract term (PASS, CROSS, ...), None: not known
    opponents_in_cone: int | None = None  # None: no freeze frame
    keeper_x: float | None = None
    keeper_y: float | None = None
    nearest_opponent: float | None = None  # yards


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


def shot_from_event(match_id: int, event: dict, key_pass: dict | None = None) -> Shot | None:
    """The Shot of a StatsBomb event, or None for other events and shoot-out kicks. The
    freeze-frame and key-pass terms come from the provider mapping the replay uses too."""
    if event.get("type", {}).get("name") != "Shot" or event.get("period") == 5:
        return None
    shot = event["shot"]
    x, y = event["location"][:2]
    frame = freeze_frame_context(event["location"], shot.get("freeze_frame"))
    nearest = frame.get("nearest_opponent_distance")
    return Shot(
        match_id=match_id,
        event_id=event["id"],
        x=float(x),
        y=float(y),
        body_part=body_part(shot["body_part"]["name"]),
        situation=situation(shot["type"]["name"], event["play_pattern"]["name"]),
        is_goal=shot["outcome"]["name"] == "Goal",
        provider_xg=shot.get("statsbomb_xg"),
        technique=(shot.get("technique") or {}).get("name"),
        play_pattern=event["play_pattern"]["name"],
        first_time=bool(shot.get("first_time")),
        one_on_one=bool(shot.get("one_on_one")),
        open_goal=bool(shot.get("open_goal")),
        under_pressure=bool(event.get("under_pressure")),
        assist_type=assist_type(key_pass),
        opponents_in_cone=frame.get("opponents_in_cone"),
        keeper_x=frame.get("goalkeeper_x"),
        keeper_y=frame.get("goalkeeper_y"),
        nearest_opponent=None if nearest is None else nearest / YARD_IN_METRES,
    )


def _freeze_frame_features(shot: Shot, distance: float) -> list[float]:
    """Defence in front of the shot; all zero without a freeze frame. A frame without the
    keeper counts as a keeper out of the cone, 10 yards or more off the goal."""
    if shot.opponents_in_cone is None:
        return [0.0] * 6
    if shot.keeper_x is None:
        keeper_out, keeper_to_goal, keeper_to_shooter = 1.0, MAX_KEEPER_TO_GOAL, distance
    else:
        keeper_out = 0.0 if in_shot_cone((shot.keeper_x, shot.keeper_y), (shot.x, shot.y)) else 1.0
        keeper_to_goal = min(distance_to_goal(shot.keeper_x, shot.keeper_y), MAX_KEEPER_TO_GOAL)
        keeper_to_shooter = math.hypot(shot.keeper_x - shot.x, shot.keeper_y - shot.y)
    nearest = MAX_NEAREST_OPPONENT if shot.nearest_opponent is None else shot.nearest_opponent
    return [
        float(min(shot.opponents_in_cone, MAX_OPPONENTS_IN_CONE)),
        keeper_out,
        keeper_to_goal,
        min(nearest, MAX_NEAREST_OPPONENT),
        1.0 if nearest < CLOSE_OPPONENT else 0.0,
        min(keeper_to_shooter / max(distance, 1.0), MAX_KEEPER_SHARE),
    ]


def features(shot: Shot) -> list[float]:
    """The feature vector of a shot other than a penalty, in the order of FEATURES."""
    distance = distance_to_goal(shot.x, shot.y)
    head = 1.0 if shot.body_part == "head" else 0.0
    assist = shot.assist_type
    return [
        1.0,
        distance,
        math.log(max(distance, 0.5)),  # a shot on the goal line is not 0 yards from danger
        goal_angle(shot.x, shot.y),
        head,
        1.0 if shot.body_part == "other" else 0.0,
        1.0 if shot.situation == "free_kick" else 0.0,
        1.0 if shot.situation == "corner" else 0.0,
        1.0 if shot.situation == "set_piece" else 0.0,
        head * distance,
        float(shot.first_time),
        float(shot.one_on_one),
        float(shot.open_goal),
        float(shot.under_pressure),
        1.0 if shot.play_pattern == "From Counter" else 0.0,
        1.0 if shot.technique in VOLLEYS else 0.0,
        1.0 if shot.technique in UNUSUAL_TECHNIQUES else 0.0,
        1.0 if assist == "NONE" and shot.situation != "free_kick" else 0.0,
        1.0 if assist == "THROUGH_BALL" else 0.0,
        1.0 if assist == "CROSS" else 0.0,
        1.0 if assist == "CUT_BACK" else 0.0,
        *_freeze_frame_features(shot, distance),
    ]
