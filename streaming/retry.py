"""Retry of a batch's PostgreSQL write while PostgreSQL is unreachable (a restart, a failover).

The write is idempotent (a batch lands in one transaction with its id, and a landed id is
skipped), so trying it again after a lost connection can neither lose nor double a row.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

import psycopg2

from .errors import PostgresUnavailableError, StreamingError

log = logging.getLogger(__name__)

T = TypeVar("T")

# What a lost or refused connection raises; anything else (a constraint, a bad column) is a bug
# or a schema problem that waiting does not fix.
UNAVAILABLE = (psycopg2.OperationalError, psycopg2.InterfaceError, PostgresUnavailableError)


def backoff_delays(budget_seconds: float, first: float = 0.5, factor: float = 2.0, cap: float = 10.0) -> list[float]:
    """Pauses between attempts: doubling from `first`, at most `cap`, summing to at most the budget."""
    delays, total, delay = [], 0.0, first
    while total + delay <= budget_seconds:
        delays.append(delay)
        total += delay
        delay = min(delay * factor, cap)
    return delays


def while_unavailable(write: Callable[[], T], what: str, budget_seconds: float, on_failure: Callable[[], None],
                      sleep: Callable[[float], None] = time.sleep) -> T:
    """`write()`, tried again after each pause of `backoff_delays` while PostgreSQL is unreachable;
    `on_failure` (e.g. drop the broken connection) runs after each failed attempt. When the budget
    is spent, StreamingError: the job stops, and a restart resumes from the checkpoint."""
    delays = iter(backoff_delays(budget_seconds))
    while True:
        try:
            return write()
        except UNAVAILABLE as error:
            on_failure()
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            delay = next(delays, None)
            if delay is None:
                raise StreamingError(
                    f"PostgreSQL stayed unreachable for {budget_seconds:.0f} s while writing {what} ({reason}): "
                    "bring it back and run the job again (it resumes from its checkpoint), or raise STREAMING_POSTGRES_RETRY_SECONDS."
                ) from None
            log.warning("%s: PostgreSQL unreachable (%s); retrying in %.1f s", what, reason, delay)
            sleep(delay)
