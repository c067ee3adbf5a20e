"""The settings file: `.env` when present, else `.env.example` (both documented in .env.example).

The Makefile exports it; commands run without make (`python -m stack`, the benchmarks, the
tests) fill their unset variables from it the same way, so every entry point sees the same
settings. A variable already set in the environment wins.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import MutableMapping

from . import ROOT


def path(root: Path = ROOT) -> Path:
    return root / ".env" if (root / ".env").exists() else root / ".env.example"


def load_defaults(env: MutableMapping[str, str] | None = None, root: Path = ROOT) -> Path | None:
    """Fill unset variables of `env` (default os.environ) from the settings file; returns its path,
    or None where there is none: an installed package outside a checkout reads the environment
    and the settings' own defaults only."""
    env = os.environ if env is None else env
    settings_file = path(root)
    if not settings_file.exists():
        return None
    for line in settings_file.read_text().splitlines():
        name, sep, value = line.strip().partition("=")
        name = name.strip()
        if not sep or not name or name.startswith("#"):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env.setdefault(name, value)
    return settings_file
