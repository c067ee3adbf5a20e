"""A small client of NiFi 1.18's REST API: log in as the stack's user, then JSON in and out."""

from __future__ import annotations

import time
from typing import Any, Callable

import requests

from nifi import NiFiApiError, NiFiError

TIMEOUT = 30.0


class NiFiClient:
    def __init__(self, url: str, username: str, password: str, verify: str | bool,
                 session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self.username = username
        self._password = password
        self.session = session or requests.Session()
        # Per request: requests lets REQUESTS_CA_BUNDLE override a session's `verify`.
        self.verify = verify
        self.client_id = "matchday-deploy"

    def login(self) -> "NiFiClient":
        try:
            response = self.session.post(f"{self.url}/nifi-api/access/token", timeout=TIMEOUT, verify=self.verify,
                                         data={"username": self.username, "password": self._password})
        except requests.RequestException as error:
            raise NiFiError(f"NiFi does not answer at {self.url} ({type(error).__name__}): run `make up NIFI=1`.") from None
        if response.status_code in (400, 401, 403, 409):
            raise NiFiError(f"NiFi refused the login of {self.username}: check NIFI_USERNAME and NIFI_PASSWORD "
                            "(or .stack/nifi/admin_password).")
        self._check(response, "POST", "/access/token")
        self.session.headers["Authorization"] = f"Bearer {response.text}"
        return self

    def _check(self, response: requests.Response, method: str, path: str) -> None:
        if response.status_code >= 400:
            raise NiFiApiError(f"NiFi answered {response.status_code} to {method} {path}: {response.text[:500]}")

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("verify", self.verify)
        response = self.session.request(method, f"{self.url}/nifi-api{path}", **kwargs)
        self._check(response, method, path)
        if not response.content:
            return None
        if "json" in response.headers.get("Content-Type", ""):
            return response.json()
        return response.text

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, json=body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, json=body)

    def delete(self, path: str, **params: Any) -> Any:
        return self.request("DELETE", path, params=params or None)

    def root_id(self) -> str:
        return self.get("/flow/process-groups/root")["processGroupFlow"]["id"]

    def wait(self, check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
        """Poll `check()` until it returns something true; NiFiError naming `what` after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise NiFiError(f"NiFi did not {what} within {timeout:.0f} s")
            time.sleep(0.5)
