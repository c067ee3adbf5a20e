"""A batch write waits out an unreachable PostgreSQL, then stops with one sentence to act on."""

from __future__ import annotations

import socket

import pytest

from streaming import sinks
from streaming.errors import StreamingError
from streaming.retry import backoff_delays, while_unavailable
from streaming.settings import PostgresSettings

pytestmark = pytest.mark.faults


def test_backoff_doubles_up_to_ten_seconds_within_the_budget():
    assert backoff_delays(120) == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0]
    assert backoff_delays(0) == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_write_to_an_unreachable_postgres_is_retried_then_stops_with_what_to_do():
    nowhere = PostgresSettings(host="127.0.0.1", port=_closed_port(), db="matchday", user="matchday", password="x")
    attempts, pauses = [], []
    with pytest.raises(StreamingError) as failure:
        while_unavailable(lambda: attempts.append(1) or sinks.connect(nowhere), "land-match_events batch 7", 2, lambda: None,
                          sleep=pauses.append)
    assert len(attempts) == 3
    assert pauses == [0.5, 1.0]  # the next pause, 2 s, would overrun the 2 s budget
    message = str(failure.value)
    assert message.startswith("PostgreSQL stayed unreachable for 2 s while writing land-match_events batch 7 (")
    assert message.endswith("or raise STREAMING_POSTGRES_RETRY_SECONDS.")


@pytest.mark.integration
def test_a_write_succeeds_once_postgres_answers(pg_settings):
    settings = PostgresSettings(host=pg_settings["host"], port=int(pg_settings["port"]), db=pg_settings["dbname"],
                                user=pg_settings["user"], password=pg_settings["password"])
    targets = iter([PostgresSettings(host="127.0.0.1", port=_closed_port(), db="x", user="x", password="x"), settings])
    dropped = []

    def write():
        conn = sinks.connect(next(targets))
        with conn, conn.cursor() as cursor:
            cursor.execute("SELECT 42")
            return cursor.fetchone()[0]

    assert while_unavailable(write, "a batch", 5, lambda: dropped.append(1)) == 42
    assert dropped == [1]


def test_a_programming_error_is_not_retried():
    attempts = []

    def broken():
        attempts.append(1)
        raise KeyError("schema_drift")

    with pytest.raises(KeyError):
        while_unavailable(broken, "a batch", 5, lambda: None)
    assert attempts == [1]


def test_a_query_failed_by_our_error_shows_its_sentence_not_the_traceback():
    from streaming.job import failure_reason

    wrapped = (
        "An exception was raised by the Python Proxy. Return Message: Traceback (most recent call last):\n"
        '  File "/x/streaming/retry.py", line 52, in while_unavailable\n'
        "streaming.errors.StreamingError: PostgreSQL stayed unreachable for 0 s while writing land-match_events batch 1 "
        "(connection already closed): bring it back and run the job again (it resumes from its checkpoint), or raise "
        "STREAMING_POSTGRES_RETRY_SECONDS.\n\n\tat py4j.Protocol.getReturnValue(Protocol.java:476)\n"
    )
    assert failure_reason(wrapped) == (
        "PostgreSQL stayed unreachable for 0 s while writing land-match_events batch 1 (connection already closed): "
        "bring it back and run the job again (it resumes from its checkpoint), or raise STREAMING_POSTGRES_RETRY_SECONDS."
    )
    assert failure_reason("org.apache.kafka.common.errors.TimeoutException: Timed out\n\tat x") == (
        "org.apache.kafka.common.errors.TimeoutException: Timed out"
    )
