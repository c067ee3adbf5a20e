"""The contract's football terms: what a shot's outcome, a body part, a situation or a play
pattern is called on the topics, whatever the provider. Each provider's `spec.py` maps its own
strings to these; Spark, dbt and Superset see only these (the JSON Schemas list them as enums,
and a test keeps the two in step).
"""

from __future__ import annotations

# Outcome of a shot (kloppy's ShotResult, with a save of a shot going wide kept apart).
SHOT_OUTCOMES = ("GOAL", "SAVED", "SAVED_OFF_TARGET", "POST", "OFF_TARGET", "BLOCKED")
# A shot on target reached the goal frame: it went in or the goalkeeper saved it (a save onto
# the post included).
SHOT_ON_TARGET = ("GOAL", "SAVED")
# A shot saved by the goalkeeper on the line of goal: a save in fantasy scoring.
SHOT_SAVED = ("SAVED",)
SHOT_OFF_TARGET = ("OFF_TARGET",)

# Outcome of a pass (or a ball receipt): COMPLETE reached a team-mate.
PASS_OUTCOMES = ("COMPLETE", "INCOMPLETE", "OUT", "OFFSIDE", "INJURY_CLEARANCE", "UNKNOWN")
# Outcome of a contest for the ball (duel, tackle, interception, 50/50) from the actor's side.
CONTEST_OUTCOMES = ("WON", "LOST")
# Why a player was substituted.
SUBSTITUTION_OUTCOMES = ("TACTICAL", "INJURY")
# A provider outcome none of the above describes.
OTHER = "OTHER"

OUTCOMES = tuple(dict.fromkeys((*SHOT_OUTCOMES, *PASS_OUTCOMES, *CONTEST_OUTCOMES, *SUBSTITUTION_OUTCOMES, OTHER)))

# The body part a shot was taken with.
BODY_PARTS = ("RIGHT_FOOT", "LEFT_FOOT", "HEAD", OTHER)
# The situation a shot was taken in.
SHOT_SITUATIONS = ("OPEN_PLAY", "PENALTY", "FREE_KICK", "CORNER", "KICK_OFF", OTHER)
# How the possession of an event started.
PLAY_PATTERNS = (
    "REGULAR_PLAY", "FROM_CORNER", "FROM_FREE_KICK", "FROM_THROW_IN", "FROM_GOAL_KICK", "FROM_KEEPER",
    "FROM_KICK_OFF", "FROM_COUNTER", OTHER,
)

# Terms per contract field of match-events (the JSON Schema's enum of each, null aside).
MATCH_EVENT_TERMS = {
    "outcome": OUTCOMES,
    "body_part": BODY_PARTS,
    "shot_type": SHOT_SITUATIONS,
    "play_pattern": PLAY_PATTERNS,
}
