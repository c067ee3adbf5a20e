"""Errors of provider polling, under the package root IngestError."""

from __future__ import annotations

from ingest.errors import IngestError


class ProviderError(IngestError):
    """A provider request failed for good (after retries), with provider, URL and HTTP status."""

    def __init__(self, message: str, *, provider: str, url: str = "", status: int | None = None) -> None:
        where = " ".join(part for part in (provider, url, f"HTTP {status}" if status else "") if part)
        super().__init__(f"{where}: {message}")
        self.provider = provider
        self.url = url
        self.status = status


class ProviderPayloadError(ProviderError):
    """A response arrived but is unusable: not JSON, or the provider's own error payload.

    Carries the raw body so it can go to the dead-letter topic unchanged.
    """

    def __init__(self, message: str, *, provider: str, url: str = "", status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message, provider=provider, url=url, status=status)
        self.body = body


class BudgetExhausted(ProviderError):
    """The request budget is spent until `retry_at` (epoch seconds): polling must wait, not call."""

    def __init__(self, message: str, *, provider: str, retry_at: float) -> None:
        super().__init__(message, provider=provider)
        self.retry_at = retry_at
