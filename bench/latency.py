"""Produce-to-row-visible latency of the landing job: real matches replayed at a speed while
`python -m streaming run` runs continuously; prints p50/p95/p99 of (row visible in
streaming.match_events) - (Kafka timestamp of the message, set when the producer sent it).

Usage: .venv/bin/python bench/latency.py [--matches 10] [--speed 10] [--output result.json]
It uses topics, tables (a prefix), checkpoints and Parquet root of its own, removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import psycopg2
from confluent_kafka.admin import AdminClient, NewTopic

ROOT = Path(__file__).resolve().parent.parent
STATSBOMB = ROOT.parent / "shared" / "data" / "statsbomb"
LOGICAL = ("live_matches", "match_events", "player_live_stats", "team_live_stats", "dead_letters")


def world_cup_2018_group_matches() -> list[int]:
    matches = json.loads((STATSBOMB / "matches.json").read_text())
    return sorted(
        m["match_id"]
        for m in matches
        if m["competition"]["competition_name"] == "FIFA World Cup" and m["season"]["season_name"] == "2018"
        and m["competition_stage"]["name"] == "Group Stage"
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matches", type=int, default=10, help="how many World Cup 2018 group matches (default 10)")
    parser.add_argument("--speed", type=float, default=10, help="replay speed, match seconds per second (default 10)")
    parser.add_argument("--poll", type=float, default=0.2, help="seconds between two looks at the table (default 0.2)")
    parser.add_argument("--output", type=Path, help="also write the result as JSON here")
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    topics = {name: f"bench-latency-{run_id}-{name.replace('_', '-')}" for name in LOGICAL}
    prefix = f"bench_{run_id}_"
    work = Path(tempfile.mkdtemp(prefix="matchday-latency-"))
    env = {
        **os.environ,
        **{f"KAFKA_TOPIC_{name.upper()}": topic for name, topic in topics.items()},
        "STREAMING_TABLE_PREFIX": prefix,
        "STREAMING_CHECKPOINT_DIR": str(work / "checkpoints"),
        "STREAMING_PARQUET_ROOT": str(work / "parquet"),
        "STREAMING_STARTING_OFFSETS": "earliest",
        "PYTHONPATH": str(ROOT),
    }
    admin = AdminClient({"bootstrap.servers": env.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")})
    for future in admin.create_topics([NewTopic(t, 3 if n != "dead_letters" else 1, 1) for n, t in topics.items()]).values():
        future.result(timeout=30)
    pg = psycopg2.connect(
        host=env.get("POSTGRES_HOST", "localhost"), port=env.get("POSTGRES_PORT", "5433"), dbname=env.get("POSTGRES_DB", "matchday"),
        user=env.get("POSTGRES_USER", "matchday"), password=env.get("POSTGRES_PASSWORD", "matchday"), connect_timeout=10,
    )
    pg.autocommit = True
    table = f"streaming.{prefix}match_events"
    log = (work / "streaming.log").open("w")
    job = subprocess.Popen([sys.executable, "-m", "streaming", "run"], env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
    replay = None
    try:
        # Ready when both queries have started (each writes its checkpoint's metadata first).
        deadline = time.monotonic() + 300
        while not all((work / "checkpoints" / query / "metadata").exists() for query in ("land-match_events", "momentum")):
            if job.poll() is not None:
                raise SystemExit(f"the landing job stopped: see {work / 'streaming.log'}")
            if time.monotonic() > deadline:
                raise SystemExit("the landing job did not start within 300 s")
            time.sleep(1)
        time.sleep(5)  # the first trigger resolves the Kafka offsets
        match_ids = world_cup_2018_group_matches()[: args.matches]
        replay = subprocess.Popen(
            [sys.executable, "-m", "ingest", "replay", str(STATSBOMB), "--match-ids", ",".join(map(str, match_ids)),
             "--speed", str(args.speed), "--quiet"],
            env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True,
        )
        expected = sum(len(json.loads(_gunzip(STATSBOMB / "events" / f"{m}.json.gz"))) for m in match_ids)
        latencies: list[float] = []
        last_batch = -1
        started = time.monotonic()
        while len(latencies) < expected:
            # Rows become visible when their batch commits; batch ids grow with every commit.
            with pg.cursor() as cursor:
                cursor.execute(f"SELECT batch_id, kafka_timestamp FROM {table} WHERE batch_id > %s", (last_batch,))
                rows = cursor.fetchall()
            seen = datetime.now(timezone.utc)
            for batch_id, produced in rows:
                latencies.append((seen - produced).total_seconds())
                last_batch = max(last_batch, batch_id)
            if job.poll() is not None:
                raise SystemExit(f"the landing job stopped: see {work / 'streaming.log'}")
            if replay.poll() not in (None, 0):
                raise SystemExit(f"the replay failed: {replay.stderr.read()}")
            if time.monotonic() - started > 3600:
                raise SystemExit(f"only {len(latencies)} of {expected} events landed within an hour")
            time.sleep(args.poll)
        replay.wait(timeout=60)
        result = {
            "matches": len(match_ids),
            "speed": args.speed,
            "events": len(latencies),
            "trigger_interval": env.get("STREAMING_TRIGGER_INTERVAL", "2 seconds"),
            "p50_s": round(percentile(latencies, 50), 3),
            "p95_s": round(percentile(latencies, 95), 3),
            "p99_s": round(percentile(latencies, 99), 3),
            "max_s": round(max(latencies), 3),
            "mean_s": round(statistics.fmean(latencies), 3),
            "poll_s": args.poll,
        }
        print(json.dumps(result))
        if args.output:
            args.output.write_text(json.dumps(result, indent=2) + "\n")
        return 0
    finally:
        if replay is not None and replay.poll() is None:
            replay.send_signal(signal.SIGINT)
            replay.wait(timeout=60)
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGTERM)  # the driver and its JVM
            try:
                job.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(job.pid, signal.SIGKILL)
                job.wait(timeout=30)
        log.close()
        with pg.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'streaming' AND tablename LIKE %s", (prefix + "%",))
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TABLE IF EXISTS streaming."{name}"')
        pg.close()
        for future in admin.delete_topics(list(topics.values())).values():
            future.result(timeout=30)


def _gunzip(path: Path) -> str:
    import gzip

    with gzip.open(path, "rt") as f:
        return f.read()


if __name__ == "__main__":
    sys.exit(main())
