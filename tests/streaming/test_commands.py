"""The command line: hot retention (purge) and one-sentence errors for misconfiguration."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline import ROOT


def streaming(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streaming", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.integration
def test_purge_deletes_hot_rows_older_than_the_retention_only(pipeline):
    assert streaming("migrate", env=pipeline.env).returncode == 0
    with pipeline.pg.cursor() as cursor:
        for event_id, age in (("old", "8 days"), ("recent", "6 days")):
            cursor.execute(
                f"INSERT INTO {pipeline.table('match_events')} (event_id, raw, kafka_topic, kafka_partition, kafka_offset, batch_id, landed_at)"
                " VALUES (%s, '{}', 't', 0, 0, 0, now() - %s::interval)",
                (event_id, age),
            )
    done = streaming("purge", "--days", "7", env=pipeline.env)
    assert done.returncode == 0, done.stderr
    assert pipeline.rows("SELECT event_id FROM {match_events}") == [("recent",)]
    assert "match_events 1" in done.stdout


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("SPARK_JARS_DIR", "/nonexistent/jars", "run `make up`"),
        ("STREAMING_TRIGGER_INTERVAL", "two seconds", "STREAMING_TRIGGER_INTERVAL must look like"),
        ("STREAMING_STARTING_OFFSETS", "yesterday", "STREAMING_STARTING_OFFSETS must be"),
        ("STREAMING_SLOW_TRIGGER_INTERVAL", "often", "STREAMING_SLOW_TRIGGER_INTERVAL must look like"),
        ("CONTRACTS_DIR", "/nonexistent/contracts", "set CONTRACTS_DIR"),
        ("SPARK_CONF_FILE", "/nonexistent/spark-defaults.conf", "SPARK_CONF_FILE names /nonexistent/spark-defaults.conf"),
        ("STREAMING_KAFKA_GROUP_ID_PREFIX", "my group", "STREAMING_KAFKA_GROUP_ID_PREFIX must be letters"),
    ],
)
def test_misconfiguration_fails_fast_with_one_sentence(setting, value, says):
    import os

    env = {**os.environ, setting: value, "PYTHONPATH": str(ROOT), "POSTGRES_PORT": "1"}
    done = streaming("run", "--available-now", env=env)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_scoreboards_and_the_events_queries_trigger_often_the_others_on_the_slow_interval():
    from streaming.settings import Settings

    settings = Settings.from_env({"STREAMING_TRIGGER_INTERVAL": "1 second", "STREAMING_SLOW_TRIGGER_INTERVAL": "15 seconds"})
    # live_matches feeds the scoreboard (a view), match_events the events; only the dbt cycles read the rest.
    assert {table: settings.trigger_interval_of(table) for table in
            ("live_matches", "match_events", "player_live_stats", "team_live_stats", "dead_letter")} == {
        "live_matches": "1 second", "match_events": "1 second", "player_live_stats": "15 seconds",
        "team_live_stats": "15 seconds", "dead_letter": "15 seconds"}
    assert Settings.from_env({}).slow_trigger_interval == "10 seconds"
    assert Settings.from_env({}).trigger_interval == "1 second"


def test_a_landing_querys_source_waits_little_for_a_quiet_topic():
    from streaming.job import source_options
    from streaming.settings import Settings

    settings = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "broker:9092", "STREAMING_MAX_OFFSETS_PER_TRIGGER": "700"})
    options = source_options(settings, ["live-matches"])
    # The Java client's default (500 ms, Kafka's consumer configs) held each batch of a quiet topic for most of it:
    # a landing query's source must wait at most a tenth of the 1 s trigger for a fetch that finds nothing.
    assert int(options["kafka.fetch.max.wait.ms"]) <= 100
    assert options["kafka.bootstrap.servers"] == "broker:9092"
    assert (options["subscribe"], options["maxOffsetsPerTrigger"], options["includeHeaders"]) == ("live-matches", "700", "false")
    assert source_options(settings, ["dead-letters"], headers=True)["includeHeaders"] == "true"


def test_in_process_spark_gets_a_task_slot_per_core_but_at_least_four():
    import os
    import re

    from streaming.settings import Settings

    for env in ({}, {"SPARK_MASTER": ""}):
        slots = re.fullmatch(r"local\[(\d+)\]", Settings.from_env(env).spark_master)
        assert slots and int(slots[1]) >= 4 and int(slots[1]) >= os.cpu_count()
    assert Settings.from_env({"SPARK_MASTER": "spark://host:7077"}).spark_master == "spark://host:7077"


def test_spark_conf_file_settings_are_read_in_order(tmp_path):
    from streaming.errors import StreamingError
    from streaming.settings import spark_conf_file

    conf = tmp_path / "spark-defaults.conf"
    conf.write_text("# the job's defaults, changed\nspark.sql.shuffle.partitions   8\n\n"
                    "spark.ui.enabled=true\nspark.driver.extraJavaOptions -Dx=1 -Dy=2\n")
    assert spark_conf_file(str(conf)) == (("spark.sql.shuffle.partitions", "8"), ("spark.ui.enabled", "true"),
                                          ("spark.driver.extraJavaOptions", "-Dx=1 -Dy=2"))
    conf.write_text("shuffle partitions 8\n")
    with pytest.raises(StreamingError, match="line 1: expected `spark.<key> <value>`"):
        spark_conf_file(str(conf))
