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

    def replay(self, match_ids: list[int], speed: float = 0) -> None:
        subprocess.run(
            [sys.executable, "-m", "ingest", "replay", str(STATSBOMB), "--match-ids", ",".join(map(str, match_ids)),
             "--speed", str(speed), "--kickoff", "2018-06-14T15:00:00Z", "--quiet"],
            env=self.env, cwd=ROOT, check=True, timeout=600,
        )

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
        names = [r[0] for r in self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'streaming' AND tablename LIKE %s", self.prefix + "%")]
        with self.pg.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP TABLE IF EXISTS streaming."{name}"')


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
