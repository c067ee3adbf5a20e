"""The batch layer's bookkeeping, without Spark or PostgreSQL: which Bronze dates a run takes, and
where Silver and Gold go by default."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from streaming.batch_layer import bronze_dates, fingerprint, in_range
from streaming.settings import Settings, beside


def test_silver_and_gold_default_beside_the_cold_store():
    assert beside(".stack/parquet", "silver") == ".stack/silver"
    assert beside("s3a://bucket/matchday/parquet/", "gold") == "s3a://bucket/matchday/gold"
    settings = Settings.from_env({"STREAMING_PARQUET_ROOT": "/data/bronze"})
    assert (settings.silver_root, settings.gold_root) == ("/data/silver", "/data/gold")
    assert Settings.from_env({"STREAMING_SILVER_ROOT": "/lake/s"}).silver_root == "/lake/s"


def test_a_run_takes_the_dates_in_its_bounds_and_the_unknown_date_only_unbounded():
    assert in_range("2018-06-14", date(2018, 6, 14), date(2018, 6, 14))
    assert not in_range("2018-06-13", date(2018, 6, 14), None)
    assert not in_range("2018-06-29", None, date(2018, 6, 28))
    assert in_range("__HIVE_DEFAULT_PARTITION__", None, None)
    assert not in_range("__HIVE_DEFAULT_PARTITION__", date(2018, 6, 14), None)


def test_a_date_changes_when_a_bronze_file_arrives(tmp_path):
    folder = tmp_path / "topic=match-events"
    for day in ("2018-06-14", "2018-06-15"):
        (folder / f"match_date={day}").mkdir(parents=True)
        pq.write_table(pa.table({"event_id": ["a"]}), folder / f"match_date={day}" / "part-q-0.parquet")
    (folder / "match_date=2018-06-15" / ".part-q-1.parquet.tmp").write_bytes(b"half-written")  # ignored
    dates = bronze_dates(str(tmp_path), "match-events", None, None)
    assert sorted(dates) == ["2018-06-14", "2018-06-15"]
    assert [name for name, _ in dates["2018-06-15"]] == ["part-q-0.parquet"]
    before = fingerprint(dates["2018-06-15"])
    pq.write_table(pa.table({"event_id": ["b"]}), folder / "match_date=2018-06-15" / "part-q-1.parquet")
    after = bronze_dates(str(tmp_path), "match-events", date(2018, 6, 15), None)
    assert list(after) == ["2018-06-15"] and fingerprint(after["2018-06-15"]) != before
    assert bronze_dates(str(tmp_path), "live-matches", None, None) == {}
