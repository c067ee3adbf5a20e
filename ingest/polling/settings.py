"""Typed settings of the live-provider pollers, read from environment variables (see .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ingest.errors import ConfigError
from ingest.providers.api_football import spec as api_football
from ingest.providers.football_data import spec as football_data

PROVIDERS = (football_data.PROVIDER, api_football.PROVIDER)


def _int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} is {text!r}: set it to a whole number of requests.") from None
    if value <= 0:
        raise ConfigError(f"{name} is {value}: set it to a positive number of requests, or leave it empty for the free plan.")
    return value


@dataclass(frozen=True)
class PollSettings:
    """Keys and plan limits of one provider. Keys are never printed."""

    provider: str
    api_key: str = field(repr=False)
    base_url: str
    rapidapi_host: str = ""
    per_minute: int | None = None
    per_day: int | None = None
    high_priority: frozenset[str] = frozenset()
    state_file: Path | None = None

    @classmethod
    def from_env(cls, provider: str, env: Mapping[str, str] | None = None, base_url: str | None = None) -> "PollSettings":
        env = os.environ if env is None else env
        high = frozenset(part.strip() for part in (env.get("POLL_HIGH_PRIORITY_MATCHES") or "").split(",") if part.strip())
        state = (env.get("POLL_STATE_DIR") or "").strip()
        state_file = Path(state) / f"{provider}.json" if state else None
        if provider == football_data.PROVIDER:
            key = (env.get(football_data.KEY_SETTING) or "").strip()
            if not key:
                raise ConfigError(f"{football_data.KEY_SETTING} is not set: set it to your football-data.org API token "
                                  "(free at https://www.football-data.org/client/register).")
            return cls(provider, key, base_url or football_data.BASE_URL,
                       per_minute=_int(env, "FOOTBALL_DATA_REQUESTS_PER_MINUTE", football_data.FREE_PLAN_PER_MINUTE),
                       high_priority=high, state_file=state_file)
        if provider == api_football.PROVIDER:
            key = (env.get(api_football.KEY_SETTING) or "").strip()
            if not key:
                raise ConfigError(f"{api_football.KEY_SETTING} is not set: set it to your API-Football key "
                                  "(dashboard.api-football.com, or your RapidAPI key with API_FOOTBALL_RAPIDAPI_HOST).")
            return cls(provider, key, base_url or "", rapidapi_host=(env.get("API_FOOTBALL_RAPIDAPI_HOST") or "").strip(),
                       per_minute=_int(env, "API_FOOTBALL_REQUESTS_PER_MINUTE", api_football.FREE_PLAN_PER_MINUTE),
                       per_day=_int(env, "API_FOOTBALL_REQUESTS_PER_DAY", api_football.FREE_PLAN_PER_DAY),
                       high_priority=high, state_file=state_file)
        raise ConfigError(f"--provider {provider!r} is unknown: use one of {', '.join(PROVIDERS)}.")
