"""`python -m bench [--short]`: every benchmark in one run on the local stack; writes bench.json
and prints a table of each figure next to its baseline.

A figure that looks bad is reported, never failed: the exit status is 0. Only a setup that
cannot run (no broker, no database, no shared data) or a step that breaks exits non-zero,
with one sentence saying what to do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from bench import ROOT, SHARED_STATSBOMB, BenchError, data, landing, live, replay_throughput
from bench.memory import GROUPS, MemorySampler
from bench.progress import Progress
from bench.report import Figure, document, failed, table, write
from bench.sandbox import Sandbox
from stack import envfile



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true",
                        help="the CI version: 6 matches landed, 4 replayed live at speed 60 for 120 s (a few minutes)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench.json", help="where to write the figures (default bench.json)")
    parser.add_argument("--landing-matches", type=int, help="matches replayed at speed 0 and landed (default 126; short 6)")
    parser.add_argument("--live-matches", type=int, help="matches replayed at once for the latencies (default 64; short 4)")
    parser.add_argument("--speed", type=float, help="speed of the live replay (default 10; short 60)")
    parser.add_argument("--duration", type=float, help="stop the live replay after this many seconds (default: play to the end; short 120)")
    parser.add_argument("--keep-files", action="store_true", help="keep the logs, checkpoints and Parquet of the run")
    return parser


def parameters(args: argparse.Namespace, objects: list[dict]) -> tuple[list[int], live.LiveParameters]:
    pool = data.landing_matches(objects)
    landing_ids = data.spread(pool, args.landing_matches or (6 if args.short else len(pool)))
    live_count = args.live_matches or (4 if args.short else 64)
    if args.short:
        # Few matches for a short time: the highest-scoring, so goals reach the scoreboard.
        scores = {m["match_id"]: (m.get("home_score") or 0) + (m.get("away_score") or 0) for m in objects}
        live_ids = sorted(sorted(pool, key=lambda i: (-scores.get(i, 0), i))[:live_count])
    else:
        live_ids = data.spread(pool, live_count)
    duration = args.duration if args.duration is not None else (120.0 if args.short else None)
    return landing_ids, live.LiveParameters(
        matches=live_ids, speed=args.speed or (60.0 if args.short else 10.0), duration=duration,
        timeout=900 if args.short else 3 * 3600, dbt_repeats=3)


def connect_postgres():
    from ingest.errors import ConfigError
    from ingest.settings import PostgresSettings

    try:
        conn = PostgresSettings.from_env().connect(autocommit=True)
    except ConfigError as error:
        raise BenchError(str(error)) from None
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('streaming.match_events')")
        if cursor.fetchone()[0] is None:
            raise BenchError("Schema streaming has no tables yet: run `make up` (it runs `python -m streaming migrate`).")
    return conn


def check_setup():
    """Everything a run needs, checked before the first step; returns (admin client, database connection)."""
    from confluent_kafka.admin import AdminClient

    from ingest.errors import IngestError
    from ingest.producer import check_broker
    from ingest.settings import KafkaSettings
    from streaming.errors import StreamingError
    from streaming.job import spark_jars
    from streaming.settings import Settings

    try:
        kafka = KafkaSettings.from_env()
        check_broker(kafka)
    except IngestError as error:
        raise BenchError(str(error)) from None
    try:
        spark_jars(Settings.from_env())
    except StreamingError as error:
        raise BenchError(str(error)) from None
    if not Path(sys.executable).with_name("dbt").exists():
        raise BenchError(f"dbt is not in {Path(sys.executable).parent}: run `make setup` (it installs requirements.txt).")
    return AdminClient(kafka.client_config()), connect_postgres()


def memory_figures(sampler: MemorySampler) -> list[Figure]:
    figures = []
    for group in GROUPS:
        peak = sampler.peak.get(group)
        if not peak:
            continue
        rest = sampler.rest.get(group)
        figures.append(Figure(
            key=f"memory_{group.replace(' ', '_')}", title=f"6 peak memory: {group}", unit="MiB", value=peak["rss_mb"],
            baseline_title="at rest, before the run" if rest else "not running before the run",
            baseline=rest[0] if rest else None, better="lower",
            details={"peak_pss_mb": round(peak["pss_mb"], 1), "rest_pss_mb": round(rest[1], 1) if rest else None,
                     "processes": peak["processes"], "samples": sampler.samples},
        ))
    return figures


def _broken(error: BaseException) -> str:
    return str(error) if isinstance(error, BenchError) else f"{type(error).__name__}: {error}"


def run(args: argparse.Namespace, progress: Progress) -> tuple[list[Figure], dict, dict]:
    from bench.machine import describe

    objects = data.match_objects()
    landing_ids, live_params = parameters(args, objects)
    data.check_readable(SHARED_STATSBOMB, sorted(set(landing_ids) | set(live_params.matches)))
    admin, pg = check_setup()
    machine = describe(pg)
    from dbt_project.transform_loop import TransformLoopError, busy_share_from_env, interval_from_env
    from streaming import class_archive
    from streaming.settings import Settings as StreamingSettings

    streaming = StreamingSettings.from_env()
    try:
        interval, busy_share = f"{interval_from_env():g}", busy_share_from_env()
    except TransformLoopError as error:
        raise BenchError(str(error)) from None
    params = {"mode": "short" if args.short else "full", "landing_matches": landing_ids,
              "live": {**asdict(live_params)}, "dbt_loop_interval_s": float(interval),
              "dbt_loop_busy_share": busy_share,
              "spark_master": streaming.spark_master, "spark_driver_memory": streaming.spark_driver_memory,
              # Whether the landing jobs' drivers map Spark's classes from the class archive `make up` made.
              "spark_class_archive": class_archive.usable(streaming) is not None,
              "streaming_trigger_interval": streaming.trigger_interval,
              "streaming_slow_trigger_interval": streaming.slow_trigger_interval,
              "kafka_partitions": int(os.environ.get("KAFKA_TOPIC_PARTITIONS") or 3)}
    work = Path(tempfile.mkdtemp(prefix="matchday-bench-"))
    progress.say(f"work folder {work}; {len(landing_ids)} matches to land, {len(live_params.matches)} to replay live")
    sampler = MemorySampler()
    sampler.start()
    figures: list[Figure] = []
    partitions = params["kafka_partitions"]
    try:
        replayed, raw = (Sandbox(name, admin, pg, work, partitions) for name in ("land", "raw"))
        try:
            replayed.create_topics()
            raw.create_topics()
            try:
                figures.append(replay_throughput.measure(replayed, raw, SHARED_STATSBOMB, landing_ids, progress))
                messages = figures[-1].details["messages"]
            except Exception as error:  # noqa: BLE001 - reported in bench.json; the other figures still run
                figures.append(failed("replay_throughput", replay_throughput.TITLE, replay_throughput.UNIT,
                                      replay_throughput.BASELINE, "higher", _broken(error)))
                messages = None
            if messages is not None:
                try:
                    figures.append(landing.measure(replayed, messages, progress, timeout=3600))
                except Exception as error:  # noqa: BLE001
                    figures.append(failed("landing_throughput", landing.TITLE, landing.UNIT, landing.BASELINE,
                                          "higher", _broken(error)))
        finally:
            raw.cleanup(args.keep_files)
            replayed.cleanup(args.keep_files)
        busy = Sandbox("live", admin, pg, work, partitions)
        try:
            busy.create_topics()
            outcome = live.play(busy, SHARED_STATSBOMB, live_params, interval, progress)
            figures += live.figures(outcome, live_params, interval, streaming.trigger_interval)
        except Exception as error:  # noqa: BLE001
            figures.append(failed("produce_to_row_p50", "3 produce -> row visible", "s", "plain consumer", "lower", _broken(error)))
        finally:
            busy.cleanup(args.keep_files)
    finally:
        sampler.stop()
        pg.close()
    figures += memory_figures(sampler)
    if not args.keep_files:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return figures, machine, params


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    envfile.load_defaults()
    progress = Progress()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        figures, machine, params = run(args, progress)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the run's topics and tables were removed", file=sys.stderr)
        return 130
    finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    write(args.output, document(figures, machine, params, started, finished))
    print()
    print(table(figures))
    print(f"\nfigures, baselines and the machine: {args.output}")
    broken = [f for f in figures if f.error]
    if broken:
        print(f"error: {len(broken)} figures could not be measured (first: {broken[0].error}); see {args.output}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
