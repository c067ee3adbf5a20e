"""Asks the Kafka brokers for metadata before any work, and says in one sentence why they cannot
be used: no answer, or an answer that refuses us (SASL credentials, an untrusted certificate).

The producer, the landing job (`streaming`) and the stack's `status` all ask this way; each
turns the answer into its own error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Mapping

# librdkafka logs every failed attempt; the probe reports once instead.
_quiet_log = logging.getLogger("ingest.kafka_probe")
_quiet_log.addHandler(logging.NullHandler())
_quiet_log.propagate = False


@dataclass(frozen=True)
class Unusable:
    refused: bool  # the brokers answered but refused us; else nothing answered in time
    sentence: str


def unreachable_sentence(bootstrap_servers: str) -> str:
    return (f"Cannot reach Kafka at {bootstrap_servers}: set KAFKA_BOOTSTRAP_SERVERS (and the KAFKA_SASL_* settings) "
            "to a reachable cluster, or run `make up`.")


def refusal(bootstrap_servers: str, errors: list, ca_hint: str = "") -> str | None:
    """The sentence for brokers that answered but refused us (librdkafka's KafkaErrors), or None."""
    from confluent_kafka import KafkaError

    if any(error.code() == KafkaError._SSL and "certificate verify failed" in error.str() for error in errors):
        return (f"Kafka at {bootstrap_servers} presented a certificate we do not trust: set KAFKA_SSL_CA_LOCATION "
                f"to the CA that signed it{ca_hint}.")
    if any(error.code() == KafkaError._AUTHENTICATION for error in errors):
        return f"Kafka at {bootstrap_servers} refused our credentials: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
    return None


def refusal_in_java(bootstrap_servers: str, failure: str) -> str | None:
    """The same sentences for a refusal that the Java client (Spark's Kafka source) met."""
    if "SaslAuthenticationException" in failure:
        return f"Kafka at {bootstrap_servers} refused our credentials: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
    if "SSLHandshakeException" in failure and "PKIX path" in failure:
        return (f"Kafka at {bootstrap_servers} presented a certificate we do not trust: set KAFKA_SSL_CA_LOCATION "
                "to the CA that signed it.")
    return None


def probe(client_config: Mapping[str, str], timeout: float, ca_hint: str = "") -> Unusable | None:
    """None when a broker answers within `timeout` seconds; else why the brokers cannot be used."""
    from confluent_kafka.admin import AdminClient

    bootstrap_servers = client_config["bootstrap.servers"]
    errors: list = []  # KafkaError, from error_cb
    admin = AdminClient({**client_config, "socket.connection.setup.timeout.ms": max(1000, int(timeout * 1000)),
                         "error_cb": errors.append}, logger=_quiet_log)
    deadline = time.monotonic() + timeout
    # Short attempts: a refusal is reported as soon as it arrives, not after the whole timeout.
    while True:
        try:
            if admin.list_topics(timeout=min(1.0, max(0.1, deadline - time.monotonic()))).brokers:
                return None
        except Exception:  # librdkafka's KafkaException: no answer within the attempt
            admin.poll(0)  # serves error_cb
        refused = refusal(bootstrap_servers, errors, ca_hint)
        if refused:
            return Unusable(refused=True, sentence=refused)
        if time.monotonic() >= deadline:
            return Unusable(refused=False, sentence=unreachable_sentence(bootstrap_servers))
