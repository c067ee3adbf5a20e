"""POSTs an alert to a Slack- or Discord-compatible webhook: explicit timeouts, retries with
backoff on connection errors, timeouts and 5xx, and 429 answered by waiting its Retry-After."""

from __future__ import annotations

import json
import logging
import socket
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import requests

from ..errors import AlertError, WebhookError
from .messages import Alert

log = logging.getLogger(__name__)

# (connect, read) seconds: no POST waits forever.
DEFAULT_TIMEOUT = (5.0, 10.0)
# A 429 without a readable Retry-After waits this long.
DEFAULT_RETRY_AFTER = 5.0


def check_url(url: str) -> None:
    """Fail fast on a webhook URL that cannot work: not http(s), no host, or a host that does not resolve."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AlertError(f"ALERTS_WEBHOOK_URL {_safe(url)!r} is not an http(s) URL: set it to your Slack or Discord webhook URL, or empty to only log.")
    try:
        socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        raise AlertError(f"The host {parts.hostname!r} of ALERTS_WEBHOOK_URL does not resolve: set ALERTS_WEBHOOK_URL to a reachable webhook URL.") from None


def _safe(url: str) -> str:
    """The URL without its path: webhook paths are secrets (Slack and Discord put the token there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else url[:8] + "…"


def retry_after(value: str | None) -> float:
    """Seconds a 429's Retry-After asks for (Discord sends fractions); the default when unreadable."""
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


@dataclass
class WebhookSender:
    """Delivers alerts to one URL; the session is injected so a test can stand a local server in front."""

    url: str
    session: requests.Session = field(default_factory=requests.Session)
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    attempts: int = 8
    backoff: float = 1.0
    max_backoff: float = 30.0
    # Longest Retry-After sat out; a receiver asking for more is treated as down.
    max_retry_after: float = 300.0
    sleep: Callable[[float], None] = time.sleep

    def send(self, alert: Alert) -> int:
        """POST the alert until the receiver accepts it (2xx); returns the status. WebhookError when
        it refuses it (4xx other than 429) or stays unavailable for every attempt."""
        body = json.dumps(alert.webhook_body(), ensure_ascii=False).encode()
        # Receivers that deduplicate (many do, by this header) drop a repeat after a crash.
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": alert.key}
        last = ""
        for attempt in range(1, self.attempts + 1):
            wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
            try:
                response = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                last = type(error).__name__
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return status
                if status == 429:
                    wait = retry_after(response.headers.get("Retry-After"))
                    if wait > self.max_retry_after:
                        raise WebhookError(f"The webhook at {_safe(self.url)} asks to wait {wait:.0f} s (HTTP 429): check the webhook's rate limit, or set ALERTS_WEBHOOK_URL to another.", status)
                    last = f"HTTP 429, Retry-After {wait:g} s"
                elif status >= 500:
                    last = f"HTTP {status}"
                else:
                    raise WebhookError(
                        f"The webhook at {_safe(self.url)} refused the alert with HTTP {status} "
                        f"({' '.join(response.text.split())[:120]}): set ALERTS_WEBHOOK_URL to a valid webhook URL.", status)
            if attempt < self.attempts:
                log.warning("webhook attempt %s for %s failed (%s); retrying in %.1f s", attempt, alert.key, last, wait)
                self.sleep(wait)
        raise WebhookError(f"The webhook at {_safe(self.url)} did not accept the alert after {self.attempts} attempts ({last}): check that it is up, or set ALERTS_WEBHOOK_URL.")
