"""Checks the Kafka brokers before Spark starts: a refusal (wrong SASL credentials, an untrusted
certificate) or no answer stops the job at once with one sentence, instead of a JVM stack trace."""

from __future__ import annotations

from ingest.kafka_probe import probe, refusal_in_java

from .errors import StreamingError
from .settings import KafkaSettings

__all__ = ["check", "refusal_in_java"]


def check(settings: KafkaSettings, timeout: float = 10.0) -> None:
    unusable = probe(settings.client_config(), timeout)
    if unusable is not None:
        raise StreamingError(unusable.sentence)
