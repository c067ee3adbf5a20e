"""Typed settings of the live-provider pollers, read from environment variables (see .env.example);
each provider's own (key, plan limits) are named by its LiveProvider (ingest.polling.registry)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ingest.errors import ConfigError
from ingest.polling.registry import live_provider
from ingest.settings import positive_number


def plan_int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    return positive_number(text, name, int, "requests", hint=", or leave it empty for the free plan")


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
        live = live_provider(provider)
        key = (env.get(live.key_setting) or "").strip()
        if not key:
            raise ConfigError(f"{live.key_setting} is not set: set it to {live.key_hint}.")
        plan = live.plan(env)
        default_url = plan.pop("base_url", "")
        return cls(provider, key, base_url or default_url, high_priority=high, state_file=state_file, **plan)
