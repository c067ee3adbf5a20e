"""Command line: `python -m streaming run|submit-command|migrate|class-archive|purge|batch|sql|ddl|alerts`; errors end in one sentence, no trace."""

from __future__ import annotations

import argparse
import logging
import sys

from matchday import add_version_flag
from stack import envfile
from stack.cli import command

from .errors import StreamingError
from .settings import Settings


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


MASTER_HELP = "Spark master URL (default SPARK_MASTER, else local[N]: N task slots, one per core, at least 4)"


@command("error", StreamingError, 2)
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streaming", description=__doc__)
    add_version_flag(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="land the topics in PostgreSQL and Parquet")
    run.add_argument("--available-now", action="store_true", help="process everything in Kafka, then exit")
    run.add_argument("--master", help=MASTER_HELP)
    submit = commands.add_parser("submit-command", help="print the spark-submit command that runs the landing job")
    submit.add_argument("--available-now", action="store_true", help="process everything in Kafka, then exit")
    submit.add_argument("--master", help=MASTER_HELP)
    commands.add_parser("migrate", help="create the tables of schema streaming")
    archive = commands.add_parser("class-archive", help="make the Spark driver's class archive (SPARK_CLASS_ARCHIVE) unless it is usable")
    archive.add_argument("--force", action="store_true", help="make it again even if it is usable")
    purge = commands.add_parser("purge", help="delete hot rows older than the retention")
    purge.add_argument("--days", type=int, help="retention in days (default STREAMING_HOT_RETENTION_DAYS)")
    batch = commands.add_parser("batch", help="the batch layer: cold store (Bronze) -> Silver -> history tables -> dbt -> Gold")
    batch.add_argument("--from", dest="first", type=_date, help="first match date (YYYY-MM-DD; default: the oldest)")
    batch.add_argument("--to", dest="last", type=_date, help="last match date (YYYY-MM-DD; default: the newest)")
    batch.add_argument("--full-refresh", action="store_true", help="rebuild every mart from hot and history (a changed model)")
    batch.add_argument("--no-dbt", action="store_true", help="stop after loading the history tables (no dbt build, no Gold)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    query = commands.add_parser("sql", help="Spark SQL over Silver and Gold (views silver_<table>, gold_<mart>)")
    query.add_argument("query", help='e.g. "select * from gold_league_table order by points desc"')
    query.add_argument("--limit", type=int, default=50, help="rows shown (default 50)")
    commands.add_parser("ddl", help="print the DDL generated from the contracts")
    alerts = commands.add_parser("alerts", help="push goals, red cards, VAR cancellations and results to a webhook")
    alerts.add_argument("--until-idle", type=float, metavar="SECONDS",
                        help="exit after SECONDS without a new message (default: run until stopped)")
    args = parser.parse_args(argv)
    envfile.load_defaults()  # as the Makefile does, for runs without make
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # The Python-JVM bridge logs every call at INFO: thousands of lines a minute that hide ours.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    settings = Settings.from_env()
    if args.command == "run":
        from . import job

        job.run(settings.with_overrides(spark_master=args.master), args.available_now)
    elif args.command == "submit-command":
        import shlex

        from . import spark_submit

        print(shlex.join(spark_submit.command(settings.with_overrides(spark_master=args.master), args.available_now)))
    elif args.command == "migrate":
        from . import job

        job.migrate(settings, job.load_contracts(settings))
        print(f"Tables of schema streaming are up to date (prefix {settings.table_prefix!r}).")
    elif args.command == "class-archive":
        from . import class_archive

        made = class_archive.make(settings, force=args.force)
        print(f"The Spark driver's class archive is {made}." if made else "SPARK_CLASS_ARCHIVE is off: no class archive.")
    elif args.command == "purge":
        from .purge import purge as purge_rows

        days = args.days if args.days is not None else settings.hot_retention_days
        if days < 0:
            raise StreamingError(f"--days must be 0 (every hot row) or more, not {days}.")
        deleted = purge_rows(settings, days)
        print(f"Deleted rows landed more than {days} days ago: " + ", ".join(f"{t} {n}" for t, n in deleted.items()))
    elif args.command == "batch":
        from . import batch_layer

        done = batch_layer.run(settings, args.first, args.last, dbt=not args.no_dbt, full_refresh=args.full_refresh,
                               show_progress=False if args.quiet else None)
        print(f"Batch layer: {done.dates} table-dates to Silver ({done.silver_rows} rows, {done.history_rows} new in "
              f"schema history), {done.skipped} unchanged"
              + (", Gold: " + ", ".join(f"{m} {n}" for m, n in done.gold.items()) if done.gold else ", Gold unchanged") + ".")
    elif args.command == "sql":
        from . import cold_sql

        cold_sql.run(settings, args.query, args.limit)
    elif args.command == "alerts":
        from .alerts import consumer
        from .alerts.settings import AlertsSettings

        delivered = consumer.run(AlertsSettings.from_env(), args.until_idle)
        print(f"Alerts delivered: {delivered}.")
    elif args.command == "ddl":
        from . import ddl, job

        print(ddl.render(job.load_contracts(settings)), end="")


if __name__ == "__main__":
    sys.exit(main())
