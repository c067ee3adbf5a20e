"""`python -m stack up|down|status`: the local stack's manager (the Makefile's up/down/status)."""

from __future__ import annotations

import argparse
import sys

from matchday import add_version_flag

from . import StackError, envfile, kafka, nifi, pipeline, postgres, schema_registry, superset
from .cli import command
from .process import memory_text
from .settings import Settings


def up_postgres(settings: Settings) -> None:
    print(f"postgres: {postgres.start(settings.postgres)}", flush=True)
    postgres.provision(settings.postgres)
    print(f"postgres: database {settings.postgres.db} with schemas {', '.join(postgres.SCHEMAS)} and roles "
          f"{settings.postgres.user} (writer), {settings.postgres.analyst_user}, {settings.postgres.superset_user} "
          "(read-only)", flush=True)


def up(settings: Settings, with_superset: bool, with_nifi: bool = False) -> None:
    up_postgres(settings)
    kafka.fetch_jars()
    print(f"kafka: {kafka.start(settings.kafka)}", flush=True)
    trouble = kafka.problem(settings.kafka, timeout=10)
    if trouble:
        raise StackError(trouble)
    created = kafka.create_topics(settings.kafka)
    print(f"kafka: topics {', '.join(settings.kafka.topics)}"
          + (f" (created {', '.join(created)})" if created else " (all present)"), flush=True)
    if settings.kafka.schema_registry_url:
        print(f"schema registry: {schema_registry.start(settings.kafka.schema_registry_url)}", flush=True)
    if with_superset:
        superset_settings = superset.SupersetSettings.from_env()
        print(f"superset: {superset.start(superset_settings, settings.postgres)}", flush=True)
        print(superset.login_note(superset_settings), flush=True)
    nifi_settings = nifi.NiFiSettings.from_env()
    if with_nifi or nifi_settings.enabled:
        print(f"nifi: {nifi.start(nifi_settings)}", flush=True)
        print(nifi.login_note(nifi_settings), flush=True)


def down() -> None:
    for name in pipeline.COMMANDS:
        stopped = pipeline.shutdown(name)
        if stopped:
            print(f"{name}: {stopped}", flush=True)
    print(f"nifi: {nifi.shutdown()}", flush=True)
    print(f"superset: {superset.shutdown()}", flush=True)
    print(f"schema registry: {schema_registry.stop()}", flush=True)
    print(f"kafka: {kafka.shutdown()}", flush=True)
    print(f"postgres: {postgres.shutdown()}", flush=True)


def total_row(rows: list[dict]) -> dict:
    """The last row of `status`: the memory of the whole stack, the sum of the rows' (unrounded) memory."""
    memory = sum(row["memory_mb"] or 0.0 for row in rows)
    return {"service": "total", "state": "-", "problem": "", "pid": "-", "address": "-",
            "memory": memory_text(memory), "memory_mb": memory}


def status(settings: Settings) -> bool:
    rows = [kafka.status(settings.kafka), postgres.status(settings.postgres)]
    if (superset.VENV / "bin" / "superset").exists():
        rows.append(superset.status(superset.SupersetSettings.from_env()))
    services_ok = all(r["state"] == "healthy" for r in rows)
    nifi_settings = nifi.NiFiSettings.from_env()
    if nifi.installed() or nifi.pid():
        # Optional: counts towards the stack's health only when it runs or is asked for.
        row = nifi.status(nifi_settings)
        rows.append(row)
        if nifi.pid() or nifi_settings.enabled:
            services_ok = services_ok and row["state"] == "healthy"
    rows += pipeline.status_rows()
    rows.append(total_row(rows))
    columns = ("service", "state", "pid", "address", "memory")
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(row[c].ljust(widths[c]) for c in columns))
    for row in rows:
        if row["problem"]:
            print(f"{row['service']}: {row['problem']}")
    return services_ok


@command("matchday stack", StackError)
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    add_version_flag(parser)
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--no-superset", action="store_true", help="up: leave Superset out (Kafka and PostgreSQL only)")
    parser.add_argument("--nifi", action="store_true", help="up: start Apache NiFi too (as NIFI_ENABLED=1 does)")
    parser.add_argument("--postgres-only", action="store_true",
                        help="up: PostgreSQL only, what dbt needs (make transform, transform-loop, evaluate)")
    args = parser.parse_args(argv)
    envfile.load_defaults()  # as the Makefile does, for runs without make
    settings = Settings.from_env()
    if args.command == "up" and args.postgres_only:
        up_postgres(settings)
    elif args.command == "up":
        up(settings, with_superset=not args.no_superset, with_nifi=args.nifi)
    elif args.command == "down":
        down()
    else:
        return 0 if status(settings) else 1


if __name__ == "__main__":
    sys.exit(main())
