"""With SCHEMA_REGISTRY_URL set, the producer registers each topic's contract as `<topic>-value` in a
real Confluent-compatible registry (the stack's Apicurio Registry) and writes the wire format."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest

from ingest import contracts, schema_registry
from ingest.producer import MatchProducer
from ingest.settings import KafkaSettings

from tests.kafka_reading import read_to_end

pytestmark = pytest.mark.integration

MESSAGES = Path(__file__).resolve().parents[1] / "streaming" / "data" / "statsbomb-7525-messages.jsonl.gz"


def real_messages(topic: str, count: int) -> list[dict]:
    with gzip.open(MESSAGES, "rt") as lines:
        return [m for m in map(json.loads, lines) if m["topic"] == topic][:count]


def test_producer_registers_the_contract_and_writes_the_wire_format(kafka_config, new_topic, schema_registry_url):
    events_topic = new_topic("match-events")
    settings = replace(KafkaSettings.from_env().with_topics(match_events=events_topic, dead_letters=new_topic("dead-letters")),
                       schema_registry_url=schema_registry_url)
    sent = real_messages("match-events", 5)
    producer = MatchProducer(settings)
    for message in sent:
        assert producer.send("match-events", message["key"], message["value"])
    producer.flush()

    registered = schema_registry.SchemaRegistry(schema_registry_url).latest(f"{events_topic}-value")
    assert json.loads(registered["schema"]) == contracts.load_schema("match-events")

    received = read_to_end(kafka_config, events_topic)
    assert len(received) == len(sent)
    for message in received:
        value = message.value()
        assert value[0] == 0
        assert int.from_bytes(value[1:5], "big") == registered["id"]
    by_event = {json.loads(m.value()[5:])["event_id"]: json.loads(m.value()[5:]) for m in received}
    assert by_event == {m["value"]["event_id"]: m["value"] for m in sent}


def test_without_a_registry_messages_stay_plain_json(kafka_config, new_topic):
    events_topic = new_topic("match-events")
    settings = replace(KafkaSettings.from_env().with_topics(match_events=events_topic, dead_letters=new_topic("dead-letters")),
                       schema_registry_url="")
    sent = real_messages("match-events", 2)
    producer = MatchProducer(settings)
    for message in sent:
        producer.send("match-events", message["key"], message["value"])
    producer.flush()
    received = read_to_end(kafka_config, events_topic)
    assert sorted(json.loads(m.value())["event_id"] for m in received) == sorted(m["value"]["event_id"] for m in sent)
