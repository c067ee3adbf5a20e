"""Checks the Kafka brokers before Spark starts: a refusal (wrong SASL credentials, an untrusted
certificate) or no answer stops the job at once with one sentence, instead of a JVM stack trace."""

from __future__ import annotations

from ingest.kafka_probe import probe, refusal_in_java

from .errors import StreamingError
from .settings import KafkaSettings

__all__ = ["check", "refusal_in_java", "spark_options"]


def check(settings: KafkaSettings, timeout: float = 10.0) -> None:
    unusable = probe(settings.client_config(), timeout)
    if unusable is not None:
        raise StreamingError(unusable.sentence)


def spark_options(settings: KafkaSettings) -> dict[str, str]:
    """The `kafka.*` options of Spark's Kafka source for these brokers (the Java client's names)."""
    options = {
        "kafka.bootstrap.servers": settings.bootstrap_servers,
        "kafka.security.protocol": settings.security_protocol,
    }
    if settings.security_protocol.startswith("SASL"):
        module = (
            "org.apache.kafka.common.security.scram.ScramLoginModule"
            if settings.sasl_mechanism.upper().startswith("SCRAM")
            else "org.apache.kafka.common.security.plain.PlainLoginModule"
        )
        options["kafka.sasl.mechanism"] = settings.sasl_mechanism
        options["kafka.sasl.jaas.config"] = (
            f'{module} required username="{_jaas_quoted(settings.sasl_username)}" '
            f'password="{_jaas_quoted(settings.sasl_password)}";'
        )
    if settings.ssl_ca_location:
        # The Java client reads a PEM bundle directly when told its type.
        options["kafka.ssl.truststore.type"] = "PEM"
        options["kafka.ssl.truststore.location"] = settings.ssl_ca_location
    return options


def _jaas_quoted(value: str) -> str:
    """A value inside a JAAS option's double quotes."""
    return value.replace("\\", "\\\\").replace('"', '\\"')
