"""The producers' schema-drift rule: a new, well-formed event type or extra fields are sent with a
`schema_drift` header; a malformed event type goes to the dead letters."""

from __future__ import annotations

import pytest
from confluent_kafka import Consumer

from ingest import contracts
from ingest.producer import MatchProducer
from ingest.settings import KafkaSettings
from tests.ingest.test_contracts import LAUTARO_GOAL

pytestmark = pytest.mark.faults


def test_drift_names_the_new_event_type_and_the_extra_fields_sorted():
    assert contracts.drift("match-events", LAUTARO_GOAL) is None
    message = dict(LAUTARO_GOAL, event_type="VAR_REVIEW", var_outcome="goal stands", angle=12)
    assert contracts.violation("match-events", message) is None
    assert contracts.drift("match-events", message) == "unknown event_type VAR_REVIEW; extra fields: angle, var_outcome"


@pytest.mark.parametrize("event_type", ["", "var review", "Var_Review", "_VAR", 7])
def test_a_malformed_event_type_is_a_violation_not_drift(event_type):
    reason = contracts.violation("match-events", dict(LAUTARO_GOAL, event_type=event_type))
    assert reason is not None and reason.startswith("event_type: ")


def _read_all(kafka_config, topic: str, expected: int) -> list:
    consumer = Consumer({**kafka_config, "group.id": f"{topic}-reader", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    messages = []
    for _ in range(60):
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            messages.append(message)
        if len(messages) >= expected:
            break
    consumer.close()
    return messages


@pytest.mark.integration
def test_the_producer_sends_drift_with_a_header_and_dead_letters_malformed_types(kafka_config, new_topic):
    events, dead = new_topic("match-events"), new_topic("dead-letters")
    settings = KafkaSettings.from_env().with_topics(match_events=events, dead_letters=dead)
    producer = MatchProducer(settings)
    drifted = dict(LAUTARO_GOAL, event_type="VAR_REVIEW")
    assert producer.send("match-events", LAUTARO_GOAL["match_id"], LAUTARO_GOAL) is True
    assert producer.send("match-events", LAUTARO_GOAL["match_id"], drifted) is True
    assert producer.send("match-events", LAUTARO_GOAL["match_id"], dict(LAUTARO_GOAL, event_type="var review")) is False
    producer.flush()
    assert producer.report.drifted == {events: 1}
    sent = _read_all(kafka_config, events, 2)
    assert [dict(m.headers() or []) for m in sent] == [{}, {"schema_drift": b"unknown event_type VAR_REVIEW"}]
    refused = _read_all(kafka_config, dead, 1)
    assert dict(refused[0].headers())["reason"] == b"event_type: 'var review' does not match '^[A-Z][A-Z0-9_]*$'"
