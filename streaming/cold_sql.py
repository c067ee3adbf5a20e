"""`python -m streaming sql "..."`: Spark SQL over the cold store without PostgreSQL. Every Silver
table is a view silver_<table> (silver_match_events, ...) and every Gold mart a view gold_<mart>
(gold_league_table, ...); `match_date` is a column of the Silver views."""

from __future__ import annotations

from .errors import StreamingError
from .settings import Settings


def _folders(root: str) -> dict[str, str]:
    """Name -> folder of each table under a Silver or Gold root (local or an object store)."""
    import pyarrow.fs as pafs

    from .batch_layer import _spark_path
    from .sinks import filesystem

    fs, base = filesystem(root)
    if fs.get_file_info(base).type != pafs.FileType.Directory:
        return {}
    return {entry.base_name: f"{_spark_path(root)}/{entry.base_name}" for entry in fs.get_file_info(pafs.FileSelector(base))
            if entry.type == pafs.FileType.Directory and not entry.base_name.startswith(("_", "."))}

def views(settings: Settings) -> dict[str, str]:
    """View name -> Parquet folder."""
    return {**{f"silver_{name}": path for name, path in _folders(settings.silver_root).items()},
            **{f"gold_{name}": path for name, path in _folders(settings.gold_root).items()}}

def run(settings: Settings, query: str, limit: int) -> None:
    from . import job

    tables = views(settings)
    if not tables:
        raise StreamingError(f"No Silver or Gold tables in {settings.silver_root} or {settings.gold_root}: run `make batch` "
                             "first, or set STREAMING_SILVER_ROOT / STREAMING_GOLD_ROOT.")
    spark = job.spark_session(settings, app_name="matchday-sql")
    for name, path in tables.items():
        spark.read.parquet(path).createOrReplaceTempView(name)
    try:
        result = spark.sql(query)
    except Exception as error:  # noqa: BLE001 - Spark's AnalysisException and parse errors, shown in one line
        first = str(error).strip().splitlines()[0][:400]
        raise StreamingError(f"{first} (views: {', '.join(sorted(tables))})") from None
    result.show(limit, truncate=False)
