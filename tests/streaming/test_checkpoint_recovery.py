"""The landing job restarts by itself from every state a SIGKILL can leave in its checkpoints, and
lands every event of a real match exactly once (compared with the StatsBomb file's event ids).

Each state is written into every query's checkpoint the way Spark leaves it when killed at that
point (see test_checkpoint_repair.py for the layouts): before this repair, each of them made
`python -m streaming run` fail with STATE_STORE_CHECKPOINT_LOCATION_NOT_EMPTY or a malformed log
on every start."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from pipeline import source_counts

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

MATCH = [7525]  # Russia 5-0 Saudi Arabia (World Cup 2018)
SECOND_MATCH = [7529]  # Russia 3-1 Egypt
QUERIES = ["land-live_matches", "land-match_events", "land-player_live_stats", "land-team_live_stats", "land-dead_letters"]


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _killed_while_writing_the_first_offsets(folder: Path) -> None:
    tmp = f".0.{uuid.uuid4()}.tmp"
    _write(folder / "offsets" / tmp, b"")
    _write(folder / "offsets" / f".{tmp}.crc", b"")


def _first_offsets_cut_short(folder: Path) -> None:
    # A store without atomic rename (an object store) leaves the file itself half-written.
    _write(folder / "offsets" / "0", b'v1\n{"batchWatermarkMs":0,"batchTimestamp')


def _folders_without_offsets(folder: Path) -> None:
    (folder / "offsets").mkdir(parents=True)
    _write(folder / "commits" / f".0.{uuid.uuid4()}.tmp", b"v1\n")
    _write(folder / "state" / "0" / "0" / f".1.delta.{uuid.uuid4()}.tmp", b"\x00")
    _write(folder / "state" / "0" / "_metadata" / "metadata", b"v1\n{}")


FIRST_BATCH_STATES = {
    "an-unfinished-first-offsets-file": _killed_while_writing_the_first_offsets,
    "a-cut-short-first-offsets-file": _first_offsets_cut_short,
    "folders-and-state-without-offsets": _folders_without_offsets,
}


def test_checkpoints_killed_before_their_first_batch_are_repaired_and_land_every_event_once(pipeline):
    pipeline.replay(MATCH)
    root = Path(pipeline.env["STREAMING_CHECKPOINT_DIR"])
    states = list(FIRST_BATCH_STATES.values())
    # Each state in one or two queries' checkpoints, so one start of the job meets all of them.
    for i, query in enumerate(QUERIES):
        _write(root / query / "metadata", json.dumps({"id": str(uuid.uuid4())}).encode())
        states[i % len(states)](root / query)
    pipeline.run_available_now()
    pipeline.assert_exactly_once(source_counts(MATCH))
    log = pipeline.log.read_text()
    repaired = [line for line in log.splitlines() if "repaired: removed" in line]
    assert {line.split("checkpoint ", 1)[1].split(" ", 1)[0] for line in repaired} == set(QUERIES), log[-3000:]
    assert len(repaired) == len(QUERIES), "one line per repaired query"
    assert "STATE_STORE_CHECKPOINT_LOCATION_NOT_EMPTY" not in log
    pipeline.run_available_now()  # the repaired checkpoints are healthy: a second start repairs nothing
    assert pipeline.log.read_text().count("repaired: removed") == len(QUERIES)
    pipeline.assert_exactly_once(source_counts(MATCH))


def test_a_cut_short_commit_after_progress_is_repaired_and_the_batch_runs_again_once(pipeline):
    pipeline.replay(MATCH)
    pipeline.run_available_now()
    root = Path(pipeline.env["STREAMING_CHECKPOINT_DIR"])
    cut = {}
    for query in QUERIES:
        commits = [int(f.name) for f in (root / query / "commits").iterdir() if f.name.isdigit()]
        newest = max(commits)
        (root / query / "commits" / str(newest)).write_bytes(b"v1\n")
        _write(root / query / "offsets" / f".{newest + 1}.{uuid.uuid4()}.tmp", b"v1\n{")
        cut[query] = newest
    pipeline.replay(SECOND_MATCH)
    pipeline.run_available_now()
    pipeline.assert_exactly_once(source_counts(MATCH + SECOND_MATCH))
    log = pipeline.log.read_text()
    for query, newest in cut.items():
        assert any(f"checkpoint {query} repaired" in line and f"batch {newest}" in line for line in log.splitlines()), log[-3000:]
        # The batch ran again and is committed whole now.
        assert (root / query / "commits" / str(newest)).read_bytes().count(b"\n") >= 1
        assert (root / query / "commits" / str(newest)).read_bytes() != b"v1\n"
