"""Checks the Kafka brokers before Spark starts: a refusal (wrong SASL credentials, an untrusted
certificate) or no answer stops the job at once with one sentence, instead of a JVM stack trace."""

from __future__ import annotations

import logging
import time

from .errors import StreamingError
from .settings import KafkaSettings

# librdkafka logs every failed attempt; the check reports once instead.
_quiet_log = logging.getLogger("streaming.kafka.check")
_quiet_log.addHandler(logging.NullHandler())
_quiet_log.propagate = False


def refusal(bootstrap_servers: str, errors: list) -> str | None:
    """The sentence for brokers that answered but refused us, or None."""
    from confluent_kafka import KafkaError

    if any(error.code() == KafkaError._SSL and "certificate verify failed" in error.str() for error in errors):
        return (f"Kafka at {bootstrap_servers} presented a certificate we do not trust: set KAFKA_SSL_CA_LOCATION "
                "to the CA that signed it.")
    if any(error.code() == KafkaError._AUTHENTICATION for error in errors):
        return f"Kafka at {bootstrap_servers} refused our credentials: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
    return None


def refusal_in_java(bootstrap_servers: str, failure: str) -> str | None:
    """The same sentences for a refusal that the Java client met while the job ran."""
    if "SaslAuthenticationException" in failure:
        return f"Kafka at {bootstrap_servers} refused our credentials: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
    if "SSLHandshakeException" in failure and "PKIX path" in failure:
        return (f"Kafka at {bootstrap_servers} presented a certificate we do not trust: set KAFKA_SSL_CA_LOCATION "
                "to the CA that signed it.")
    return None


def check(settings: KafkaSettings, timeout: float = 10.0) -> None:
    from confluent_kafka.admin import AdminClient

    errors: list = []  # KafkaError, from error_cb
    admin = AdminClient({**settings.client_config(), "error_cb": errors.append}, logger=_quiet_log)
    deadline = time.monotonic() + timeout
    # Short attempts: a refusal is reported as soon as it arrives.
    while True:
        try:
            if admin.list_topics(timeout=min(1.0, max(0.1, deadline - time.monotonic()))).brokers:
                return
        except Exception:  # librdkafka's KafkaException: no answer within the attempt
            admin.poll(0)  # serves error_cb
        refused = refusal(settings.bootstrap_servers, errors)
        if refused:
            raise StreamingError(refused)
        if time.monotonic() >= deadline:
            raise StreamingError(
                f"Cannot reach Kafka at {settings.bootstrap_servers}: set KAFKA_BOOTSTRAP_SERVERS (and the KAFKA_SASL_* "
                "settings) to a reachable cluster, or run `make up`."
            )
