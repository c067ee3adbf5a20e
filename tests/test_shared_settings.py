"""One Kafka and one PostgreSQL settings class (ingest.settings), read the same way by every
package: the same environment gives the same connection to the producers, the landing job, the
stack, the alerts and the NiFi flow, and no other module reads the connection variables."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from ingest import settings as shared
from nifi import NiFiConfigError
from nifi.settings import FlowSettings
from stack import StackError
from stack import settings as stack_settings
from streaming import brokers
from streaming.alerts.settings import AlertsSettings
from streaming.errors import StreamingError
from streaming.settings import Settings as StreamingSettings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "streaming", "stack", "bench", "dbt_project", "superset", "nifi")
CONNECTION = re.compile(r"""(?:get|environ\.get|environ\[)\(?\s*["'](KAFKA_(?:BOOTSTRAP_SERVERS|SECURITY_PROTOCOL|SASL_MECHANISM|"""
                        r"""SASL_USERNAME|SASL_PASSWORD|SSL_CA_LOCATION)|POSTGRES_(?:HOST|PORT|DB|USER|PASSWORD))["']""")

CLOUD = {
    "KAFKA_BOOTSTRAP_SERVERS": "pkc-xxxxx.europe-west1.gcp.confluent.cloud:9092", "KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
    "KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "KEY", "KAFKA_SASL_PASSWORD": "se\"cr\\et",
    "KAFKA_TOPIC_MATCH_EVENTS": "prod.match-events",
    "POSTGRES_MODE": "external", "POSTGRES_HOST": "db.example.org", "POSTGRES_PORT": "6543", "POSTGRES_DB": "warehouse",
    "POSTGRES_USER": "writer", "POSTGRES_PASSWORD": "pw", "FOOTBALL_DATA_API_KEY": "k",
}


def _client_fields(kafka: shared.KafkaSettings) -> dict[str, object]:
    return {f.name: getattr(kafka, f.name) for f in fields(shared.KafkaSettings)}


def _connection(postgres: shared.PostgresSettings) -> dict[str, object]:
    return {f.name: getattr(postgres, f.name) for f in fields(shared.PostgresSettings)}


def test_every_package_holds_the_one_kafka_and_postgresql_classes_read_alike():
    kafka, postgres = shared.KafkaSettings.from_env(CLOUD), shared.PostgresSettings.from_env(CLOUD)
    assert kafka.security_protocol == "SASL_SSL" and kafka.topics.match_events == "prod.match-events"
    assert (postgres.host, postgres.port, postgres.db, postgres.user) == ("db.example.org", 6543, "warehouse", "writer")
    landing, stack, alerts = StreamingSettings.from_env(CLOUD), stack_settings.Settings.from_env(CLOUD), AlertsSettings.from_env(CLOUD)
    flow = FlowSettings.from_env(CLOUD)
    for held in (landing.kafka, stack.kafka, alerts.kafka, flow.kafka):
        assert isinstance(held, shared.KafkaSettings)
        assert _client_fields(held) == _client_fields(kafka)
    for held in (landing.postgres, stack.postgres, alerts.postgres):
        assert isinstance(held, shared.PostgresSettings)
        assert _connection(held) == _connection(postgres)
    assert stack.postgres.connect_kwargs() == landing.postgres.connect_kwargs()
    assert list(stack.kafka.topics) == list(kafka.topics)


def test_a_bad_connection_setting_is_the_same_sentence_in_every_package():
    bad = {**CLOUD, "POSTGRES_PORT": "five"}
    sentence = "POSTGRES_PORT must be a port number, not 'five': set it in .env."
    for read, error in ((StreamingSettings.from_env, StreamingError), (stack_settings.Settings.from_env, StackError)):
        with pytest.raises(error) as raised:
            read(bad)
        assert str(raised.value) == sentence
    no_user = {**CLOUD, "KAFKA_SASL_USERNAME": ""}
    for read, error in ((StreamingSettings.from_env, StreamingError), (stack_settings.Settings.from_env, StackError),
                        (FlowSettings.from_env, NiFiConfigError)):
        with pytest.raises(error, match="set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"):
            read(no_user)


def test_no_other_module_reads_the_connection_variables():
    readers = sorted(f"{path.relative_to(ROOT)}: {match.group(1)}"
                     for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                     if path != ROOT / "ingest" / "settings.py"
                     for match in CONNECTION.finditer(path.read_text()))
    assert readers == []


def test_spark_reads_the_brokers_with_the_java_clients_jaas_line():
    # The JAAS line's form is Kafka's (security docs: sasl.jaas.config); quotes and backslashes escaped.
    options = brokers.spark_options(shared.KafkaSettings.from_env({**CLOUD, "KAFKA_SSL_CA_LOCATION": "/certs/ca.pem"}))
    assert options == {
        "kafka.bootstrap.servers": "pkc-xxxxx.europe-west1.gcp.confluent.cloud:9092",
        "kafka.security.protocol": "SASL_SSL",
        "kafka.sasl.mechanism": "PLAIN",
        "kafka.sasl.jaas.config": 'org.apache.kafka.common.security.plain.PlainLoginModule required '
                                  'username="KEY" password="se\\"cr\\\\et";',
        "kafka.ssl.truststore.type": "PEM",
        "kafka.ssl.truststore.location": "/certs/ca.pem",
    }
    scram = brokers.spark_options(shared.KafkaSettings.from_env({**CLOUD, "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512"}))
    assert scram["kafka.sasl.jaas.config"].startswith("org.apache.kafka.common.security.scram.ScramLoginModule required ")
    local = brokers.spark_options(shared.KafkaSettings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"}))
    assert local == {"kafka.bootstrap.servers": "localhost:9092", "kafka.security.protocol": "PLAINTEXT"}
