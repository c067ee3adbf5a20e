"""The batch layer on real matches: replay -> landing -> cold store -> `python -m streaming batch`
-> Silver, schema history, dbt, Gold; and the serving marts after the hot rows are purged."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from pipeline import STATSBOMB, source_counts

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.dbt.test_league_table import WORLD_CUP_2018_GROUPS  # noqa: E402
from tests.dbt_run import dbt  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow, pytest.mark.shared_data]

TABLES = ("live_matches", "match_events", "player_live_stats", "team_live_stats", "team_momentum_5min")


def world_cup_group_matches() -> list[int]:
    """The 48 group matches of the 2018 World Cup in the shared StatsBomb data, by kick-off."""
    matches = json.loads((STATSBOMB / "matches.json").read_text())
    group = [m for m in matches if m["competition"]["competition_name"] == "FIFA World Cup"
             and m["season"]["season_name"] == "2018" and m["competition_stage"]["name"] == "Group Stage"]
    return [m["match_id"] for m in sorted(group, key=lambda m: (m["match_date"], m["kick_off"], m["match_id"]))]


def silver(pipeline, table: str):
    """A Silver table as Arrow, rows in a fixed order (what two runs must agree on)."""
    folder = pipeline.parquet_root.parent / "silver" / table
    data = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    key = ["match_id", "team_id", "window_start"] if table == "team_momentum_5min" else ["event_id"]
    return data.sort_by([(k, "ascending") for k in key])


def gold(pipeline, mart: str):
    data = ds.dataset(pipeline.parquet_root.parent / "gold" / mart, format="parquet").to_table()
    return data.sort_by([(c, "ascending") for c in data.column_names if c in ("match_id", "player_id", "team", "competition", "season", "group_name", "position", "player_name")])


def batch(pipeline, *args: str, timeout: int = 900) -> None:
    process = pipeline.streaming("batch", "--quiet", *args)
    assert process.wait(timeout=timeout) == 0, pipeline.log_tail()


def drop_models(pipeline) -> None:
    """Everything the test built on its prefix: marts, staging, history (the streaming tables go with the fixture)."""
    with pipeline.pg.cursor() as cursor:
        for schema in ("marts", "staging", "history"):
            cursor.execute("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = %s AND table_name LIKE %s",
                           (schema, pipeline.prefix + "%"))
            for name, kind in cursor.fetchall():
                cursor.execute(f'DROP {"VIEW" if kind == "VIEW" else "TABLE"} IF EXISTS {schema}."{name}" CASCADE')


@pytest.fixture
def modelled(pipeline):
    yield pipeline
    drop_models(pipeline)


def test_silver_holds_each_event_once_after_a_repeat_a_rerun_and_a_kill(modelled):
    pipeline = modelled
    match = 7576  # Portugal 3-3 Spain
    pipeline.replay([match])
    pipeline.run_available_now()
    pipeline.replay([match])  # the provider sends the whole match again: same event ids, new offsets
    pipeline.run_available_now()
    bronze = ds.dataset(pipeline.parquet_root / f"topic={pipeline.topics['match_events']}", format="parquet",
                        partitioning="hive").to_table(columns=["event_id"])
    assert bronze.num_rows == 2 * source_counts([match])[f"statsbomb:{match}"]  # Bronze keeps both copies

    batch(pipeline)
    batch(pipeline)  # nothing changed: skipped, the same Silver
    events = silver(pipeline, "match_events")
    ids = events.column("event_id").to_pylist()
    assert len(ids) == len(set(ids)) == source_counts([match])[f"statsbomb:{match}"]
    # Silver keeps the first copy by Kafka offset: the one the hot table holds.
    hot = dict(pipeline.rows("SELECT event_id, kafka_offset FROM {match_events}"))
    assert dict(zip(ids, events.column("kafka_offset").to_pylist())) == hot
    first = {table: silver(pipeline, table) for table in TABLES}
    first_gold = {mart: gold(pipeline, mart) for mart in ("scoreboard", "player_performance", "team_match_stats")}
    for table in TABLES:
        assert first[table].num_rows == pipeline.rows(f"SELECT count(*) FROM history.{pipeline.prefix}{table}")[0][0] > 0

    # Start again from nothing and kill the job once its first table is done.
    silver_root = pipeline.parquet_root.parent / "silver"
    import shutil

    shutil.rmtree(silver_root)
    shutil.rmtree(pipeline.parquet_root.parent / "gold")
    with pipeline.pg.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"TRUNCATE history.{pipeline.prefix}{table}")
    process = pipeline.streaming("batch", "--quiet")
    deadline = time.monotonic() + 600
    while not list((silver_root / "_state").glob("*.json")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the batch job ended before it could be killed: " + pipeline.log_tail()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = {p.stem for p in (silver_root / "_state").glob("*.json")}
    assert 0 < len(done) < len(TABLES)  # killed mid-run

    batch(pipeline)
    for table in TABLES:
        assert silver(pipeline, table).equals(first[table]), table
        assert first[table].num_rows == pipeline.rows(f"SELECT count(*) FROM history.{pipeline.prefix}{table}")[0][0]
    for mart, rows in first_gold.items():
        assert gold(pipeline, mart).equals(rows), mart

    # Analysts query Silver and Gold with Spark SQL, without the hot database.
    import subprocess

    shown = subprocess.run([sys.executable, "-m", "streaming", "sql", "select count(distinct event_id) as events, min(match_id) as m"
                            " from silver_match_events where match_id in (select match_id from gold_scoreboard)"],
                           env=pipeline.env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr[-2000:]
    table = [[cell.strip() for cell in line.strip("|").split("|")] for line in shown.stdout.splitlines() if line.startswith("|")]
    assert table == [["events", "m"], [str(len(ids)), f"statsbomb:{match}"]], shown.stdout


def marts_of(pipeline) -> list[str]:
    """The marts the test's dbt build made (tables and views of schema marts with its prefix)."""
    return [r[0] for r in pipeline.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' AND table_name LIKE %s"
        " AND table_name NOT LIKE %s AND table_name NOT LIKE %s ORDER BY 1", pipeline.prefix + "%", pipeline.prefix + "before%",
        pipeline.prefix + "gold%")]


def comparable(pipeline, relation: str) -> str:
    """The relation's columns, floating-point ones rounded to 9 decimals: a sum of doubles depends
    in its last bit (1e-16) on the order PostgreSQL reads the rows in, which a purge changes."""
    schema, name = relation.split(".")
    columns = pipeline.rows("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s"
                            " AND table_name = %s ORDER BY ordinal_position", schema, name)
    return ", ".join(f'round("{c}"::numeric, 9)' if t in ("double precision", "real") else f'"{c}"' for c, t in columns)


def differences(pipeline, left: str, right: str) -> tuple[int, int]:
    """Rows of `left` not in `right`, and of `right` not in `left`, counting repeats (EXCEPT ALL)."""
    one = f"SELECT {comparable(pipeline, left)} FROM {left}"
    other = f"SELECT {comparable(pipeline, right)} FROM {right}"
    return (pipeline.rows(f"SELECT count(*) FROM ({one} EXCEPT ALL {other}) AS d")[0][0],
            pipeline.rows(f"SELECT count(*) FROM ({other} EXCEPT ALL {one}) AS d")[0][0])


def gold_equals_mart(pipeline, mart: str) -> bool:
    """Gold's Parquet of a mart, copied into a table with the mart's columns, against the mart itself."""
    import psycopg2.extras

    rows = ds.dataset(pipeline.parquet_root.parent / "gold" / mart, format="parquet").to_table()
    copy = f"marts.{pipeline.prefix}gold_{mart}"
    with pipeline.pg.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM marts.{pipeline.prefix}{mart} WITH NO DATA")
        psycopg2.extras.execute_values(cursor, f"INSERT INTO {copy} ({', '.join(rows.column_names)}) VALUES %s",
                                       [tuple(r.values()) for r in rows.to_pylist()])
    return rows.num_rows > 0 and differences(pipeline, copy, f"marts.{pipeline.prefix}{mart}") == (0, 0)


def test_every_mart_survives_a_purge_through_the_batch_layer(modelled):
    pipeline = modelled
    live = 7572  # Japan 0-1 Poland, 28 June: Group H's last day, where fair play put Japan above Senegal
    history = [m for m in world_cup_group_matches() if m != live]
    assert len(history) == 47
    pipeline.replay(history)
    pipeline.run_available_now()
    dbt(pipeline.prefix, "build", "--quiet")
    marts = marts_of(pipeline)
    assert {"scoreboard", "player_performance", "team_match_stats", "fantasy_points", "team_momentum"} <= {
        m[len(pipeline.prefix):] for m in marts}
    with pipeline.pg.cursor() as cursor:
        for mart in marts:
            cursor.execute(f"CREATE TABLE marts.{pipeline.prefix}before_{mart[len(pipeline.prefix):]} AS SELECT * FROM marts.{mart}")

    purge = pipeline.streaming("purge", "--days", "0")
    assert purge.wait(timeout=120) == 0, pipeline.log_tail()
    for table in TABLES:
        assert pipeline.rows(f"SELECT count(*) FROM {pipeline.table(table)}") == [(0,)], table
    batch(pipeline)
    dbt(pipeline.prefix, "build", "--quiet", "--full-refresh")
    changed = {}
    for mart in marts:
        before = f"marts.{pipeline.prefix}before_{mart[len(pipeline.prefix):]}"
        diff = differences(pipeline, before, f"marts.{mart}")
        if diff != (0, 0):
            changed[mart] = diff
    assert changed == {}, "marts that differ after purge + batch + full refresh (before-only rows, after-only rows)"
    assert pipeline.rows(f"SELECT count(*) FROM marts.{pipeline.prefix}scoreboard WHERE status = 'FINISHED'") == [(47,)]

    # Gold is the marts of the matches in history (one SQL truth): loaded back, it equals them row for row.
    for mart in ("scoreboard", "player_performance", "team_match_stats", "league_table", "player_season"):
        assert gold_equals_mart(pipeline, mart), mart

    group_h = f"SELECT team, played, points FROM marts.{pipeline.prefix}league_table WHERE team IN ('Colombia', 'Japan', 'Senegal', 'Poland') ORDER BY position"
    # Group H from history alone, before its last match (the official results of the other five:
    # Colombia 1-2 Japan, Poland 1-2 Senegal, Japan 2-2 Senegal, Poland 0-3 Colombia, Senegal 0-1 Colombia).
    assert pipeline.rows(group_h) == [("Colombia", 3, 6), ("Japan", 2, 4), ("Senegal", 3, 4), ("Poland", 2, 0)]
    # A live match while history is present: it lands hot and joins the same marts.
    pipeline.replay([live])
    pipeline.run_available_now()
    dbt(pipeline.prefix, "build", "--quiet")
    assert pipeline.rows(f"SELECT home_team, away_team, home_score, away_score, status FROM marts.{pipeline.prefix}scoreboard"
                         " WHERE match_id = %s", f"statsbomb:{live}") == [("Japan", "Poland", 0, 1, "FINISHED")]
    assert pipeline.rows(f"SELECT count(*) FROM marts.{pipeline.prefix}scoreboard WHERE status = 'FINISHED'") == [(48,)]
    for mart in ("player_performance", "team_match_stats", "fantasy_points"):
        assert pipeline.rows(f"SELECT count(*) FROM marts.{pipeline.prefix}{mart} WHERE match_id = %s", f"statsbomb:{live}")[0][0] > 0
    # Its goal moved the table: FIFA's final standings of all eight groups, from history and the live match.
    built = pipeline.rows(f"SELECT team, position, points, goal_difference, goals_for FROM marts.{pipeline.prefix}league_table"
                          " WHERE competition = 'FIFA World Cup' AND season = '2018'")
    assert {team: tuple(rest) for team, *rest in built} == {
        team: (position, points, gd, gf) for group in WORLD_CUP_2018_GROUPS.values()
        for position, (team, points, gd, gf) in enumerate(group, 1)}
    # Gold's season tables are the marts' (exported by the batch layer's own dbt build, before the live match).
    gold_table = ds.dataset(pipeline.parquet_root.parent / "gold" / "league_table", format="parquet").to_table()
    assert sorted(gold_table.column("team").to_pylist()) == sorted(t for g in WORLD_CUP_2018_GROUPS.values() for t, *_ in g)
