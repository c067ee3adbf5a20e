"""The HTTP part shared by provider clients: an injected requests.Session, explicit timeouts,
retries with backoff on 5xx and timeouts, 429 with Retry-After, and the request budget.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import requests

from ingest.polling.budget import RequestBudget
from ingest.polling.errors import BudgetExhausted, ProviderError, ProviderPayloadError

# (connect, read) seconds: no call waits forever.
DEFAULT_TIMEOUT = (5.0, 20.0)
# A Retry-After we cannot read (or none) means: wait this long.
DEFAULT_RETRY_AFTER = 60.0


@dataclass
class JsonClient:
    """GETs JSON from one provider within its budget; the session is injected (tests stand a local server in front)."""

    provider: str
    session: requests.Session
    base_url: str
    headers: Mapping[str, str]
    budget: RequestBudget
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    retries: int = 3
    backoff: float = 1.0
    # Longest wait the client sits out by itself (budget, Retry-After); longer ones are raised.
    max_wait: float = 120.0
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = field(default=0, init=False)

    def _wait_for_budget(self) -> None:
        now = self.clock()
        wait = self.budget.wait_time(now)
        if wait == float("inf"):
            raise BudgetExhausted("the day's request budget is spent", provider=self.provider,
                                  retry_at=self.budget.day_resets_at(now))
        if wait > self.max_wait:
            raise BudgetExhausted(f"no request allowed for {wait:.0f} s", provider=self.provider, retry_at=now + wait)
        if wait > 0:
            self.sleep(wait)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON of GET base_url/path; raises ProviderError when it cannot be had."""
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        last_error = ""
        for attempt in range(self.retries + 1):
            self._wait_for_budget()
            self.budget.record_request(self.clock())
            self.requests_made += 1
            try:
                response = self.session.get(url, params=params, headers=dict(self.headers), timeout=self.timeout)
            except (requests.Timeout, requests.ConnectionError) as error:
                last_error = f"{type(error).__name__}"
                self.sleep(self.backoff * 2 ** attempt)
                continue
            now = self.clock()
            self.budget.observe_headers(response.headers, now)
            if response.status_code == 429:
                retry_after = _retry_after(response.headers.get("Retry-After"))
                self.budget.block_for(retry_after, now)
                last_error = f"HTTP 429, Retry-After {retry_after:.0f} s"
                continue
            if response.status_code >= 500:
                last_error = f"HTTP {response.status_code}"
                self.sleep(self.backoff * 2 ** attempt)
                continue
            if response.status_code >= 400:
                raise ProviderPayloadError(_short(response.text), provider=self.provider, url=url,
                                           status=response.status_code, body=response.content)
            try:
                return response.json()
            except (ValueError, json.JSONDecodeError):
                raise ProviderPayloadError("the response is not JSON", provider=self.provider, url=url,
                                           status=response.status_code, body=response.content) from None
        raise ProviderError(f"gave up after {self.retries + 1} attempts ({last_error})", provider=self.provider, url=url)


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        # An HTTP date is allowed too; not worth parsing for a minute-scale limit.
        return DEFAULT_RETRY_AFTER


def _short(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]
