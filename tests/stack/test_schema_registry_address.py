"""`make up` runs a schema registry only when SCHEMA_REGISTRY_URL names this machine."""

from __future__ import annotations

from stack import schema_registry


def test_a_localhost_url_is_ours_to_run_on_its_port():
    assert schema_registry.local_port("http://localhost:8081/apis/ccompat/v7") == 8081
    assert schema_registry.local_port("http://127.0.0.1:18081/apis/ccompat/v7/") == 18081


def test_a_remote_or_empty_url_is_used_as_it_is():
    assert schema_registry.local_port("https://psrc-xxxxx.europe-west1.gcp.confluent.cloud") is None
    assert schema_registry.local_port("") is None
    assert schema_registry.start("") == "not configured (SCHEMA_REGISTRY_URL is empty)"
