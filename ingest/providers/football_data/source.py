"""football-data.org as a live source of the poll command: what to fetch each round, and its
registration (PROVIDER) with its key and plan settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ingest.domain import MatchSnapshot, Rejected
from ingest.polling.http import JsonClient
from ingest.polling.registry import LiveProvider
from ingest.polling.settings import plan_int
from ingest.providers.football_data import client as client_api
from ingest.providers.football_data import parser, spec
from ingest.vocabulary import UNDER_WAY

@dataclass
class FootballDataSource:
    """Bulk `/v4/matches` first; a match's detail (with its goals, bookings and substitutions when the
    plan has them) only for high-priority live matches the budget still allows."""

    client: JsonClient
    competitions: tuple[str, ...] = ()
    high_priority: frozenset[str] = frozenset()
    provider: str = spec.PROVIDER

    def fetch(self, known: dict[str, MatchSnapshot]) -> tuple[list[MatchSnapshot], list[Rejected]]:
        snapshots, rejected = parser.parse_matches(client_api.matches(self.client, self.competitions))
        by_id = {snapshot.provider_match_id: snapshot for snapshot in snapshots}
        for match_id in sorted(self.high_priority):
            snapshot = by_id.get(match_id)
            if snapshot is None or snapshot.status not in UNDER_WAY:
                continue
            if self.client.budget.wait_time(self.client.clock()) > 0:
                break  # detail is a bonus: never wait or overspend for it
            detail, detail_rejected = parser.parse_matches(client_api.match(self.client, match_id))
            rejected += detail_rejected
            for item in detail:
                by_id[item.provider_match_id] = item
        return list(by_id.values()), rejected


def _plan(env: Mapping[str, str]) -> dict[str, Any]:
    return {"base_url": spec.BASE_URL,
            "per_minute": plan_int(env, "FOOTBALL_DATA_REQUESTS_PER_MINUTE", spec.FREE_PLAN_PER_MINUTE)}


def _source(session, settings, competitions: tuple[str, ...], fixtures: tuple[str, ...]) -> FootballDataSource:
    client = client_api.make_client(session, settings.api_key, base_url=settings.base_url, per_minute=settings.per_minute)
    return FootballDataSource(client, competitions, settings.high_priority)


# Found by ingest.polling.registry: name, key setting, where to get a key, plan, Source.
PROVIDER = LiveProvider(
    spec.PROVIDER, spec.KEY_SETTING,
    "your football-data.org API token (free at https://www.football-data.org/client/register)",
    _plan, _source)
