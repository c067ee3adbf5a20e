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
# The technique of a shot, where the provider tells it.
SHOT_TECHNIQUES = ("NORMAL", "VOLLEY", "HALF_VOLLEY", "LOB", "OVERHEAD_KICK", "BACKHEEL", "DIVING_HEADER", OTHER)
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
    "shot_technique": SHOT_TECHNIQUES,
    "play_pattern": PLAY_PATTERNS,
}

# --- Topics ---------------------------------------------------------------------------------
# The contracts, each the default name of its Kafka topic; the landing job writes a contract's
# messages to the table of the same name with underscores (streaming.match_events).
CONTRACTS = ("live-matches", "match-events", "player-live-stats", "team-live-stats")
# Where a producer puts a message that fails its contract.
DEAD_LETTERS = "dead-letters"
TOPICS = (*CONTRACTS, DEAD_LETTERS)


def table_of(topic: str) -> str:
    """The logical name of a topic: its table in schema streaming, its field in settings."""
    return topic.replace("-", "_")


def topic_setting(topic: str) -> str:
    """The environment variable that renames a topic, e.g. KAFKA_TOPIC_MATCH_EVENTS."""
    return "KAFKA_TOPIC_" + table_of(topic).upper()


# --- Match statuses (live-matches.status) ---------------------------------------------------
STATUSES = (
    "SCHEDULED", "LIVE", "HALF_TIME", "BREAK", "EXTRA_TIME", "PENALTIES", "FINISHED", "SUSPENDED",
    "POSTPONED", "CANCELLED", "ABANDONED", "AWARDED",
)
# The ball is in play: a half, a half of extra time, the shoot-out.
BALL_IN_PLAY = ("LIVE", "EXTRA_TIME", "PENALTIES")
# Between periods of a match that has kicked off.
BREAKS = ("HALF_TIME", "BREAK")
# Kicked off and not over: what the pollers follow closely and the dashboards show as live.
UNDER_WAY = tuple(status for status in STATUSES if status in (*BALL_IN_PLAY, *BREAKS))
# The status while a period is being played.
STATUS_IN_PERIOD = {1: "LIVE", 2: "LIVE", 3: "EXTRA_TIME", 4: "EXTRA_TIME", 5: "PENALTIES"}

# --- Periods and their minutes --------------------------------------------------------------
# 1, 2 = halves; 3, 4 = extra time; 5 = penalty shoot-out. Match-clock minute at which each
# starts and ends (added time is counted beyond the end, in `added_time`).
PERIOD_MINUTES = {1: (0, 45), 2: (45, 90), 3: (90, 105), 4: (105, 120), 5: (120, 120)}
PERIOD_START_MINUTE = {period: start for period, (start, _) in PERIOD_MINUTES.items()}
PERIOD_END_MINUTE = {period: end for period, (_, end) in PERIOD_MINUTES.items()}
SHOOTOUT_PERIOD = 5


def period_of(minute: int | None, added: int | None = None) -> int:
    """Period of a minute as a match clock shows it (23', or 45+3' as 45 with 3 added): a
    period's added time is shown on its last minute, so 45+3' is still the first half."""
    if minute is None or minute <= PERIOD_END_MINUTE[1]:
        return 1
    if minute <= PERIOD_END_MINUTE[2]:
        return 2
    return 3 if minute <= PERIOD_END_MINUTE[3] else 4


def contract_clock(minute: int | None, added: int | None = None) -> tuple[int, int]:
    """(minute, added_time) in the contract's terms of a shown minute: 23' is minute 22 (the
    23rd minute has begun); 45+2' is minute 45 and added time 1."""
    if minute is None:
        return 0, 0
    if added:
        return minute, max(0, added - 1)
    return max(PERIOD_START_MINUTE[period_of(minute)], minute - 1), 0


def dbt_vars() -> dict[str, object]:
    """The facts dbt reads as vars (dbt_project.yml's `vars`; a test keeps the two equal)."""
    return {
        "period_end_minute": {period: PERIOD_END_MINUTE[period] for period in (1, 2, 3, 4)},
        "statuses_under_way": list(UNDER_WAY),
        "shot_on_target_outcomes": list(SHOT_ON_TARGET),
    }
