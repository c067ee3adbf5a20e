"""The live marts: the models tagged `live` in models/marts/marts.yml. The dbt loop rebuilds them
(`--selector live`, selectors.yml), Superset shows them as datasets and the mart tests build them; a new
mart tagged `live` is picked up by all three without another list to edit. The intermediate tables the
live marts read, and the views on them, are tagged `live` too (models/intermediate/intermediate.yml), so
the loop rebuilds them first; they are no datasets."""

from __future__ import annotations

from pathlib import Path

import yaml

MARTS_YML = Path(__file__).resolve().parent / "models" / "marts" / "marts.yml"
INTERMEDIATE_YML = Path(__file__).resolve().parent / "models" / "intermediate" / "intermediate.yml"
LIVE_TAG = "live"


def _live_models(marts_yml: Path) -> list[dict]:
    models = yaml.safe_load(marts_yml.read_text())["models"]
    return [model for model in models if LIVE_TAG in (model.get("config") or {}).get("tags", [])]


def live_marts(marts_yml: Path = MARTS_YML) -> tuple[str, ...]:
    """Names of the marts tagged live, in the order marts.yml lists them."""
    return tuple(model["name"] for model in _live_models(marts_yml))


def live_models(marts_yml: Path = MARTS_YML, intermediate_yml: Path = INTERMEDIATE_YML) -> tuple[str, ...]:
    """Every model the live loop builds: the intermediate models tagged live, then the live marts."""
    return tuple(model["name"] for model in _live_models(intermediate_yml)) + live_marts(marts_yml)


def shown_marts(marts_yml: Path = MARTS_YML) -> tuple[str, ...]:
    """The marts Superset shows, in the order marts.yml lists them: the live marts but those whose
    `meta` says `dashboards: false` (a mart that only feeds others, such as team_ratings for
    win_probability), and the marts whose `meta` says `dashboards: true` (views on the hot tables,
    live without the loop, such as player_heat_map)."""
    shown = []
    for model in yaml.safe_load(marts_yml.read_text())["models"]:
        config = model.get("config") or {}
        live = LIVE_TAG in config.get("tags", [])
        if (config.get("meta") or {}).get("dashboards", live):
            shown.append(model["name"])
    return tuple(shown)
