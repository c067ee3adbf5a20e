"""Figures 3, 4, 4b and 5 on a busy Saturday: many real matches replayed at once, at a speed, while
the landing job runs continuously and the live dbt loop (dbt_project/transform_loop.py) builds
the marts.

3. produce -> row visible in streaming.match_events, p50/p95/p99 (the method of the former
   bench/latency.py: poll the table for new batches, compare with each message's Kafka
   timestamp), next to a plain Kafka consumer of the same topic (what the broker alone gives);
4. goal produced -> marts.scoreboard shows it (the k-th goal of a match is shown when the
   match's total score reaches k), next to the same goals' produce -> row visible;
4b. the same goals on a Live scoreboard dashboard in headless Chromium (bench/dashboard.py: Superset,
   30 s auto-refresh), next to the mart it reads;
5. one live dbt cycle (the loop's own command) once the matches have landed, next to the same
   command when nothing changed (only dbt's own work is left), and without the analytics marts
   (ANALYTICS_MARTS): what they add to a cycle, measured in the same run.
"""

from __future__ import annotations

import json
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psycopg2.errors
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from bench import ROOT, BenchError, dashboard
from bench.progress import Every, Progress
from bench.report import Figure, percentile
from bench.sandbox import Sandbox, stop

GOAL_TYPES = ("GOAL", "PENALTY_GOAL", "OWN_GOAL")
# The live marts of the fans' analytics (heat maps, pressing, FotMob's xG race, the trends, the FPL app's live rank and
# transfer ideas, the ticker, the named win-probability lines): figure 5 also times a cycle without them.
ANALYTICS_MARTS = ("player_heat_map", "team_pressing", "xg_race", "team_trends", "fantasy_rank", "transfer_recommendations",
                   "notifications", "win_probability_by_outcome")
CYCLE_LINE = re.compile(r"cycle \d+ built the live marts in ([\d.]+) s")


@dataclass(frozen=True)
class LiveParameters:
    matches: list[int]
    speed: float
    duration: float | None  # stop the replay after this many seconds (None: play the matches to the end)
    timeout: float  # give up waiting for rows after this many seconds
    dbt_repeats: int = 1  # figure 5: how many cycles of each kind (the median is reported)
    poll: float = 0.2


@dataclass
class Observations:
    latencies: list[float] = field(default_factory=list)
    # (match_id, kafka_partition, kafka_offset) -> (produced, seen in streaming.match_events), epoch seconds
    goals: dict[tuple, tuple[float, float]] = field(default_factory=dict)
    # (match_id, k) -> when marts.scoreboard first showed k goals in the match
    scoreboard: dict[tuple[str, int], float] = field(default_factory=dict)


class TopicWatch(threading.Thread):
    """The baseline of figure 3: a plain consumer of the topic, Kafka timestamp -> message received."""

    def __init__(self, topic: str, partitions: int) -> None:
        super().__init__(name="kafka-watch", daemon=True)
        from ingest.settings import KafkaSettings

        self.consumer = Consumer({**KafkaSettings.from_env().client_config(), "group.id": f"bench-watch-{topic}",
                                  "enable.auto.commit": False})
        self.consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
        self.latencies: list[float] = []
        self.halt = threading.Event()

    def run(self) -> None:
        try:
            while not self.halt.is_set():
                messages = self.consumer.consume(1000, timeout=0.2)
                received = time.time()
                self.latencies += [received - m.timestamp()[1] / 1000 for m in messages if not m.error()]
        finally:
            self.consumer.close()

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=30)


def _end_offsets(topic: str, partitions: int) -> int:
    from ingest.settings import KafkaSettings

    consumer = Consumer({**KafkaSettings.from_env().client_config(), "group.id": f"bench-ends-{topic}"})
    try:
        return sum(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1] for p in range(partitions))
    finally:
        consumer.close()


def _poll_rows(sandbox: Sandbox, last_landed, seen: Observations):
    """Note the rows landed since `last_landed` (a batch's rows share its `landed_at`, and batches land
    one after another); returns the newest `landed_at` seen. The range is read through the table's
    index on `landed_at`: a scan of the whole table five times a second would cost the machine more
    CPU as the table grows, and slow down what is measured."""
    with sandbox.pg.cursor() as cursor:
        cursor.execute(f"SELECT landed_at, extract(epoch FROM kafka_timestamp), event_type IN %s, match_id, kafka_partition, "
                       f"kafka_offset FROM {sandbox.table('match_events')} WHERE landed_at > coalesce(%s, '-infinity'::timestamptz)",
                       (GOAL_TYPES, last_landed))
        rows = cursor.fetchall()
    now = time.time()
    for landed, produced, is_goal, match_id, partition, offset in rows:
        seen.latencies.append(now - float(produced))
        if is_goal:
            seen.goals[(match_id, partition, offset)] = (float(produced), now)
        last_landed = landed if last_landed is None else max(last_landed, landed)
    return last_landed


def _poll_scoreboard(sandbox: Sandbox, seen: Observations) -> None:
    try:
        with sandbox.pg.cursor() as cursor:
            cursor.execute(f"SELECT match_id, coalesce(home_score, 0) + coalesce(away_score, 0) FROM {sandbox.table('scoreboard', 'marts')}")
            rows = cursor.fetchall()
    except (psycopg2.errors.UndefinedTable, psycopg2.errors.LockNotAvailable):
        return
    dashboard.note_goal_totals(rows, time.time(), seen.scoreboard)


def _goals(seen: Observations) -> dict[tuple[str, int], tuple[float, float]]:
    """(match_id, k) -> (produced, row visible) of the k-th goal of each match."""
    per_match: dict[str, list] = defaultdict(list)
    for (match_id, partition, offset), times in seen.goals.items():
        per_match[match_id].append((partition, offset, times))
    # A match is keyed by its id, so its goals share a partition: offsets are the order of play.
    return {(match_id, k): times for match_id, goals in per_match.items()
            for k, (_, _, times) in enumerate(sorted(goals), start=1)}


def goal_latencies(seen: Observations, shown: dict[tuple[str, int], float] | None = None) -> tuple[list[float], list[float]]:
    """(goal produced -> shown, goal produced -> row visible) for each goal shown: by marts.scoreboard, or
    by `shown` ((match_id, k) -> when a browser showed the match's k-th goal)."""
    shown = seen.scoreboard if shown is None else shown
    to_shown, to_row = [], []
    for key, (produced, visible) in _goals(seen).items():
        if key in shown:
            to_shown.append(shown[key] - produced)
            to_row.append(visible - produced)
    return to_shown, to_row


def _all_goals_shown(seen: Observations, *shown: dict[tuple[str, int], float]) -> bool:
    """Whether every goal landed so far is in each of `shown` (by the mart, by a browser)."""
    return all(key in where for key in _goals(seen) for where in shown)


def start_transform_loop(sandbox: Sandbox, interval: str) -> subprocess.Popen:
    log = (sandbox.work / "transform_loop.log").open("a")
    return subprocess.Popen([sys.executable, "-m", "dbt_project.transform_loop"], env={**sandbox.env, "DBT_LOOP_INTERVAL": interval},
                            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)


def wait_for_first_build(sandbox: Sandbox, loop: subprocess.Popen, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    log = sandbox.work / "transform_loop.log"
    while "first build" not in (log.read_text(errors="replace") if log.exists() else ""):
        if loop.poll() is not None:
            raise BenchError(f"The dbt loop stopped ({sandbox.log_tail('transform_loop.log', 2)}): see {log}.")
        if time.monotonic() > deadline:
            raise BenchError(f"The dbt loop's first build took more than {timeout:.0f} s: see {log}.")
        time.sleep(1)


def _dbt_cycle(env: dict, *extra: str) -> float:
    """The loop's own cycle (`dbt build` of the live selection), timed; raises when dbt fails."""
    from dbt_project.transform_loop import live_build

    started = time.monotonic()
    done = subprocess.run(live_build(*extra),
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"dbt build failed ({(done.stdout + done.stderr).strip()[-300:]}).")
    return time.monotonic() - started


def play(sandbox: Sandbox, folder: Path, params: LiveParameters, interval: str, progress: Progress) -> dict:
    """Run the busy Saturday; returns what was seen and how it went."""
    seen = Observations()
    job = loop = replay = watch = board = viewer = None
    events_topic = sandbox.topics["match_events"]
    try:
        with progress.step("3 start the landing job (continuous)"):
            job = sandbox.landing_job(available_now=False)
            sandbox.wait_until_streaming(job)
        with progress.step(f"4 start the live dbt loop (DBT_LOOP_INTERVAL={interval}) and its first build"):
            loop = start_transform_loop(sandbox, interval)
            wait_for_first_build(sandbox, loop)
        with progress.step("4b open the run's Live scoreboard in Chromium (Superset, 30 s auto-refresh)"):
            from stack.superset import SupersetSettings

            superset = SupersetSettings.from_env()
            board = dashboard.create(sandbox.prefix, superset)
            viewer = dashboard.DashboardWatch(superset, board.slug, screenshot=sandbox.work / "dashboard.png")
            viewer.start()
            viewer.wait_opened()
        watch = TopicWatch(events_topic, sandbox.partitions)
        watch.start()
        time.sleep(2)  # the consumer's first fetch, before the first message
        bound = f", stopped after {params.duration:.0f} s" if params.duration else ""
        with progress.step(f"3 replay {len(params.matches)} matches at speed {params.speed:g}{bound}; measure"):
            replay_log = (sandbox.work / "replay.log").open("w")
            replay = subprocess.Popen(sandbox.replay_command(folder, params.matches, params.speed), env=sandbox.env,
                                      cwd=ROOT, stdout=replay_log, stderr=replay_log)
            started = time.monotonic()
            last_landed, produced, replay_seconds, landed_at = None, None, None, None
            every = Every(20)
            while True:
                last_landed = _poll_rows(sandbox, last_landed, seen)
                _poll_scoreboard(sandbox, seen)
                elapsed = time.monotonic() - started
                if replay.poll() is None and params.duration and elapsed > params.duration:
                    replay.send_signal(signal.SIGINT)  # the replay stops, then flushes what it queued
                if replay.poll() is not None and produced is None:
                    if replay.returncode not in (0, 130):
                        raise BenchError(f"The replay failed: see {sandbox.work / 'replay.log'}.")
                    replay_seconds = elapsed
                    produced = _end_offsets(events_topic, sandbox.partitions)
                    progress.say(f"  replay ended after {elapsed:.0f} s: {produced:,} match events produced")
                if produced is not None and landed_at is None and len(seen.latencies) >= produced:
                    landed_at = time.monotonic()
                    progress.say(f"  every match event landed; waiting for the scoreboard to show every goal")
                # A browser that failed is not waited for (its error is reported instead).
                if landed_at is not None and (_all_goals_shown(seen, seen.scoreboard, *([] if viewer.error else [viewer.shown]))
                                              or time.monotonic() - landed_at > 2 * float(interval) + 180):
                    break
                if job.poll() is not None:
                    raise BenchError(f"The landing job stopped ({sandbox.log_tail(lines=2)}): see {sandbox.work / 'streaming.log'}.")
                if elapsed > params.timeout:
                    progress.say(f"  gave up waiting after {elapsed:.0f} s")
                    break
                if every():
                    progress.say(f"  {len(seen.latencies):,} events landed, {len(seen.goals)} goals, "
                                 f"{len(seen.scoreboard)} goals on the scoreboard, {len(viewer.shown)} in the browser")
                time.sleep(params.poll)
        watch.stop()
        viewer.stop()
        stop(loop)
        cycles = [float(m) for m in CYCLE_LINE.findall((sandbox.work / "transform_loop.log").read_text(errors="replace"))]
        stop(job)
        with progress.step(f"5 live dbt cycle with the matches landed, without the analytics marts and with nothing changed, {params.dbt_repeats} times each"):
            # Alternated, so both see the same machine; each cycle rebuilds the same matches (their
            # last rows landed within the incremental look-back), none with a look-back of 0.
            # The full cycle and the one without the analytics marts alternate; the cycles with
            # another --vars come after them all, as dbt parses the whole project again when the vars
            # change, which would count against whichever cycle followed (the median drops it).
            cycles_landed, cycles_unchanged, cycles_core = [], [], []
            for _ in range(params.dbt_repeats):
                cycles_landed.append(_dbt_cycle(sandbox.env))
                cycles_core.append(_dbt_cycle(sandbox.env, "--exclude", *ANALYTICS_MARTS))
            for _ in range(params.dbt_repeats):
                cycles_unchanged.append(_dbt_cycle(sandbox.env, "--vars", json.dumps({"incremental_lookback_minutes": 0})))
        return {"seen": seen, "watch": watch.latencies, "replay_seconds": replay_seconds, "produced": produced,
                "complete": landed_at is not None, "live_cycles": cycles, "cycles_landed": cycles_landed,
                "cycles_unchanged": cycles_unchanged, "cycles_core": cycles_core,
                "browser": dict(viewer.shown), "browser_error": viewer.error, "browser_chart_refreshes": viewer.refreshes}
    finally:
        if watch is not None and watch.is_alive():
            watch.stop()
        if viewer is not None and viewer.is_alive():
            viewer.stop()
        if board is not None:
            board.remove()
        if replay is not None and replay.poll() is None:
            replay.send_signal(signal.SIGINT)
            replay.wait(timeout=60)
        stop(loop)
        stop(job)


def figures(outcome: dict, params: LiveParameters, interval: str, trigger_interval: str) -> list[Figure]:
    seen: Observations = outcome["seen"]
    common = {"matches": len(params.matches), "speed": params.speed, "replay_bound_s": params.duration,
              "replay_seconds": round(outcome["replay_seconds"], 1) if outcome["replay_seconds"] else None,
              "match_events_produced": outcome["produced"], "all_landed": outcome["complete"]}
    result = []
    for q in (50, 95, 99):
        result.append(Figure(
            key=f"produce_to_row_p{q}", title=f"3 produce -> row visible, p{q}", unit="s",
            value=percentile(seen.latencies, q), baseline_title=f"plain consumer p{q}",
            baseline=percentile(outcome["watch"], q), better="lower",
            details={**common, "events": len(seen.latencies), "consumer_messages": len(outcome["watch"]),
                     "max_s": round(max(seen.latencies), 3) if seen.latencies else None,
                     "mean_s": round(statistics.fmean(seen.latencies), 3) if seen.latencies else None,
                     "trigger_interval": trigger_interval, "poll_s": params.poll},
        ))
    to_mart, to_row = goal_latencies(seen)
    result.append(Figure(
        key="goal_to_scoreboard", title="4 goal -> marts.scoreboard, p50", unit="s",
        value=percentile(to_mart, 50), baseline_title="same goals -> row visible",
        baseline=percentile(to_row, 50), better="lower",
        details={"goals_landed": len(seen.goals), "goals_measured": len(to_mart),
                 "max_s": round(max(to_mart), 2) if to_mart else None, "p95_s": round(percentile(to_mart, 95), 2) if to_mart else None,
                 "dbt_loop_interval_s": float(interval), **common},
        error=None if to_mart else "no goal reached the scoreboard while measuring",
    ))
    # 4b: the same goals on the dashboard; its baseline is the mart the dashboard reads.
    browser = outcome["browser"]
    to_page, _ = goal_latencies(seen, browser)
    to_mart_same = [seen.scoreboard[key] - produced for key, (produced, _) in _goals(seen).items()
                    if key in browser and key in seen.scoreboard]
    result.append(Figure(
        key="goal_to_dashboard", title="4b goal -> Live scoreboard in a browser, p50", unit="s",
        value=percentile(to_page, 50), baseline_title="same goals -> marts.scoreboard",
        baseline=percentile(to_mart_same, 50), better="lower",
        details={"goals_measured": len(to_page), "max_s": round(max(to_page), 2) if to_page else None,
                 "dashboard_refresh_s": dashboard.refresh_seconds(), "chart_data_requests": outcome["browser_chart_refreshes"],
                 "browser": "Chromium (headless), Superset dashboard polled every 0.5 s", **common},
        error=outcome["browser_error"] or (None if to_page else "no goal reached the dashboard while measuring"),
    ))
    cycles = outcome["live_cycles"]
    result.append(Figure(
        key="dbt_live_cycle", title="5 live dbt build cycle", unit="s", value=statistics.median(outcome["cycles_landed"]),
        baseline_title="same build, nothing changed", baseline=statistics.median(outcome["cycles_unchanged"]), better="lower",
        details={"matches_landed": len(params.matches),
                 "cycles_s": [round(c, 2) for c in outcome["cycles_landed"]],
                 "nothing_changed_s": [round(c, 2) for c in outcome["cycles_unchanged"]],
                 "without_analytics_marts_s": [round(c, 2) for c in outcome["cycles_core"]],
                 "analytics_marts": list(ANALYTICS_MARTS),
                 "analytics_marts_add_percent": round(100 * (statistics.median(outcome["cycles_landed"])
                                                             / statistics.median(outcome["cycles_core"]) - 1), 1),
                 "live_cycles_during_replay": len(cycles),
                 "live_cycle_median_s": round(statistics.median(cycles), 2) if cycles else None,
                 "live_cycle_max_s": round(max(cycles), 2) if cycles else None},
    ))
    return result
