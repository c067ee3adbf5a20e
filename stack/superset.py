"""Apache Superset for the stack: bootstrap its metadata and assets, run it with gunicorn on localhost.

The bootstrap is safe to run again: migrations, roles, the admin user, the dashboards
imported from superset/assets/, the `matchday` connection as the read-only role, and the
`Analyst` role with its user (superset/roles.py).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

from . import ROOT, STACK_DIR, StackError, envfile
from .cli import command
from .process import read_pid, refuse_taken_ports, shut_down, spawn, status_row, tree_memory_mb, wait_for
from .secretfile import generated
from .settings import PostgresSettings, _port

SUPERSET_DIR = STACK_DIR / "superset"
VENV = Path(os.environ.get("SUPERSET_VENV") or ROOT / ".venv-superset")
CONFIG = ROOT / "superset" / "superset_config.py"
ASSETS = ROOT / "superset" / "assets"
IMPORTER = ROOT / "superset" / "import_assets.py"
ROLES = ROOT / "superset" / "roles.py"
PID_FILE = SUPERSET_DIR / "gunicorn.pid"
LOG_FILE = SUPERSET_DIR / "superset.log"
SECRET_KEY_FILE = SUPERSET_DIR / "secret_key"
ADMIN_PASSWORD_FILE = SUPERSET_DIR / "admin_password"
ANALYST_PASSWORD_FILE = SUPERSET_DIR / "analyst_password"
# Hash of the assets and roles last applied: a running Superset re-imports them only when they changed.
ASSETS_STAMP = SUPERSET_DIR / "assets.sha256"
# gunicorn runs with --chdir here; the path in its command line identifies our process.
MARKER = str(SUPERSET_DIR)
DATABASE_NAME = "matchday"


@dataclass(frozen=True)
class SupersetSettings:
    port: int
    admin_user: str
    admin_password: str = field(repr=False)
    secret_key: str = field(repr=False)
    metadata_uri: str = field(default="", repr=False)
    bind_address: str = "127.0.0.1"
    analyst_user: str = "analyst"
    analyst_password: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        """Where this machine reaches it: the bind address, or localhost when bound to every interface."""
        host = "127.0.0.1" if ipaddress.ip_address(self.bind_address).is_unspecified else self.bind_address
        return f"http://{_in_url(host)}:{self.port}"

    @property
    def bind(self) -> str:
        """gunicorn's --bind."""
        return f"{_in_url(self.bind_address)}:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "SupersetSettings":
        """Settings from SUPERSET_*; an empty secret key or admin password is generated once
        into .stack/superset/ (mode 0600) so a fresh checkout runs without editing .env."""
        env = os.environ if env is None else env
        return cls(
            port=_port(env.get("SUPERSET_PORT") or "8088", "SUPERSET_PORT"),
            admin_user=env.get("SUPERSET_ADMIN_USER") or "admin",
            admin_password=env.get("SUPERSET_ADMIN_PASSWORD") or generated(ADMIN_PASSWORD_FILE, 18),
            secret_key=env.get("SUPERSET_SECRET_KEY") or generated(SECRET_KEY_FILE, 42),
            metadata_uri=env.get("SUPERSET_METADATA_URI") or "",
            bind_address=_bind_address(env.get("SUPERSET_BIND_ADDRESS") or "127.0.0.1"),
            analyst_user=env.get("SUPERSET_ANALYST_USER") or "analyst",
            analyst_password=env.get("SUPERSET_ANALYST_PASSWORD") or generated(ANALYST_PASSWORD_FILE, 18),
        )


def _in_url(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def _bind_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise StackError(f"SUPERSET_BIND_ADDRESS must be an IP address of this machine (127.0.0.1, or 0.0.0.0 for "
                         f"every interface), not {value!r}: set it in .env.") from None




def _env(settings: SupersetSettings) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "SUPERSET_CONFIG_PATH": str(CONFIG),
        "SUPERSET_SECRET_KEY": settings.secret_key,
        "MATCHDAY_STACK_DIR": str(STACK_DIR),
        "SUPERSET_PORT": str(settings.port),
        "FLASK_APP": "superset.app:create_app()",
        "PYTHONUNBUFFERED": "1",
    }
    if settings.metadata_uri:
        env["SUPERSET_METADATA_URI"] = settings.metadata_uri
    return env


def _executable(name: str) -> str:
    path = VENV / "bin" / name
    if not path.exists():
        raise StackError(
            f"Superset is not installed in {VENV}: create it with "
            "`python3 -m venv .venv-superset && .venv-superset/bin/pip install -r superset/requirements.txt`."
        )
    return str(path)


def _cli(settings: SupersetSettings, *args: str, what: str, program: str = "superset",
         extra_env: Mapping[str, str] | None = None) -> str:
    """Run one `superset` CLI command (or a script with Superset's `python`); its output goes to
    the log, a failure names the step."""
    SUPERSET_DIR.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([_executable(program), *args], env=_env(settings) | dict(extra_env or {}),
                            capture_output=True, text=True,
                            cwd=SUPERSET_DIR)
    output = result.stdout + result.stderr
    with open(LOG_FILE, "a") as log:
        log.write(f"\n--- {program} {args[0]} ---\n{_mask(output, settings)}")
    if result.returncode != 0:
        lines = [line for line in _mask(output, settings).splitlines() if line.strip()]
        raise StackError(f"Superset's bootstrap failed at {what}; see {LOG_FILE}:\n" + "\n".join(lines[-8:]))
    return output


def _mask(text: str, settings: SupersetSettings) -> str:
    for secret in (settings.admin_password, settings.secret_key, settings.analyst_password):
        if secret:
            text = text.replace(secret, "********")
    return text


def assets_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ASSETS.rglob("*.yaml")):
        digest.update(str(path.relative_to(ASSETS)).encode())
        digest.update(path.read_bytes())
    digest.update(ROLES.read_bytes())
    return digest.hexdigest()


def assets_bundle(target: Path, uri: str) -> Path:
    """Zip superset/assets/ the way Superset exports them (one root folder), for its importer.

    The committed connection has its password masked, which Superset's importer refuses; the
    bundle gets the real URI instead, so it is written 0600 and deleted after the import. Its
    metadata says `assets`, the type of bundle the importer that overwrites everything takes.
    """
    if not (ASSETS / "metadata.yaml").exists():
        raise StackError(f"No Superset assets in {ASSETS}: restore superset/assets/ from git.")
    import yaml

    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as bundle:
        for path in sorted(ASSETS.rglob("*.yaml")):
            text = path.read_text()
            if path.parent.name == "databases":
                config = yaml.safe_load(text)
                config["sqlalchemy_uri"] = uri
                text = yaml.safe_dump(config, sort_keys=True)
            elif path.relative_to(ASSETS) == Path("metadata.yaml"):
                text = yaml.safe_dump(yaml.safe_load(text) | {"type": "assets"}, sort_keys=True)
            bundle.writestr(f"matchday_assets/{path.relative_to(ASSETS)}", text)
    return target


def database_uri(postgres: PostgresSettings) -> str:
    """The `matchday` connection: the read-only `superset` role, never the pipeline's writer."""
    return (
        f"postgresql+psycopg2://{quote(postgres.superset_user, safe='')}:{quote(postgres.superset_password, safe='')}"
        f"@{postgres.host}:{postgres.port}/{quote(postgres.db, safe='')}"
    )


def import_assets(settings: SupersetSettings, postgres: PostgresSettings) -> None:
    """Import the dashboards with their charts, datasets and the `matchday` connection, each
    overwriting the one Superset has (superset/import_assets.py)."""
    uri = database_uri(postgres)
    if any(ASSETS.glob("dashboards/*.yaml")):
        bundle = assets_bundle(SUPERSET_DIR / "assets.zip", uri)
        try:
            _cli(settings, str(IMPORTER), str(bundle), settings.admin_user, what="importing superset/assets",
                 program="python")
        finally:
            bundle.unlink(missing_ok=True)
    # The connection as .env has it now, also without dashboards to import (then this creates it).
    _cli(settings, "set-database-uri", "-d", DATABASE_NAME, "-u", uri, what="setting the matchday connection")
    apply_roles(settings)
    ASSETS_STAMP.write_text(assets_digest() + "\n")


def apply_roles(settings: SupersetSettings) -> None:
    """The `Analyst` role, exactly as superset/roles.py lists it, and the analyst user; after the
    import, since the role's database access names the `matchday` connection. The password goes
    through the environment, never the command line."""
    _cli(settings, str(ROLES), settings.analyst_user, DATABASE_NAME, what="applying the Analyst role",
         program="python", extra_env={"SUPERSET_ANALYST_PASSWORD": settings.analyst_password})


def bootstrap(settings: SupersetSettings, postgres: PostgresSettings) -> None:
    """Bring the metadata database to the state in git. Idempotent."""
    SUPERSET_DIR.mkdir(parents=True, exist_ok=True)
    _cli(settings, "db", "upgrade", what="`superset db upgrade`")
    _cli(settings, "init", what="`superset init`")
    created = _cli(settings, "fab", "create-admin", "--username", settings.admin_user, "--firstname", "matchday",
                   "--lastname", "admin", "--email", f"{settings.admin_user}@localhost",
                   "--password", settings.admin_password, what="creating the admin user")
    if "already exist" in created.lower():
        # The password may have changed in .env since the user was created.
        _cli(settings, "fab", "reset-password", "--username", settings.admin_user,
             "--password", settings.admin_password, what="setting the admin password")
    import_assets(settings, postgres)


def pid() -> int | None:
    return read_pid(PID_FILE, MARKER)


def healthy(settings: SupersetSettings, timeout: float = 3) -> bool:
    try:
        with urllib.request.urlopen(f"{settings.url}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(settings: SupersetSettings, postgres: PostgresSettings) -> str:
    running = pid()
    if running:
        if not ASSETS_STAMP.exists() or ASSETS_STAMP.read_text().strip() != assets_digest():
            import_assets(settings, postgres)
            return f"already running (pid {running}); assets re-imported"
        return f"already running (pid {running})"
    refuse_taken_ports([(settings.port, "SUPERSET_PORT")])
    began = time.monotonic()
    bootstrap(settings, postgres)
    command = [
        _executable("gunicorn"),
        "--bind", settings.bind,
        "--chdir", str(SUPERSET_DIR),
        # One worker with threads: the machine is small and the queries wait on PostgreSQL, not CPU.
        "--workers", "1", "--worker-class", "gthread", "--threads", "8",
        "--timeout", "120", "--limit-request-line", "0", "--limit-request-field_size", "0",
        "superset.app:create_app()",
    ]
    started = spawn(command, LOG_FILE, PID_FILE, env=_env(settings))
    wait_for(lambda: healthy(settings), "Superset", 120, started, LOG_FILE)
    return f"started (pid {started}, {settings.url}, ready in {time.monotonic() - began:.0f} s)"


def shutdown() -> str:
    return shut_down(PID_FILE, MARKER, "Superset", timeout=30)


def status(settings: SupersetSettings) -> dict:
    running = pid()
    ok = bool(running) and healthy(settings)
    # The gunicorn master is small; its workers hold the app.
    memory = tree_memory_mb(running) if running else None
    problem = "" if ok else f"Superset does not answer on {settings.url}: run `make up`."
    return status_row("superset", running, ok, problem, settings.url, memory)


def login_note(settings: SupersetSettings) -> str:
    """Where to log in; the password is shown only when it was generated (it is in no file we commit)."""
    where = "SUPERSET_ADMIN_PASSWORD" if os.environ.get("SUPERSET_ADMIN_PASSWORD") else ADMIN_PASSWORD_FILE
    return f"Superset: {settings.url}/dashboard/list/ (user {settings.admin_user}, password in {where})"


@command("matchday stack", StackError)
def main(argv: list[str] | None = None) -> int:
    envfile.load_defaults()  # as the Makefile does, for runs without make
    import argparse

    from .settings import Settings

    parser = argparse.ArgumentParser(prog="python -m stack.superset", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status", "import"))
    args = parser.parse_args(argv)
    if args.command == "down":
        print(f"superset: {shutdown()}")
        return 0
    settings = SupersetSettings.from_env()
    postgres = Settings.from_env().postgres
    if args.command == "up":
        print(f"superset: {start(settings, postgres)}", flush=True)
        print(login_note(settings))
    elif args.command == "import":
        import_assets(settings, postgres)
        print(f"superset: imported {ASSETS}")
    else:
        row = status(settings)
        print(f"superset: {row['state']} (pid {row['pid']}, {row['address']}, {row['memory']})")
        if row["problem"]:
            print(row["problem"])
        return 0 if row["state"] == "healthy" else 1


if __name__ == "__main__":
    sys.exit(main())
