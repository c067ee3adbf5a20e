"""Start-up repair of the queries' checkpoints: what a crash can leave half-written is removed when,
and only when, it holds no committed progress, so the job restarts by itself.

Spark writes a batch's offsets before the batch runs and its commit after the sinks have it; a
file is written under a hidden temporary name and then renamed (on stores that rename). A
SIGKILL can therefore leave:

- a temporary file (`offsets/.0.<uuid>.tmp`, in `commits/`, `sources/`, `state/`, or the root);
- a cut-short offsets or commit file, where the store has no atomic rename;
- a query with folders but no planned batch (the kill came before its first offsets file):
  Spark 4.1+ refuses to start such a query (STATE_STORE_CHECKPOINT_LOCATION_NOT_EMPTY).

A query that has planned no batch has run none, so nothing it wrote is committed progress: a
replay from its starting offsets lands the same rows again, idempotently (the sinks upsert by
event id). `streaming.landed_batches` is the cross-check: if PostgreSQL holds batches of a
checkpoint that has lost its offsets, nothing is deleted and the job stops with one sentence.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

from .errors import StreamingError

log = logging.getLogger(__name__)

LOG_FOLDERS = ("offsets", "commits")
# Everything a query writes once its first batch is planned (besides the two logs).
PROGRESS_FOLDERS = ("offsets", "commits", "state")
_TEMPORARY = re.compile(r"^\..*\.tmp$")
_CHECKSUM = re.compile(r"^\.(?P<name>.+)\.crc$")


class CheckpointFiles(Protocol):
    """The few file operations the repair needs, relative to one query's checkpoint folder."""

    def walk(self) -> list[str]:
        """Every file below the checkpoint (paths relative to it, '/'-separated)."""

    def read(self, path: str) -> bytes: ...

    def delete(self, path: str) -> None:
        """Delete a file or a folder with everything in it."""


@dataclass
class Repair:
    """What start-up removes from one query's checkpoint, and why."""

    query: str
    removed: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def remove(self, paths: Iterable[str], reason: str) -> None:
        paths = [p for p in paths if p not in self.removed]
        if paths:
            self.removed.extend(paths)
            self.reasons.append(reason)

    def __bool__(self) -> bool:
        return bool(self.removed)

    def describe(self) -> str:
        return f"checkpoint {self.query} repaired: removed {', '.join(self.removed)} ({'; '.join(self.reasons)})"


def _is_temporary(name: str) -> bool:
    return bool(_TEMPORARY.match(name))


def _checksum_of(name: str) -> str | None:
    match = _CHECKSUM.match(name)
    return match.group("name") if match else None


def _batch_files(files: list[str], folder: str) -> dict[int, str]:
    """Batch id -> path of the log files (`offsets/12`) directly in `folder`."""
    batches = {}
    for path in files:
        parent, _, name = path.rpartition("/")
        if parent == folder and name.isdigit():
            batches[int(name)] = path
    return batches


def log_entry_is_whole(content: bytes, folder: str) -> bool:
    """Spark's log files: a version line (`v1`), then JSON lines: an offsets file has the batch's
    metadata and one line per source (`-` for a source with no offset yet), a commit file one."""
    try:
        lines = content.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return False
    lines = [line for line in lines if line.strip()]
    if not lines or not re.fullmatch(r"v\d+", lines[0].strip()):
        return False
    body = lines[1:]
    if len(body) < (2 if folder == "offsets" else 1):
        return False
    for line in body:
        if line.strip() == "-":
            continue
        try:
            json.loads(line)
        except ValueError:
            return False
    return True


def plan(query: str, files: list[str], read: Callable[[str], bytes], landed: set[int]) -> Repair:
    """What to remove from a query's checkpoint (`files`: every file below it, relative paths),
    given the batch ids PostgreSQL holds for it (`landed`). Pure apart from `read`; raises
    StreamingError where a repair could lose committed progress."""
    repair = Repair(query)
    existing = set(files)
    # 1. Unfinished writes: never part of a log, whatever the query has done.
    temporary = [p for p in files if _is_temporary(p.rpartition("/")[2])]
    repair.remove(temporary, "unfinished writes: temporary files are never part of the checkpoint")

    def with_checksum(path: str) -> list[str]:
        parent, _, name = path.rpartition("/")
        checksum = f"{parent}/.{name}.crc" if parent else f".{name}.crc"
        return [path] + ([checksum] if checksum in existing else [])

    # 2. The newest commit cut short: Spark runs that batch again from its offsets; the sinks
    #    skip it when PostgreSQL has it, or land it idempotently.
    commits = _batch_files(files, "commits")
    if commits:
        newest = max(commits)
        if not log_entry_is_whole(read(commits[newest]), "commits"):
            repair.remove(with_checksum(commits[newest]), f"the commit of batch {newest} was cut short, so the batch runs again")
            del commits[newest]
    # 3. The newest offsets cut short: written before the batch runs, so the batch never ran.
    offsets = _batch_files(files, "offsets")
    if offsets:
        newest = max(offsets)
        if not log_entry_is_whole(read(offsets[newest]), "offsets"):
            if newest in commits or newest in landed:
                raise StreamingError(
                    f"The checkpoint of query {query} has a damaged offsets file for batch {newest}, which has landed: "
                    "restore the checkpoint from a backup, or set STREAMING_CHECKPOINT_DIR to a new folder."
                )
            repair.remove(with_checksum(offsets[newest]), f"the offsets of batch {newest} were cut short before the batch ran")
            del offsets[newest]
    # 4. No batch planned: the query has run nothing, so the rest of its folders is no progress.
    if not offsets:
        if landed:
            raise StreamingError(
                f"The checkpoint of query {query} has no offsets but PostgreSQL holds {len(landed)} landed batches of it: "
                "restore the checkpoint, or set STREAMING_CHECKPOINT_DIR to a new folder."
            )
        leftovers = [p for p in files if p.split("/", 1)[0] in PROGRESS_FOLDERS and p not in repair.removed]
        if leftovers:
            repair.remove(
                sorted({p.split("/", 1)[0] for p in leftovers}),
                "no batch was planned, so they held no committed progress and Spark would refuse to start the query",
            )
        metadata = "metadata"
        if metadata in existing and not _is_json_object(read(metadata)):
            repair.remove(with_checksum(metadata), "the query id file was cut short before the first batch")
        sources = [p for p in files if p.startswith("sources/") and p not in repair.removed and not _checksum_of(p.rpartition("/")[2])]
        broken = [p for p in sources if not log_entry_is_whole(read(p).lstrip(b"\x00"), "sources")]
        if broken:
            repair.remove(["sources"], "a source's starting offsets were cut short before the first batch; they are read again")
    # 5. Checksums whose file is gone (or going).
    gone = set(repair.removed)
    orphans = []
    for path in files:
        parent, _, name = path.rpartition("/")
        base = _checksum_of(name)
        if base is None or path in gone or any(path.startswith(folder + "/") for folder in gone):
            continue
        target = f"{parent}/{base}" if parent else base
        if target not in existing or target in gone:
            orphans.append(path)
    repair.remove(orphans, "checksums of files that are not there")
    return repair


def _is_json_object(content: bytes) -> bool:
    try:
        return isinstance(json.loads(content.decode("utf-8")), dict)
    except (UnicodeDecodeError, ValueError):
        return False


def repair(query: str, files: CheckpointFiles, landed: set[int]) -> Repair:
    """Plan and carry out the repair of one query's checkpoint, logging one line when it does any."""
    planned = plan(query, files.walk(), files.read, landed)
    if planned:
        # Deepest first, so a folder's files go before the folder.
        for path in sorted(planned.removed, key=lambda p: p.count("/"), reverse=True):
            files.delete(path)
        log.warning(planned.describe())
    return planned


class LocalFiles:
    """A checkpoint on the local file system."""

    def __init__(self, root: str) -> None:
        from pathlib import Path

        self.root = Path(root.removeprefix("file://") if root.startswith("file://") else root.removeprefix("file:"))

    def walk(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def delete(self, path: str) -> None:
        import shutil

        target = self.root / path
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


class HadoopFiles:
    """A checkpoint on any file system Spark's Hadoop libraries reach (s3a://, hdfs://, file:),
    through the running SparkSession's JVM, with the same Hadoop settings as the queries."""

    def __init__(self, spark, root: str) -> None:
        self.jvm = spark.sparkContext._jvm
        self.root = self.jvm.org.apache.hadoop.fs.Path(root)
        self.fs = self.root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())

    def _path(self, relative: str):
        return self.jvm.org.apache.hadoop.fs.Path(self.root, relative)

    def walk(self) -> list[str]:
        if not self.fs.exists(self.root):
            return []
        found, pending = [], [""]
        while pending:
            folder = pending.pop()
            for status in self.fs.listStatus(self._path(folder) if folder else self.root):
                relative = f"{folder}/{status.getPath().getName()}" if folder else status.getPath().getName()
                (pending if status.isDirectory() else found).append(relative)
        return sorted(found)

    def read(self, path: str) -> bytes:
        stream = self.fs.open(self._path(path))
        try:
            return bytes(self.jvm.org.apache.commons.io.IOUtils.toByteArray(stream))
        finally:
            stream.close()

    def delete(self, path: str) -> None:
        self.fs.delete(self._path(path), True)


def files_of(checkpoint: str, spark=None) -> CheckpointFiles:
    """Local folders are read directly; URIs (s3a://, hdfs://, file:) through Spark's Hadoop."""
    if "://" in checkpoint or checkpoint.startswith("file:"):
        if spark is None:
            raise StreamingError(f"Checking checkpoint {checkpoint} needs the SparkSession: run it through `python -m streaming run`.")
        return HadoopFiles(spark, checkpoint)
    return LocalFiles(checkpoint)
