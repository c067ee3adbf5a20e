"""The live providers `python -m ingest poll` knows: every folder of `ingest/providers/` with a
`source.py` that defines `PROVIDER`, a `LiveProvider`. Adding a provider adds a folder; nothing
here or in the command changes (see ingest/README.md, "Adding a live provider")."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import ingest.providers
from ingest.errors import ConfigError


@dataclass(frozen=True)
class LiveProvider:
    """What the poll command needs of a provider: its name, its key setting, its plan's limits
    and how to build its Source (a `fetch(known) -> (snapshots, rejected)` with a `client`)."""

    name: str
    key_setting: str
    # Where to get a key, for the message when it is missing.
    key_hint: str
    # The plan's settings from the environment: per_minute, per_day, rapidapi_host, base_url.
    plan: Callable[[Mapping[str, str]], dict[str, Any]]
    # (session, PollSettings, competitions, fixtures) -> Source.
    make_source: Callable[..., Any]


def live_providers() -> dict[str, LiveProvider]:
    """Every live provider found under ingest.providers, by name, in folder order."""
    found: dict[str, LiveProvider] = {}
    for folder in sorted(pkgutil.iter_modules(ingest.providers.__path__), key=lambda m: m.name):
        if not folder.ispkg:
            continue
        try:
            module = importlib.import_module(f"ingest.providers.{folder.name}.source")
        except ModuleNotFoundError as error:
            if error.name != f"ingest.providers.{folder.name}.source":
                raise
            continue  # a recorded-data provider (statsbomb): nothing to poll
        provider = module.PROVIDER
        found[provider.name] = provider
    return found


def live_provider(name: str) -> LiveProvider:
    providers = live_providers()
    if name not in providers:
        raise ConfigError(f"--provider {name!r} is unknown: use one of {', '.join(providers)}.")
    return providers[name]
