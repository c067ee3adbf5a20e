"""Test helpers: run the real producer (`python -m ingest replay`) and the landing job as processes."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATSBOMB = ROOT.parent / "shared" / "data" / "statsbomb"
LOGICAL = ("live_matches", "match_events", "player_live_stats", "team_live_stats")
ENV_OF = {name: f"KAFKA_TOPIC_{name.upper()}" for name in LOGICAL}


class Pipeline:
    """Topics, tables (by prefix), checkpoints and Parquet root of one test only."""

    def __init__(self, new_topic, tmp_path: Path, pg_conn) -> None:
        self.topics = {name: new_topic(name.replace("_", "-"), partitions=3) for name in LOGICAL}
        self.dead_letter_topic = new_topic("dead-letters")
        self.prefix = f"t{uuid.uuid4().hex[:10]}_"
        self.parquet_root = tmp_path / "parquet"
        self.log = tmp_path / "streaming.log"  # a file, not a pipe: a full pipe would block the job
        self.pg = pg_conn
        self.env = {
            **os.environ,
            **{ENV_OF[name]: topic for name, topic in self.topics.items()},
            "KAFKA_TOPIC_DEAD_LETTERS": self.dead_letter_topic,
            "STREAMING_TABLE_PREFIX": self.prefix,
            "STREAMING_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
            "STREAMING_PARQUET_ROOT": str(self.parquet_root),
            "SPARK_MASTER": os.environ.get("TEST_SPARK_MASTER", "local[2]"),
            "SPARK_DRIVER_MEMORY": "1g",
            "PYTHONPATH": str(ROOT),
        }

    def _replay_command(self, match_ids: list[int], speed: float) -> list[str]:
        return [sys.executable, "-m", "ingest", "replay", str(STATSBOMB), "--match-ids", ",".join(map(str, match_ids)),
                "--speed", str(speed), "--kickoff", "2018-06-14T15:00:00Z", "--quiet"]

    def replay(self, match_ids: list[int], speed: float = 0) -> None:
        subprocess.run(self._replay_command(match_ids, speed), env=self.env, cwd=ROOT, check=True, timeout=600)

    def replay_in_background(self, match_ids: list[int], speed: float) -> subprocess.Popen:
        with self.log.open("a") as log:
            return subprocess.Popen(self._replay_command(match_ids, speed), env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)

    def streaming(self, *args: str, **popen) -> subprocess.Popen:
        with self.log.open("a") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "streaming", *args], env=self.env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=log, **popen,
            )

    def log_tail(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""

    def run_available_now(self) -> None:
        process = self.streaming("run", "--available-now")
        assert process.wait(timeout=900) == 0, self.log_tail()

    def table(self, name: str) -> str:
        return f"streaming.{self.prefix}{name}"

    def table_exists(self, name: str) -> bool:
        return bool(self.rows("SELECT to_regclass(%s) IS NOT NULL", self.table(name))[0][0])

    def reconnect(self) -> None:
        """A new connection, e.g. after PostgreSQL restarted (the fixture closes the old one)."""
        import psycopg2

        params = self.pg.get_dsn_parameters()
        self.pg = psycopg2.connect(password=os.environ["POSTGRES_PASSWORD"], connect_timeout=10,
                                   **{k: params[k] for k in ("host", "port", "dbname", "user")})
        self.pg.autocommit = True

    def checkpoint_batches(self, query: str, folder: str) -> set[int]:
        """Batch ids in a query's checkpoint folder: `offsets` (planned) or `commits` (done)."""
        path = Path(self.env["STREAMING_CHECKPOINT_DIR"]) / query / folder
        return {int(f.name) for f in path.iterdir() if f.name.isdigit()} if path.exists() else set()

    def landed_batches(self, query: str) -> set[int]:
        """Batch ids of a query that PostgreSQL holds (landed in their transaction)."""
        if not self.table_exists("landed_batches"):
            return set()
        return {r[0] for r in self.rows("SELECT batch_id FROM {landed_batches} WHERE checkpoint LIKE %s", f"%/{query}")}

    def assert_exactly_once(self, expected: Counter) -> None:
        """Every replayed event (`expected`: events per match) once in PostgreSQL and once in
        Parquet, under the event ids of the StatsBomb files."""
        ids = source_event_ids([int(match_id.split(":")[1]) for match_id in expected])
        assert self.counts_per_match("match_events") == expected
        assert {r[0] for r in self.rows("SELECT event_id FROM {match_events}")} == ids
        parquet = self.parquet("match_events")
        assert Counter(parquet.column("match_id").to_pylist()) == expected
        landed = parquet.column("event_id").to_pylist()
        assert len(landed) == len(set(landed)) and set(landed) == ids

    def rows(self, query: str, *params):
        with self.pg.cursor() as cursor:
            cursor.execute(query.format(**{n: self.table(n) for n in (*LOGICAL, "dead_letter", "team_momentum_5min", "pipeline_metrics", "landed_batches")}), params)
            return cursor.fetchall()

    def counts_per_match(self, name: str) -> Counter:
        return Counter(dict(self.rows(f"SELECT match_id, count(*) FROM {{{name}}} GROUP BY match_id")))

    def parquet(self, name: str):
        import pyarrow.parquet as pq

        path = self.parquet_root / f"topic={self.topics[name]}"
        return pq.ParquetDataset(path).read(columns=["event_id", "match_id"]) if path.exists() else None

    def drop_tables(self) -> None:
        drop_prefixed_tables(self.pg, self.prefix)


def drop_prefixed_tables(pg_conn, prefix: str) -> None:
    """Drop a test's own tables of schema streaming: those whose name starts with its prefix."""
    with pg_conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'streaming' AND tablename LIKE %s", (prefix + "%",))
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TABLE IF EXISTS streaming."{name}" CASCADE')


def source_event_ids(match_ids: list[int]) -> set[str]:
    """The event ids in the StatsBomb files themselves: the replay sends each event under its id."""
    ids = set()
    for match_id in match_ids:
        with gzip.open(STATSBOMB / "events" / f"{match_id}.json.gz", "rt") as f:
            ids |= {event["id"] for event in json.load(f)}
    return ids


def source_counts(match_ids: list[int]) -> Counter:
    """Events per match in the StatsBomb files themselves: the replay sends one message per event."""
    counts = Counter()
    for match_id in match_ids:
        with gzip.open(STATSBOMB / "events" / f"{match_id}.json.gz", "rt") as f:
            counts[f"statsbomb:{match_id}"] = len(json.load(f))
    return counts


def official_results(match_ids: list[int]) -> dict[str, tuple[int, int]]:
    matches = json.loads((STATSBOMB / "matches.json").read_text())
    return {f"statsbomb:{m['match_id']}": (m["home_score"], m["away_score"]) for m in matches if m["match_id"] in match_ids}


def read_topic(topic: str) -> list[bytes | None]:
    """The values of a topic's messages, every partition read from its start to its end offset."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": os.environ["KAFKA_BOOTSTRAP_SERVERS"], "group.id": f"reader-{uuid.uuid4().hex}",
                         "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=15).topics[topic].partitions
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=15) for p in partitions}
        wanted = {p: high for p, (low, high) in ends.items() if high > low}
        consumer.assign([TopicPartition(topic, p, ends[p][0]) for p in wanted])
        values: list[bytes | None] = []
        while wanted:
            message = consumer.poll(10)
            if message is None:
                raise TimeoutError(f"{topic}: no message within 10 s before the end offsets {wanted}")
            if message.error():
                continue
            values.append(message.value())
            if message.offset() + 1 >= wanted.get(message.partition(), 0):
                wanted.pop(message.partition(), None)
        return values
    finally:
        consumer.close()


def kill_at(process, pipeline_point, timeout: float = 300, poll: float = 0.01) -> None:
    """SIGKILL the job's process group at the first moment `pipeline_point()` holds. The group is
    stopped (SIGSTOP) as soon as the point is seen and the point checked again while nothing
    moves, so the kill lands in exactly that state; if it has passed, the job goes on."""
    import signal
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the job ended before the kill point")
        if pipeline_point():
            os.killpg(process.pid, signal.SIGSTOP)
            if pipeline_point():
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
                return
            os.killpg(process.pid, signal.SIGCONT)
        time.sleep(poll)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError(f"the kill point was not reached within {timeout:.0f} s")


def contract_breaks(good: dict) -> list[tuple]:
    """Kinds of malformed or contract-breaking payloads made from one real match-events message:
    (payload of the i-th message, the reason the landing job must give)."""
    return [
        (lambda i: f"{{not json {i}".encode(), "not valid JSON"),
        (lambda i: json.dumps([i, good["match_id"]]).encode(), "not a JSON object"),
        (lambda i: json.dumps({**good, "event_id": f"{i:08d}-0000-4000-8000-000000000000", "minute": "ten"}).encode(), "minute must be integer, not string"),
        (lambda i: json.dumps({k: v for k, v in good.items() if k != "match_id"} | {"event_id": f"{i:08d}-0000-4000-8000-000000000001"}).encode(), "missing required field match_id"),
        (lambda i: json.dumps({**good, "event_id": f"{i:08d}-0000-4000-8000-000000000002", "period": 9}).encode(), "period is above its maximum 5"),
    ]


def bad_messages(kinds: list[tuple], count: int) -> list[tuple[bytes | None, str]]:
    """`count` payloads, the kinds in turn, each with its reason."""
    return [(kinds[i % len(kinds)][0](i), kinds[i % len(kinds)][1]) for i in range(count)]
