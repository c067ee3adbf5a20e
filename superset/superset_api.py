"""A small client of Superset's REST API (login, CSRF, JSON calls), shared by the asset scripts and the tests."""

from __future__ import annotations

import json
from typing import Any

import requests

TIMEOUT = 60


class SupersetApiError(Exception):
    """Superset answered a call with an error; the message names the call and Superset's answer."""


class SupersetApi:
    def __init__(self, url: str, username: str, password: str, session: requests.Session | None = None):
        self.url = url.rstrip("/")
        # The session keeps the cookie Superset ties its CSRF token to.
        self.session = session or requests.Session()
        token = self._call("POST", "/api/v1/security/login",
                           json={"username": username, "password": password, "provider": "db", "refresh": False})
        self.session.headers["Authorization"] = f"Bearer {token['access_token']}"
        csrf = self._call("GET", "/api/v1/security/csrf_token/")["result"]
        self.session.headers["X-CSRFToken"] = csrf
        self.session.headers["Referer"] = self.url

    def _call(self, method: str, path: str, **kwargs) -> Any:
        response = self.session.request(method, self.url + path, timeout=TIMEOUT, **kwargs)
        if response.status_code >= 400:
            raise SupersetApiError(f"{method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.json() if "json" in response.headers.get("Content-Type", "") else response.content

    def get(self, path: str, **kwargs) -> Any:
        return self._call("GET", path, **kwargs)

    def post(self, path: str, body: dict) -> Any:
        return self._call("POST", path, json=body)

    def put(self, path: str, body: dict) -> Any:
        return self._call("PUT", path, json=body)

    def delete(self, path: str) -> Any:
        return self._call("DELETE", path)

    def list(self, resource: str, **filters: Any) -> list[dict]:
        """Every object of `resource` (dashboard, chart, dataset, database), equal-filtered."""
        rows: list[dict] = []
        page = 0
        while True:
            query = {"page": page, "page_size": 100,
                     "filters": [{"col": col, "opr": "eq", "value": value} for col, value in filters.items()]}
            answer = self.get(f"/api/v1/{resource}/", params={"q": _rison(query)})
            rows += answer["result"]
            if len(rows) >= answer["count"] or not answer["result"]:
                return rows
            page += 1


def _rison(value: Any) -> str:
    """Encode the subset of Rison that list queries need (dicts, lists, strings, numbers)."""
    if isinstance(value, dict):
        return "(" + ",".join(f"{key}:{_rison(item)}" for key, item in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return "!(" + ",".join(_rison(item) for item in value) + ")"
    if isinstance(value, bool):
        return "!t" if value else "!f"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value).replace("!", "!!").replace("'", "!'")
    return f"'{text}'"
