"""The Schema Registry wire format and the SCHEMA_REGISTRY_URL setting, without a registry."""

from __future__ import annotations

import json

from ingest import schema_registry
from ingest.settings import KafkaSettings


def test_framed_message_is_zero_byte_schema_id_then_the_json():
    payload = json.dumps({"match_id": "statsbomb:7525"}).encode()
    framed = schema_registry.frame(258, payload)
    assert framed[:5] == b"\x00\x00\x00\x01\x02"
    assert framed[5:] == payload
    assert schema_registry.unframe(framed) == (258, payload)


def test_plain_json_is_read_as_it_is():
    payload = b'{"minute": 0}'
    assert schema_registry.unframe(payload) == (None, payload)
    assert schema_registry.unframe(b"") == (None, b"")


def test_subject_is_the_topic_name_strategy():
    assert schema_registry.subject_of("match-events") == "match-events-value"


def test_schema_registry_url_is_read_with_the_kafka_settings():
    assert KafkaSettings.from_env({}).schema_registry_url == ""
    url = "http://localhost:8081/apis/ccompat/v7"
    assert KafkaSettings.from_env({"SCHEMA_REGISTRY_URL": f" {url} "}).schema_registry_url == url


def test_a_secret_in_the_registry_address_is_not_shown():
    settings = KafkaSettings.from_env({"SCHEMA_REGISTRY_URL": "https://key:s3cret@registry.example.org"})
    assert "s3cret" not in repr(settings)
    assert "https://key:***@registry.example.org" in repr(settings)
