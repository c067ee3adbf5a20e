"""Thin HTTP client of API-Football v3, direct (api-sports.io) or through RapidAPI."""

from __future__ import annotations

import json
from typing import Any, Iterable

import requests

from ingest.polling.budget import RequestBudget
from ingest.polling.errors import BudgetExhausted, ProviderPayloadError
from ingest.polling.http import JsonClient
from ingest.providers.api_football import parser, spec


def make_client(session: requests.Session, api_key: str, *, base_url: str | None = None, rapidapi_host: str = "",
                per_day: int | None = spec.FREE_PLAN_PER_DAY, per_minute: int | None = spec.FREE_PLAN_PER_MINUTE,
                **options: Any) -> "ApiFootballClient":
    """A client within the plan's limits; with `rapidapi_host` it authenticates the RapidAPI way."""
    if rapidapi_host:
        headers = {"x-rapidapi-key": api_key, "x-rapidapi-host": rapidapi_host}
        base = base_url or f"https://{rapidapi_host}/v3"
    else:
        headers = {spec.AUTH_HEADER: api_key}
        base = base_url or spec.BASE_URL
    return ApiFootballClient(spec.PROVIDER, session, base, headers, RequestBudget(per_minute=per_minute, per_day=per_day),
                             **options)


class ApiFootballClient(JsonClient):
    """JsonClient that also reads API-Football's errors-with-HTTP-200 envelope."""

    def fixtures(self, **params: Any) -> Any:
        payload = self.get("/fixtures", params)
        error = parser.envelope_errors(payload)
        if error is not None:
            if isinstance(payload, dict) and isinstance(payload.get("errors"), dict) and "requests" in payload["errors"]:
                # "You have reached the request limit for the day": nothing more until 00:00 UTC.
                now = self.clock()
                self.budget.observe_headers({"x-ratelimit-requests-remaining": "0"}, now)
                raise BudgetExhausted(error, provider=self.provider, retry_at=self.budget.day_resets_at(now))
            raise ProviderPayloadError(error, provider=self.provider, url="/fixtures",
                                       body=_json_bytes(payload))
        return payload

    def live(self, leagues: Iterable[str] = ()) -> Any:
        """`fixtures?live=all` (or `live=39-61`): every live fixture with its events, one call."""
        codes = "-".join(leagues)
        return self.fixtures(live=codes or "all")

    def by_ids(self, fixture_ids: list[str]) -> Any:
        """`fixtures?ids=`: up to 20 fixtures with events, lineups, statistics and players, one call."""
        if not 0 < len(fixture_ids) <= spec.IDS_PER_CALL:
            raise ValueError(f"fixtures?ids= takes 1 to {spec.IDS_PER_CALL} ids, not {len(fixture_ids)}")
        return self.fixtures(ids="-".join(fixture_ids))

    def by_date(self, date: str) -> Any:
        """`fixtures?date=YYYY-MM-DD`: the day's fixtures (to find kick-off times), one call."""
        return self.fixtures(date=date)


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()
