"""API-Football as a live source of the poll command: what to fetch each round, and its
registration (PROVIDER) with its key and plan settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ingest.domain import MatchSnapshot, Rejected
from ingest.polling import schedule
from ingest.polling.registry import LiveProvider
from ingest.polling.settings import plan_int
from ingest.providers.api_football import client as client_api
from ingest.providers.api_football import parser, spec
from ingest.providers.api_football.client import ApiFootballClient
from ingest.providers.api_football.spec import IDS_PER_CALL

@dataclass
class ApiFootballSource:
    """`fixtures?ids=` for followed fixtures (events, line-ups, stats in one call), else `fixtures?live=all`."""

    client: ApiFootballClient
    fixture_ids: tuple[str, ...] = ()
    leagues: tuple[str, ...] = ()
    provider: str = spec.PROVIDER

    def fetch(self, known: dict[str, MatchSnapshot]) -> tuple[list[MatchSnapshot], list[Rejected]]:
        snapshots: list[MatchSnapshot] = []
        rejected: list[Rejected] = []
        if not self.fixture_ids:
            return parser.parse_fixtures(self.client.live(self.leagues))
        for start in range(0, len(self.fixture_ids), IDS_PER_CALL):
            batch = list(self.fixture_ids[start:start + IDS_PER_CALL])
            # Only fixtures still worth a call (not far-future, not long finished).
            if known and not any(schedule.worth_a_call(known.get(f"{self.provider}:{i}"), self.client.clock()) for i in batch):
                continue
            found, bad = parser.parse_fixtures(self.client.by_ids(batch))
            snapshots += found
            rejected += bad
        return snapshots, rejected


def _plan(env: Mapping[str, str]) -> dict[str, Any]:
    return {"rapidapi_host": (env.get("API_FOOTBALL_RAPIDAPI_HOST") or "").strip(),
            "per_minute": plan_int(env, "API_FOOTBALL_REQUESTS_PER_MINUTE", spec.FREE_PLAN_PER_MINUTE),
            "per_day": plan_int(env, "API_FOOTBALL_REQUESTS_PER_DAY", spec.FREE_PLAN_PER_DAY)}


def _source(session, settings, competitions: tuple[str, ...], fixtures: tuple[str, ...]) -> ApiFootballSource:
    client = client_api.make_client(session, settings.api_key, base_url=settings.base_url or None,
                                    rapidapi_host=settings.rapidapi_host, per_day=settings.per_day,
                                    per_minute=settings.per_minute)
    return ApiFootballSource(client, fixtures, competitions)


# Found by ingest.polling.registry: name, key setting, where to get a key, plan, Source.
PROVIDER = LiveProvider(
    spec.PROVIDER, spec.KEY_SETTING,
    "your API-Football key (dashboard.api-football.com, or your RapidAPI key with API_FOOTBALL_RAPIDAPI_HOST)",
    _plan, _source)
