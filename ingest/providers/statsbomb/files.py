"""Finds and reads StatsBomb open-data files: events/<id>.json[.gz] and a matches.json."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.domain import Match
from ingest.errors import SourceDataError
from ingest.providers.statsbomb import parser, spec


@dataclass(frozen=True)
class MatchFile:
    match_id: str
    events_path: Path
    match_object: dict[str, Any] | None


def _read_json(path: Path) -> Any:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        raise SourceDataError(f"cannot read {path}: {error}", provider=spec.PROVIDER) from error


def _match_id_of(path: Path) -> str:
    return path.name.split(".", 1)[0]


def find_matches(paths: list[Path], matches_file: Path | None = None, match_ids: set[str] | None = None) -> list[MatchFile]:
    """The matches under `paths` (open-data folders or event files), in match-id order.

    A folder's own matches.json describes its matches unless `matches_file` is given.
    """
    objects: dict[str, dict[str, Any]] = {}
    if matches_file is not None:
        objects.update({str(item["match_id"]): item for item in _read_json(matches_file)})
    found: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            folder = path / "events" if (path / "events").is_dir() else path
            candidates = sorted(folder.glob("*.json*"))
            if matches_file is None and (path / "matches.json").exists():
                for item in _read_json(path / "matches.json"):
                    objects.setdefault(str(item["match_id"]), item)
            candidates = [c for c in candidates if c.name != "matches.json" and _match_id_of(c).isdigit()]
        elif path.exists():
            candidates = [path]
        else:
            raise SourceDataError(f"no such file or folder: {path}", provider=spec.PROVIDER)
        for candidate in candidates:
            found.setdefault(_match_id_of(candidate), candidate)
    if match_ids is not None:
        missing = sorted(set(match_ids) - set(found))
        if missing:
            raise SourceDataError(f"no event file for match ids {', '.join(missing)} under the given paths",
                                  provider=spec.PROVIDER)
        found = {match_id: path for match_id, path in found.items() if match_id in match_ids}
    return [MatchFile(match_id, found[match_id], objects.get(match_id)) for match_id in sorted(found, key=int)]


def load_match(match_file: MatchFile) -> Match:
    """Read and parse one match."""
    events = _read_json(match_file.events_path)
    return parser.parse_match(events, match_file.match_object, match_file.match_id)


def read_matches_json(path: Path) -> list[dict[str, Any]]:
    """The match objects of a matches.json file."""
    return _read_json(path)
