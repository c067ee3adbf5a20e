"""The benchmark's parts: reading the shared real matches, percentiles, the goal pairing, the
table, and which group a process's memory counts in."""

from __future__ import annotations

import pytest

from bench import SHARED_STATSBOMB, data
from bench.dashboard import record_shown
from bench.live import Observations, goal_latencies
from bench.memory import classify
from bench.report import Figure, failed, percentile, table
from ingest.providers.statsbomb.files import find_matches, load_match


@pytest.fixture(scope="module")
def objects():
    return data.match_objects(SHARED_STATSBOMB)


@pytest.mark.shared_data
def test_the_replay_reads_the_shared_gzipped_event_files(objects):
    first = data.landing_matches(objects)[0]
    data.check_readable(SHARED_STATSBOMB, [first])
    [match_file] = find_matches([SHARED_STATSBOMB], None, {str(first)})
    match = load_match(match_file)
    listed = next(m for m in objects if m["match_id"] == first)
    assert (match.info.home.name, match.info.away.name) == (listed["home_team"]["home_team_name"],
                                                            listed["away_team"]["away_team_name"])
    assert any(event.event_type == "KICK_OFF" for event in match.events)


def test_spread_takes_matches_across_the_list():
    assert data.spread(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert data.spread([1, 2], 5) == [1, 2]


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile(values, 100)) == (50, 95, 99, 100)
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_the_kth_goal_of_a_match_is_shown_when_its_total_score_reaches_k():
    seen = Observations()
    # Two goals of one match on partition 1 (produced at 100 and 160), one goal of another.
    seen.goals = {("m1", 1, 50): (160.0, 163.0), ("m1", 1, 10): (100.0, 102.0), ("m2", 0, 5): (130.0, 131.0)}
    seen.scoreboard = {("m1", 1): 130.0, ("m1", 2): 190.0}  # m2's goal never reached the scoreboard
    to_mart, to_row = goal_latencies(seen)
    assert sorted(zip(to_mart, to_row)) == [(30.0, 2.0), (30.0, 3.0)]


def test_table_shows_ratio_and_a_figure_that_was_not_measured():
    figures = [
        Figure("a", "replay", "msg/s", 2000.0, "raw producer", 100000.0, "higher"),
        failed("b", "landing", "rows/s", "COPY", "higher", "The landing job failed."),
    ]
    printed = table(figures)
    assert figures[0].ratio == 0.02
    assert "0.02x" in printed and "2,000 msg/s" in printed and "100,000 msg/s" in printed
    assert "not measured" in printed and "The landing job failed." in printed


@pytest.mark.parametrize("cmdline, group", [
    ("/usr/lib/jvm/java-17-openjdk-amd64/bin/java -cp /x/pyspark/jars/* org.apache.spark.deploy.SparkSubmit", "spark driver jvm"),
    ("/w/.venv/bin/python -m streaming run", "landing job python"),
    ("/w/.venv/bin/python /w/.venv/bin/dbt build --quiet", "dbt"),
    ("/w/.venv/bin/python -m dbt_project.transform_loop", "dbt"),
    ("/w/.venv/bin/python -m ingest replay /s --speed 10", "replay"),
    ("/usr/bin/sleep 5", None),
])
def test_processes_count_in_their_group(cmdline, group):
    assert classify(cmdline) == group


def test_landing_sink_phases_sum_every_query_batch():
    from bench.landing import sink_phases

    log = ("26/12/01 14:52:25 WARN ResolveWriteToStream: not a batch line\n"
           "2026-12-01 14:54:08,164 streaming.sinks INFO land-live_matches batch 0 landed: 2046 rows (0 with schema drift), "
           "0 dead letters; validate 73.87 s, parquet 3.01 s, postgres 0.91 s\n"
           "2026-12-01 14:55:12,220 streaming.sinks INFO land-match_events batch 1 landed: 23242 rows (0 with schema drift), "
           "0 dead letters; validate 15.04 s, parquet 1.02 s, postgres 4.92 s\n"
           "2026-12-01 14:53:01,091 streaming.sinks INFO land-dead_letters batch 0 landed: 0 rows (0 with schema drift), "
           "0 dead letters; read 1.20 s, postgres 0.16 s\n")
    assert sink_phases(log) == {"validate": 88.91, "parquet": 4.03, "postgres": 5.99, "read": 1.2}


def test_stopping_a_job_waits_for_the_processes_it_left_in_its_session():
    # As the landing job's JVM outlives its Python: the leader exits at once, a child of its session
    # sleeps 1.5 s more. Counting both jobs' JVMs at once would double the memory figure.
    import subprocess
    import time

    from bench.sandbox import session_alive, stop

    job = subprocess.Popen(["sh", "-c", "sleep 1.5 & exit 0"], start_new_session=True)
    job.wait()
    assert session_alive(job.pid)
    started = time.monotonic()
    stop(job)
    assert not session_alive(job.pid)
    assert time.monotonic() - started > 1.0


def test_a_fork_that_has_not_run_its_program_yet_is_not_counted_twice():
    # The Spark JVM forks to run chmod and readlink on its checkpoint files; until the exec the child
    # has the JVM's command line and maps its memory. Here a process (read as the landing job by its
    # command line) forks a child that sleeps: the group holds the parent only.
    import subprocess
    import sys
    import time

    from bench.memory import service_pids

    code = "import os, time\nif os.fork() == 0:\n    time.sleep(5)\n    os._exit(0)\ntime.sleep(5)"
    job = subprocess.Popen([sys.executable, "-c", code, "-m", "streaming"])
    try:
        deadline = time.monotonic() + 10
        while len(_children_of(job.pid)) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_children_of(job.pid)) == 1, "the fork did not start"
        assert service_pids()["landing job python"] == {job.pid}
    finally:
        job.kill()
        job.wait()


def _children_of(pid: int) -> list[int]:
    from stack.process import children_by_parent

    return children_by_parent().get(pid, [])


def test_a_goal_in_the_browser_is_timed_from_the_rows_the_dashboard_shows():
    # Cells as the Live scoreboard's table shows them: match id, home score, away score (empty before kick-off).
    shown: dict = {}
    record_shown([["statsbomb:1", "1", "0"], ["statsbomb:2", "", ""]], 200.0, shown)
    record_shown([["statsbomb:1", "1", "2"], ["statsbomb:2", "0", "1"], []], 230.0, shown)
    assert shown == {("statsbomb:1", 1): 200.0, ("statsbomb:1", 2): 230.0, ("statsbomb:1", 3): 230.0,
                     ("statsbomb:2", 1): 230.0}
    seen = Observations()
    seen.goals = {("statsbomb:1", 0, 7): (150.0, 152.0), ("statsbomb:1", 0, 9): (190.0, 195.0), ("statsbomb:2", 2, 4): (225.0, 226.0)}
    to_page, to_row = goal_latencies(seen, shown)
    assert sorted(zip(to_page, to_row)) == [(5.0, 1.0), (40.0, 5.0), (50.0, 2.0)]
