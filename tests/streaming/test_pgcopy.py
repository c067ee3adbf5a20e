"""The lander COPYs rows in PostgreSQL's binary format (streaming.pgcopy). What PostgreSQL reads from
it must be what it reads from the same rows in CSV, which PostgreSQL parses itself: the real
messages of every topic as the lander lands them, and values at the edges of each type."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pyarrow as pa
import pytest
from psycopg2 import sql

from streaming import batches, pgcopy, sinks
from streaming.schemas import load_contract
from streaming.screening import Screen

pytestmark = [pytest.mark.integration]

TOPICS = ["live-matches", "match-events", "player-live-stats", "team-live-stats"]


def _landed_rows(messages: list[dict], topic: str, contracts_dir) -> pa.Table:
    """A topic's real messages as the lander lands those that pass its cheap test: typed fields,
    Kafka metadata and the raw text (batches.screened)."""
    screen = Screen(load_contract(contracts_dir, topic), None)
    values = [json.dumps(m["value"]).encode() for m in messages if m["topic"] == topic]
    kafka = pa.table({
        "kafka_topic": pa.array([topic] * len(values)),
        "kafka_partition": pa.array([i % 3 for i in range(len(values))], pa.int32()),
        "kafka_offset": pa.array(range(len(values)), pa.int64()),
        "kafka_timestamp": pa.array([datetime(2018, 6, 14, 15, i % 60, tzinfo=timezone.utc) for i in range(len(values))],
                              pa.timestamp("us", tz="UTC")),
        "kafka_key": pa.array(["7525"] * len(values)),
        "value": pa.array(values, pa.binary()),
    })
    texts, typed = screen.passed(values)
    accepted, _ = batches.screened(kafka, texts, typed)
    return sinks.stamped(batches.accepted(accepted), datetime(2018, 6, 14, 17, 0, 1, 123456, tzinfo=timezone.utc))


def _both_ways(pg_conn, rows: pa.Table, column_types: str) -> tuple[int, int, int]:
    """(rows PostgreSQL read from the binary COPY, rows only it holds, rows only the CSV COPY holds)."""
    with pg_conn.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE from_binary ({column_types}); CREATE TEMP TABLE from_csv ({column_types})")
        try:
            cursor.execute(sql.SQL("SELECT {} FROM from_binary LIMIT 0").format(sql.SQL(", ").join(map(sql.Identifier, rows.column_names))))
            oids = [d.type_code for d in cursor.description]
            assert pgcopy.encodable(rows.schema, oids)
            binary = sinks.CopyData(rows.column_names, "FORMAT binary", pgcopy.binary_copy(rows, oids))
            csv = sinks.CopyData(rows.column_names, "FORMAT csv, HEADER true", sinks._csv(rows))
            sinks._copy(cursor, sql.Identifier("from_binary"), binary)
            sinks._copy(cursor, sql.Identifier("from_csv"), csv)
            cursor.execute("SELECT count(*) FROM from_binary")
            read = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM (SELECT * FROM from_binary EXCEPT ALL SELECT * FROM from_csv) only_binary")
            only_binary = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM (SELECT * FROM from_csv EXCEPT ALL SELECT * FROM from_binary) only_csv")
            return read, only_binary, cursor.fetchone()[0]
        finally:
            cursor.execute("DROP TABLE from_binary; DROP TABLE from_csv")


@pytest.mark.parametrize("topic", TOPICS)
def test_real_rows_read_from_binary_equal_those_read_from_csv(pg_conn, russia_saudi_messages, contracts_dir, topic):
    rows = _landed_rows(russia_saudi_messages, topic, contracts_dir)
    expected = sum(m["topic"] == topic for m in russia_saudi_messages)
    assert rows.num_rows == expected > 0  # every real message passes the cheap test
    table = f"streaming.{topic.replace('-', '_')}"
    with pg_conn.cursor() as cursor:  # the landing table's own column types
        cursor.execute("SELECT string_agg(format('%%I %%s', attname, format_type(atttypid, atttypmod)), ', ' ORDER BY attnum) "
                       "FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s)", (table, rows.column_names))
        column_types = cursor.fetchone()[0]
    assert _both_ways(pg_conn, rows, column_types) == (expected, 0, 0)


EDGES = pa.table({
    "big": pa.array([-(2**63), 2**63 - 1, 0, None], pa.int64()),
    "small": pa.array([-(2**31), 2**31 - 1, -1, None], pa.int32()),
    "real": pa.array([-0.0, 1.7976931348623157e308, 2.2250738585072014e-308, None], pa.float64()),
    "flag": pa.array([True, False, None, True]),
    "words": pa.array(["", 'quote " comma , newline \n tab \t backslash \\', "Łódź — 東京 ⚽", None]),
    "doc": pa.array(['{"a": [1, 2.5, null], "b": {"c": "\\u00e9\\n"}}', "[]", '"text"', None]),
    "at": pa.array([datetime(1969, 7, 20, 20, 17, 40, 1, tzinfo=timezone.utc), datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
                    datetime(2000, 1, 1, tzinfo=timezone.utc), None], pa.timestamp("us", tz="UTC")),
    "at_ms": pa.array([datetime(2018, 6, 14, 15, 0, 0, 5000, tzinfo=timezone.utc), None, None, None], pa.timestamp("ms", tz="Europe/Moscow")),
    "day": pa.array([date(1930, 7, 13), date(1999, 12, 31), date(2000, 1, 1), None], pa.date32()),
})
EDGE_TYPES = ("big bigint, small integer, real double precision, flag boolean, words text, doc jsonb, "
              "at timestamptz, at_ms timestamptz, day date")


def test_values_at_the_edges_of_each_type_read_the_same(pg_conn):
    assert _both_ways(pg_conn, EDGES, EDGE_TYPES) == (4, 0, 0)


def test_a_row_of_binary_copy_holds_the_values_postgres_reads(pg_conn):
    """Checked against the values themselves too, not only against CSV."""
    with pg_conn.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE edges ({EDGE_TYPES})")
        try:
            cursor.execute("SELECT * FROM edges LIMIT 0")
            oids = [d.type_code for d in cursor.description]
            sinks._copy(cursor, sql.Identifier("edges"), sinks.CopyData(EDGES.column_names, "FORMAT binary", pgcopy.binary_copy(EDGES, oids)))
            cursor.execute("SELECT big, small, real, flag, words, doc ->> 'b', at, day FROM edges ORDER BY at NULLS LAST")
            first, second = cursor.fetchall()[:2]
        finally:
            cursor.execute("DROP TABLE edges")
    assert first[:5] == (-(2**63), -(2**31), -0.0, True, "")
    assert first[5] == '{"c": "é\\n"}'
    assert first[6] == datetime(1969, 7, 20, 20, 17, 40, 1, tzinfo=timezone.utc)
    assert first[7] == date(1930, 7, 13)
    assert second[6] == datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)


@pytest.mark.parametrize("values, oid", [
    (pa.array([datetime(2018, 6, 14)], pa.timestamp("us")), pgcopy.TIMESTAMPTZ),  # no zone: the session's, in text
    (pa.array([1.5]), pgcopy.INT8),
    (pa.array(["x"]), pgcopy.INT4),
    (pa.array([1], pa.int64()), 1700),  # numeric
])
def test_values_without_a_binary_form_here_go_as_csv(values, oid):
    rows = pa.table({"c": values})
    assert not pgcopy.encodable(rows.schema, [oid])
    assert sinks.CopyData.of(rows, {"c": oid}).options == "FORMAT csv, HEADER true"


def test_nested_values_have_no_binary_form_here():
    assert not pgcopy.encodable(pa.schema([("c", pa.struct([("a", pa.int64())]))]), [pgcopy.JSONB])


def test_an_empty_part_is_a_header_and_a_trailer():
    assert pgcopy.binary_copy(EDGES.slice(0, 0), [20] * EDGES.num_columns).getvalue() == pgcopy.HEADER + pgcopy.TRAILER
