"""Start-up repair of checkpoints, on folders laid out the way Spark leaves them after a SIGKILL
(file names and contents as Spark 4.2 writes them: `offsets/<n>` = `v1`, the batch's metadata and
one JSON line per source; `commits/<n>` = `v1` and one JSON line; a file is first written as
`.<name>.<uuid>.tmp` with a `..<name>.<uuid>.tmp.crc` beside it, then renamed). No service needed."""

from __future__ import annotations

import pytest

from streaming import checkpoints
from streaming.errors import StreamingError

OFFSETS_0 = b'v1\n{"batchWatermarkMs":0,"batchTimestampMs":1718377200000,"conf":{}}\n{"match-events":{"0":0,"1":0,"2":0}}'
OFFSETS_1 = b'v1\n{"batchWatermarkMs":0,"batchTimestampMs":1718377202000,"conf":{}}\n{"match-events":{"0":400,"1":380,"2":410}}'
COMMIT = b'v1\n{"nextBatchWatermarkMs":0}'
SOURCE_START = b'\x00v1\n{"match-events":{"0":0,"1":0,"2":0}}'
METADATA = b'{"id":"0d6b5a8e-2f3c-4b55-9a43-1e8f2b7c9d10"}'


def lay_out(tmp_path, files: dict[str, bytes]):
    for relative, content in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return checkpoints.LocalFiles(str(tmp_path))


def remaining(tmp_path) -> set[str]:
    return {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}


def test_an_unfinished_first_offsets_file_is_removed_and_said_why(tmp_path, caplog):
    # The state of the flaky CI run: the kill came while Spark wrote the first offsets file.
    files = lay_out(tmp_path, {"metadata": METADATA, "offsets/.0.tmp": b"", "sources/0/0": SOURCE_START})
    with caplog.at_level("WARNING"):
        repair = checkpoints.repair("land-dead_letters", files, landed=set())
    assert remaining(tmp_path) == {"metadata", "sources/0/0"}
    assert "offsets/.0.tmp" in repair.removed
    lines = [r.getMessage() for r in caplog.records if "land-dead_letters" in r.getMessage()]
    assert len(lines) == 1 and "offsets/.0.tmp" in lines[0] and "temporary" in lines[0]


def test_an_empty_offsets_folder_and_a_state_folder_without_offsets_are_removed(tmp_path):
    (tmp_path / "offsets").mkdir()
    lay_out(tmp_path, {"metadata": METADATA, "state/0/0/1.delta": b"\x00\x01", "state/0/_metadata/metadata": b"v1\n{}"})
    repair = checkpoints.repair("land-match_events", checkpoints.LocalFiles(str(tmp_path)), landed=set())
    assert remaining(tmp_path) == {"metadata"}
    assert not (tmp_path / "state").exists()
    assert repair.removed == ["state"] and "no batch was planned" in repair.describe()


def test_a_cut_short_first_offsets_file_is_removed_with_its_folders(tmp_path):
    files = lay_out(tmp_path, {"metadata": METADATA, "offsets/0": b"v1\n{\"batchWatermarkMs\":0,", "offsets/.0.crc": b"crc"})
    checkpoints.repair("land-match_events", files, landed=set())
    assert remaining(tmp_path) == {"metadata"}


def test_a_cut_short_commit_is_removed_so_the_batch_runs_again(tmp_path):
    files = lay_out(tmp_path, {
        "metadata": METADATA, "sources/0/0": SOURCE_START,
        "offsets/0": OFFSETS_0, "offsets/1": OFFSETS_1, "commits/0": COMMIT, "commits/1": b"v1\n",
        "commits/.1.crc": b"crc",
    })
    repair = checkpoints.repair("land-match_events", files, landed={0, 1})
    assert remaining(tmp_path) == {"metadata", "sources/0/0", "offsets/0", "offsets/1", "commits/0"}
    assert "batch 1" in repair.describe()


def test_a_cut_short_newest_offsets_file_is_removed_when_that_batch_never_ran(tmp_path):
    files = lay_out(tmp_path, {"metadata": METADATA, "offsets/0": OFFSETS_0, "commits/0": COMMIT, "offsets/1": b""})
    checkpoints.repair("land-match_events", files, landed={0})
    assert remaining(tmp_path) == {"metadata", "offsets/0", "commits/0"}


def test_committed_progress_is_never_touched(tmp_path):
    # Planned and landed but not committed (the kill between PostgreSQL's commit and Spark's):
    # Spark's own restart runs batch 1 again and the sinks skip it.
    layout = {"metadata": METADATA, "sources/0/0": SOURCE_START, "offsets/0": OFFSETS_0, "offsets/1": OFFSETS_1,
              "commits/0": COMMIT, "state/0/0/1.delta": b"\x00", "state/0/0/2.delta": b"\x00"}
    files = lay_out(tmp_path, layout)
    repair = checkpoints.repair("land-match_events", files, landed={0, 1})
    assert not repair and remaining(tmp_path) == set(layout)


def test_temporary_files_go_everywhere_even_with_progress(tmp_path):
    files = lay_out(tmp_path, {
        "metadata": METADATA, "offsets/0": OFFSETS_0, "commits/0": COMMIT,
        "offsets/.1.3f2a9c1e-7d4b-4c1a-9e2f-0a1b2c3d4e5f.tmp": b"v1\n{",
        "offsets/..1.3f2a9c1e-7d4b-4c1a-9e2f-0a1b2c3d4e5f.tmp.crc": b"crc",
        "state/0/0/.2.delta.5e6f.tmp": b"",
    })
    checkpoints.repair("land-match_events", files, landed={0})
    assert remaining(tmp_path) == {"metadata", "offsets/0", "commits/0"}


def test_a_checkpoint_that_lost_its_offsets_while_postgres_holds_its_batches_is_refused(tmp_path):
    files = lay_out(tmp_path, {"metadata": METADATA, "offsets/.0.tmp": b""})
    with pytest.raises(StreamingError, match="STREAMING_CHECKPOINT_DIR") as refused:
        checkpoints.repair("land-match_events", files, landed={0, 1, 2})
    assert "3 landed batches" in str(refused.value)
    assert remaining(tmp_path) == {"metadata", "offsets/.0.tmp"}, "nothing is deleted when the repair is refused"


def test_a_damaged_offsets_file_of_a_landed_batch_is_refused(tmp_path):
    files = lay_out(tmp_path, {"offsets/0": OFFSETS_0, "commits/0": COMMIT, "offsets/1": b"v1\n"})
    with pytest.raises(StreamingError, match="batch 1"):
        checkpoints.repair("land-match_events", files, landed={0, 1})


def test_a_fresh_or_healthy_checkpoint_is_left_alone(tmp_path):
    assert not checkpoints.repair("land-live_matches", checkpoints.LocalFiles(str(tmp_path / "absent")), landed=set())
    files = lay_out(tmp_path, {"metadata": METADATA, "sources/0/0": SOURCE_START, "offsets/0": OFFSETS_0, "commits/0": COMMIT})
    assert not checkpoints.repair("land-live_matches", files, landed={0})


def test_spark_log_entries_are_told_whole_or_cut_short():
    assert checkpoints.log_entry_is_whole(OFFSETS_0, "offsets")
    assert checkpoints.log_entry_is_whole(COMMIT, "commits")
    assert checkpoints.log_entry_is_whole(b'v1\n{"batchWatermarkMs":0}\n-', "offsets")  # a source with no offset yet
    for cut in (b"", b"v1", b"v1\n", OFFSETS_0[:40], OFFSETS_0[:-3]):
        assert not checkpoints.log_entry_is_whole(cut, "offsets"), cut
    assert not checkpoints.log_entry_is_whole(COMMIT[:-1], "commits")
