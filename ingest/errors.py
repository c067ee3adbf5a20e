"""The exceptions of the ingest package: everything it raises on purpose is an IngestError."""

from __future__ import annotations


class IngestError(Exception):
    """Root of every error the ingest package raises on purpose."""


class ConfigError(IngestError):
    """A setting is missing or wrong; the message says what to set."""


class BrokerUnreachableError(ConfigError):
    """No Kafka broker answered at the configured bootstrap servers."""


class BrokerRefusedError(ConfigError):
    """The brokers answered but refused our SASL credentials, or we do not trust their certificate."""


class PostgresUnreachableError(ConfigError):
    """PostgreSQL did not accept a connection with the POSTGRES_* settings."""


class ContractError(IngestError):
    """A message does not satisfy its topic's JSON Schema contract."""

    def __init__(self, topic: str, reason: str) -> None:
        super().__init__(f"{topic}: {reason}")
        self.topic = topic
        self.reason = reason


class SourceDataError(IngestError):
    """Provider data cannot be read or parsed (carries provider and match id)."""

    def __init__(self, message: str, *, provider: str = "", match_id: str = "") -> None:
        context = ":".join(part for part in (provider, match_id) if part)
        super().__init__(f"{context}: {message}" if context else message)
        self.provider = provider
        self.match_id = match_id


class DeliveryError(IngestError):
    """Kafka did not confirm the delivery of some messages."""


class SchemaRegistryError(IngestError):
    """The schema registry (SCHEMA_REGISTRY_URL) could not be reached or refused a contract."""
