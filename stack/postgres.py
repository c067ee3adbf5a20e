"""PostgreSQL for the stack: a cluster of ours in .stack/postgres, or a server the user points at.

Either way `up` makes sure the database, the schemas streaming/staging/marts and the three
roles exist: the pipeline's writer, and the read-only `analyst` and `superset`.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from ingest.errors import PostgresUnreachableError

from . import STACK_DIR, StackError
from .process import read_pid, run_checked, start_once, status_row, tree_memory_mb
from .settings import PostgresSettings

PG_DIR = STACK_DIR / "postgres"
SCHEMAS = ("streaming", "staging", "marts")


def _bin(name: str) -> str:
    """A PostgreSQL server program: PG_BIN, else the newest Debian install, else PATH."""
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in candidates:
        if folder and Path(folder, name).exists():
            return str(Path(folder, name))
    found = shutil.which(name)
    if not found:
        raise StackError(
            "The PostgreSQL server is not installed: apt-get install postgresql, "
            "or set POSTGRES_MODE=external and POSTGRES_HOST to a running server."
        )
    return found


def _as_owner() -> list[str]:
    """PostgreSQL refuses to run as root; as root we run it as the `postgres` user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise StackError("Running as root needs the `postgres` system user: apt-get install postgresql.") from None
    return ["runuser", "-u", "postgres", "--"]


def _cluster_dir() -> Path:
    """Where the cluster lives: .stack/postgres, or (as root, when the `postgres` user cannot
    reach the checkout) a folder under /var/tmp that .stack/postgres links to."""
    if PG_DIR.exists() or PG_DIR.is_symlink():
        return PG_DIR
    STACK_DIR.mkdir(parents=True, exist_ok=True)
    if _as_owner():
        reachable = subprocess.run([*_as_owner(), "test", "-x", str(STACK_DIR)]).returncode == 0
        if not reachable:
            outside = Path("/var/tmp") / f"matchday-postgres-{hashlib.sha1(str(STACK_DIR).encode()).hexdigest()[:10]}"
            outside.mkdir(parents=True, exist_ok=True)
            PG_DIR.symlink_to(outside)
    PG_DIR.mkdir(exist_ok=True)
    if _as_owner():
        shutil.chown(PG_DIR.resolve(), "postgres", "postgres")
    return PG_DIR


def _run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([*_as_owner(), *command], capture_output=True, text=True)


def data_dir() -> Path:
    return PG_DIR / "data"


def socket_dir() -> Path:
    return PG_DIR / "run"


def pid() -> int | None:
    return read_pid(data_dir() / "postmaster.pid", str(data_dir()))


def _init_cluster(settings: PostgresSettings) -> None:
    if (data_dir() / "PG_VERSION").exists():
        return
    _cluster_dir()
    run_checked([*_as_owner(), _bin("initdb"), "-D", str(data_dir()), "-U", settings.admin_user, "-E", "UTF8",
                 "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"], "initdb failed")


def start(settings: PostgresSettings) -> str:
    if not settings.is_local:
        return f"using the server at {settings.host}:{settings.port} (POSTGRES_MODE=external)"
    return start_once(pid(), [(settings.port, "POSTGRES_PORT")], lambda: _launch(settings),
                      hint=" (or POSTGRES_MODE=external to use that server)")


def _launch(settings: PostgresSettings) -> str:
    _init_cluster(settings)
    socket_dir().mkdir(exist_ok=True)
    if _as_owner():
        shutil.chown(socket_dir(), "postgres", "postgres")
    options = f"-p {settings.port} -k {socket_dir()} -c listen_addresses=localhost -c shared_buffers=128MB"
    result = _run([_bin("pg_ctl"), "-D", str(data_dir()), "-l", str(PG_DIR / "postgres.log"), "-o", options, "-w", "-t", "60", "start"])
    if result.returncode != 0:
        log = (PG_DIR / "postgres.log")
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-10:]) if log.exists() else ""
        raise StackError(f"PostgreSQL did not start; see {log}:\n{result.stderr[-1000:]}{tail}")
    return f"started (pid {pid()}, port {settings.port})"


def shutdown() -> str:
    running = pid()
    if not running:
        return "not running"
    result = _run([_bin("pg_ctl"), "-D", str(data_dir()), "-m", "fast", "-w", "-t", "60", "stop"])
    if result.returncode != 0:
        raise StackError(f"PostgreSQL did not stop: {result.stderr.strip()}")
    return f"stopped (pid {running})"


def admin_connection(settings: PostgresSettings, dbname: str):
    import psycopg2

    if settings.is_local:
        params = {"host": str(socket_dir()), "port": settings.port, "user": settings.admin_user}
    else:
        params = {"host": settings.host, "port": settings.port, "user": settings.admin_user,
                  "password": settings.admin_password}
    try:
        conn = psycopg2.connect(dbname=dbname, connect_timeout=10, **params)
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        raise StackError(
            f"Cannot connect to PostgreSQL as {settings.admin_user} ({reason}): "
            "set POSTGRES_ADMIN_USER and POSTGRES_ADMIN_PASSWORD to a role that may create databases and roles."
        ) from None
    conn.autocommit = True
    return conn


def provision(settings: PostgresSettings) -> None:
    """Create (or bring up to date) the database, its schemas and the three roles. Idempotent."""
    import psycopg2.errors
    from psycopg2 import sql

    roles = (
        (settings.user, settings.password),
        (settings.analyst_user, settings.analyst_password),
        (settings.superset_user, settings.superset_password),
    )
    conn = admin_connection(settings, "postgres")
    with conn.cursor() as cur:
        # A failing statement is logged with its text, and these hold passwords: log none of them
        # (a managed server's administrator may not be allowed to say so; its logs are its own).
        for setting in ("SET log_min_error_statement = panic", "SET log_statement = 'none'"):
            try:
                cur.execute(setting)
            except psycopg2.errors.InsufficientPrivilege:
                pass
        for role, password in roles:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            verb = "ALTER" if cur.fetchone() else "CREATE"
            cur.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(role)), (password,))
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (settings.db,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(settings.db)))
    conn.close()

    grants = (Path(__file__).parent / "sql" / "grants.sql").read_text()
    conn = admin_connection(settings, settings.db)
    with conn.cursor() as cur:
        cur.execute(
            sql.SQL(grants).format(
                db=sql.Identifier(settings.db),
                writer=sql.Identifier(settings.user),
                analyst=sql.Identifier(settings.analyst_user),
                superset=sql.Identifier(settings.superset_user),
                admin=sql.Identifier(settings.admin_user),
            )
        )
    conn.close()


def problem(settings: PostgresSettings) -> str | None:
    """None when the writer role can connect; otherwise one sentence saying what to set."""
    try:
        settings.connect(timeout=3).close()
    except PostgresUnreachableError as error:
        return str(error)
    return None


def status(settings: PostgresSettings) -> dict:
    running = pid() if settings.is_local else None
    # The postmaster and its backends, checkpointer, walwriter...
    memory = tree_memory_mb(running) if running else None
    trouble = problem(settings)
    return status_row("postgres", running, not trouble, trouble or "", f"{settings.host}:{settings.port}/{settings.db}",
                      memory)
