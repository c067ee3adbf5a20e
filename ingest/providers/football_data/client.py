"""Thin HTTP client of football-data.org v4: which endpoints, with which auth header and limits."""

from __future__ import annotations

from typing import Any, Iterable

import requests

from ingest.polling.budget import RequestBudget
from ingest.polling.http import JsonClient
from ingest.providers.football_data import spec


def make_client(session: requests.Session, api_key: str, *, base_url: str = spec.BASE_URL,
                per_minute: int = spec.FREE_PLAN_PER_MINUTE, **options: Any) -> JsonClient:
    """A client within the plan's per-minute limit (free plan: 10 a minute)."""
    return JsonClient(spec.PROVIDER, session, base_url, {spec.AUTH_HEADER: api_key},
                      RequestBudget(per_minute=per_minute), **options)


def matches(client: JsonClient, competitions: Iterable[str] = (), **filters: str) -> Any:
    """`/v4/matches`: today's matches (UTC) of all the plan's competitions, or of `competitions`."""
    params = dict(filters)
    codes = ",".join(competitions)
    if codes:
        params["competitions"] = codes
    return client.get("/v4/matches", params)


def match(client: JsonClient, match_id: str) -> Any:
    """`/v4/matches/{id}`: one match in detail (minute, goals, bookings when the plan has them)."""
    return client.get(f"/v4/matches/{match_id}")
