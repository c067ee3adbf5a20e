"""When to poll a match: 30 s for high-priority live matches, 60 s for other live ones, 5 min
around kick-off and after the final whistle, never for far-future fixtures; stretched to fit the
day's request budget.
"""

from __future__ import annotations

from datetime import datetime

from ingest.domain import MatchSnapshot
from ingest.vocabulary import UNDER_WAY

HIGH_PRIORITY_LIVE = 30.0
LIVE = 60.0
AROUND_THE_MATCH = 300.0
# Pre-match polling starts this long before kick-off (line-ups come 20-40 min before).
PRE_MATCH_WINDOW = 60 * 60.0
# Post-match polling goes on this long after kick-off (corrections, final stats).
POST_MATCH_WINDOW = 3 * 60 * 60.0
# A whole match with extra time and a shoot-out, breaks included: the horizon of a daily budget.
MATCH_DURATION = 2 * 60 * 60.0 + 45 * 60.0
# Calls kept back from a daily budget for retries and the post-match checks.
DAILY_RESERVE = 5



def poll_interval(status: str, kickoff: float | None, now: float, high_priority: bool = False) -> float | None:
    """Seconds between polls of one match in its current state, or None: do not poll it."""
    if status in UNDER_WAY or status == "SUSPENDED":
        return HIGH_PRIORITY_LIVE if high_priority else LIVE
    if kickoff is None:
        return None
    if status == "SCHEDULED":
        # Past its kick-off but not live yet: a late start, keep an eye on it.
        return AROUND_THE_MATCH if kickoff - now <= PRE_MATCH_WINDOW else None
    if status == "FINISHED":
        return AROUND_THE_MATCH if now - kickoff <= POST_MATCH_WINDOW else None
    return None


def budget_interval(remaining_today: int | None, seconds_left: float, reserve: int = DAILY_RESERVE) -> float:
    """The shortest spacing of calls that lasts `seconds_left` on the day's remaining calls.

    `seconds_left` is the horizon to cover (the rest of a followed match, or until the daily
    reset). 0 when the day is unlimited.
    """
    if remaining_today is None:
        return 0.0
    usable = remaining_today - reserve
    if usable <= 0:
        return float("inf")
    return max(0.0, seconds_left) / usable


def kickoff_epoch(moment: str | None) -> float | None:
    """Epoch seconds of an ISO-8601 kick-off time, or None."""
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp() if moment else None


def worth_a_call(snapshot: MatchSnapshot | None, now: float) -> bool:
    """Whether a match is unknown yet or due a poll at all (not far-future, not long finished)."""
    return snapshot is None or poll_interval(snapshot.status, kickoff_epoch(snapshot.kickoff), now) is not None
