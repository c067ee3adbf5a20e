"""A provider's request budget: the plan's configured limits, tightened by what its rate-limit headers report.

Pure bookkeeping on an injected clock (epoch seconds); the HTTP client asks it before every call.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Mapping

MINUTE = 60.0


def _next_utc_midnight(now: float) -> float:
    today = datetime.fromtimestamp(now, timezone.utc).date()
    midnight = datetime.combine(today + timedelta(days=1), datetime.min.time(), timezone.utc)
    return midnight.timestamp()


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    # requests' headers are case-insensitive; a plain dict from a test may not be.
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


@dataclass
class RequestBudget:
    """How many requests may still be made, per minute and per UTC day.

    `per_minute` / `per_day` are the plan's limits (None = no such limit). The headers can
    only lower what is left, never raise it above the plan: a header may lag behind calls
    still in flight, and the plan is what the provider enforces.
    """

    per_minute: int | None = None
    per_day: int | None = None
    _minute_calls: deque = field(default_factory=deque)
    _day: str = ""
    _day_used: int = 0
    _day_remaining_reported: int | None = None
    _minute_remaining_reported: int | None = None
    _minute_reported_until: float = 0.0
    _blocked_until: float = 0.0

    def _roll(self, now: float) -> None:
        while self._minute_calls and self._minute_calls[0] <= now - MINUTE:
            self._minute_calls.popleft()
        day = datetime.fromtimestamp(now, timezone.utc).date().isoformat()
        if day != self._day:
            self._day, self._day_used, self._day_remaining_reported = day, 0, None
        if now >= self._minute_reported_until:
            self._minute_remaining_reported = None

    def remaining_today(self, now: float) -> int | None:
        """Requests left until 00:00 UTC, or None when the day is unlimited."""
        self._roll(now)
        left = [self.per_day - self._day_used] if self.per_day is not None else []
        if self._day_remaining_reported is not None:
            left.append(self._day_remaining_reported)
        return max(0, min(left)) if left else None

    def wait_time(self, now: float) -> float:
        """Seconds to wait before the next request may be made; inf when the day's budget is spent."""
        self._roll(now)
        if self.remaining_today(now) == 0:
            return float("inf")
        waits = [max(0.0, self._blocked_until - now)]
        if self.per_minute is not None and len(self._minute_calls) >= self.per_minute:
            waits.append(self._minute_calls[-self.per_minute] + MINUTE - now)
        if self._minute_remaining_reported is not None and self._minute_remaining_reported <= 0:
            waits.append(self._minute_reported_until - now)
        return max(0.0, *waits)

    def day_resets_at(self, now: float) -> float:
        return _next_utc_midnight(now)

    def record_request(self, now: float) -> None:
        """Count one request as made at `now` (before it is sent: a timed-out call still counts)."""
        self._roll(now)
        self._minute_calls.append(now)
        self._day_used += 1
        if self._day_remaining_reported is not None:
            self._day_remaining_reported -= 1
        if self._minute_remaining_reported is not None:
            self._minute_remaining_reported -= 1

    def block_for(self, seconds: float, now: float) -> None:
        """No request before now + seconds (a 429's Retry-After)."""
        self._blocked_until = max(self._blocked_until, now + max(0.0, seconds))

    def observe_headers(self, headers: Mapping[str, str], now: float) -> None:
        """Take in the rate-limit headers of a response (football-data.org and API-Football)."""
        self._roll(now)
        # football-data.org: calls left in the current minute and seconds until that counter resets.
        minute_left = _int_header(headers, "X-Requests-Available-Minute")
        reset = _int_header(headers, "X-RequestCounter-Reset")
        if minute_left is None:
            # API-Football: the per-minute counter (rolling; no reset header, so assume a minute).
            minute_left = _int_header(headers, "X-RateLimit-Remaining")
            reset = None if minute_left is None else int(MINUTE)
        if minute_left is not None:
            self._minute_remaining_reported = minute_left
            self._minute_reported_until = now + (reset if reset is not None else MINUTE)
        day_left = _int_header(headers, "x-ratelimit-requests-remaining")
        if day_left is not None:
            self._day_remaining_reported = day_left
