"""The bundled World Cup 2018 matches the alerts tests replay, and the alerts they must give
(written by hand from the real matches): Portugal 3-3 Spain (7576), Uruguay 3-0 Russia (7558)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
KICKOFF = datetime(2018, 6, 15, 18, 0, tzinfo=timezone.utc)

# World Cup 2018, 15 June: Ronaldo 4' (pen), 44', 88'; Diego Costa 24', 55'; Nacho 58'.
PORTUGAL_SPAIN = [
    "⚽ PENALTY GOAL 4' Cristiano Ronaldo dos Santos Aveiro — Portugal 1-0 Spain",
    "⚽ GOAL 24' Diego da Silva Costa — Portugal 1-1 Spain",
    "⚽ GOAL 44' Cristiano Ronaldo dos Santos Aveiro — Portugal 2-1 Spain",
    "⚽ GOAL 55' Diego da Silva Costa — Portugal 2-2 Spain",
    "⚽ GOAL 58' José Ignacio Fernández Iglesias — Portugal 2-3 Spain",
    "⚽ GOAL 88' Cristiano Ronaldo dos Santos Aveiro — Portugal 3-3 Spain",
    "🏁 FULL TIME Portugal 3-3 Spain",
]
# World Cup 2018, 25 June: Suárez 10', Cheryshev own goal 23', Smolnikov sent off 36', Cavani 90'.
URUGUAY_RUSSIA = [
    "⚽ GOAL 10' Luis Alberto Suárez Díaz — Uruguay 1-0 Russia",
    "⚽ OWN GOAL 23' Denis Cheryshev (Russia) — Uruguay 2-0 Russia",
    "🟥 SECOND YELLOW 36' Igor Smolnikov (Russia) — Uruguay 2-0 Russia",
    "⚽ GOAL 90' Edinson Roberto Cavani Gómez — Uruguay 3-0 Russia",
    "🏁 FULL TIME Uruguay 3-0 Russia",
]


def replayed(match_id: str) -> list[tuple[str, dict]]:
    """(contract, message) of every message the replay sends for a bundled match, in order."""
    from ingest.providers.statsbomb import files
    from ingest.replay import match_timeline

    [path] = files.find_matches([BUNDLED], match_ids={match_id})
    return [(out.contract, out.value) for out in match_timeline(files.load_match(path), KICKOFF)]
