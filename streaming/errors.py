"""The streaming package's exceptions: one root, `StreamingError`, whose message says what to do."""


class StreamingError(Exception):
    """The landing job cannot run as configured; the message is one sentence saying what to set."""


class PostgresUnavailableError(StreamingError):
    """PostgreSQL cannot be reached (down, restarting, wrong address); a batch write may retry."""


class ContractSchemaError(StreamingError):
    """A topic contract (JSON Schema file) is missing or uses a construct the converter cannot map.

    (A message that breaks its contract is `ingest.errors.ContractError`: a fact about data, not about the file.)
    """


class AlertError(StreamingError):
    """`python -m streaming alerts` cannot deliver as configured (webhook, broker, its tables)."""


class WebhookError(AlertError):
    """The webhook refused an alert or stayed unreachable after the retries; carries the HTTP status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
