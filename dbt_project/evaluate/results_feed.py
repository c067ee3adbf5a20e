"""Turns international results with goal minutes into the messages a live feed would have
sent for them (a final snapshot, kick-offs, goals, the final whistle), so the in-play models
can be scored on them. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbt_project.fitting.results import EXTRA_TIME_MINUTES, REGULAR_MINUTES, Result

PROVIDER = "results"


def _event(match_id: str, sequence: int, period: int, minute: int, event_type: str, score: dict[str, int],
           team_side: str | None = None, added_time: int = 0) -> dict[str, Any]:
    return {
        "event_id": f"{match_id}/{sequence}",
        "match_id": match_id,
        "provider": PROVIDER,
        "period": period,
        "minute": minute,
        "second": 0,
        "added_time": added_time,
        "sequence": sequence,
        "event_type": event_type,
        "team_side": team_side,
        "home_score": score["home"],
        "away_score": score["away"],
    }


def _placed(minute: int, extra_time: bool) -> tuple[int, int, int]:
    """(period, minute, added time) of a goal minute as the contract writes it: capped at the
    end of its period, the rest in added time."""
    if minute <= 45:
        return 1, minute, 0
    if minute <= REGULAR_MINUTES or not extra_time:
        return 2, min(minute, REGULAR_MINUTES), max(0, minute - REGULAR_MINUTES)
    if minute <= 105:
        return 3, minute, 0
    return 4, min(minute, EXTRA_TIME_MINUTES), max(0, minute - EXTRA_TIME_MINUTES)


def match_messages(result: Result, match_key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The messages of one match with complete goal minutes (result.goals is not None)."""
    match_id = f"{PROVIDER}:{match_key}"
    extra_time = result.went_to_extra_time
    score = {"home": 0, "away": 0}
    sequence = 0
    yield "match-events", _event(match_id, sequence, 1, 0, "KICK_OFF", score)
    started_extra_time = False
    for goal in result.goals:
        period, minute, added = _placed(goal.minute, extra_time)
        if period >= 3 and not started_extra_time:
            sequence += 1
            yield "match-events", _event(match_id, sequence, 3, REGULAR_MINUTES, "KICK_OFF", score)
            started_extra_time = True
        score[goal.side] += 1
        sequence += 1
        yield "match-events", _event(match_id, sequence, period, minute, "GOAL", score, goal.side, added)
    if extra_time and not started_extra_time:
        sequence += 1
        yield "match-events", _event(match_id, sequence, 3, REGULAR_MINUTES, "KICK_OFF", score)
    sequence += 1
    last_period, last_minute = (4, EXTRA_TIME_MINUTES) if extra_time else (2, REGULAR_MINUTES)
    yield "match-events", _event(match_id, sequence, last_period, last_minute, "FULL_TIME", score)
    yield "live-matches", {
        "event_id": f"{match_id}/state",
        "match_id": match_id,
        "provider": PROVIDER,
        "period": last_period,
        "minute": last_minute,
        "sequence": 0,
        "status": "FINISHED",
        "home_team_name": result.home_team,
        "away_team_name": result.away_team,
        "home_score": result.home_score,
        "away_score": result.away_score,
        "competition_name": result.tournament,
        "match_date": result.date.isoformat(),
        "neutral": result.neutral,
    }


def outcome(home: int, away: int) -> int:
    """0 home win, 1 draw, 2 away win: the order of p_home, p_draw, p_away."""
    return 0 if home > away else 1 if home == away else 2


def state_outcome(result: Result, minute: int) -> int:
    """What a forecast at `minute` is scored against: the result at the end of the phase
    being played (the 90 minutes with their added time, or extra time)."""
    if minute > REGULAR_MINUTES:
        return outcome(result.home_score, result.away_score)
    if result.went_to_extra_time:
        return 1  # level after 90 minutes, by definition
    return outcome(result.home_score, result.away_score)
