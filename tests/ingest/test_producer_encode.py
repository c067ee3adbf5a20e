"""The producers' JSON encoding (orjson): the same documents as the standard library's."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from ingest.producer import encode
from ingest.providers.statsbomb import files
from ingest.replay import match_timeline

BUNDLED = Path(__file__).resolve().parents[2] / "ingest" / "data" / "statsbomb"


def _standard(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def test_every_message_of_a_replay_encodes_to_the_same_document():
    [match_file] = files.find_matches([BUNDLED], match_ids={"3943077"})
    messages = list(match_timeline(files.load_match(match_file), datetime(2024, 7, 14, 19, 0, tzinfo=timezone.utc)))
    same_bytes = 0
    for out in messages:
        payload = encode(out.value)
        assert json.loads(payload) == out.value
        same_bytes += payload == _standard(out.value)
    assert same_bytes == len(messages)  # compact, UTF-8 names (Martínez), the same float digits


def test_what_orjson_cannot_write_the_standard_library_does():
    for value in ({"sequence": 10**30}, {1: "a key that is a number"}):
        assert encode(value) == _standard(value)
