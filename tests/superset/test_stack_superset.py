"""The stack's Superset component: secrets generated privately, misconfiguration in one sentence, no password in git."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from stack import secretfile
from stack import superset as superset_stack
from stack.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_a_generated_secret_is_private_long_and_kept(tmp_path):
    path = tmp_path / "superset" / "secret_key"
    first = secretfile.generated(path, 42)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert secretfile.generated(path, 42) == first


def test_superset_refuses_a_weak_secret_key_in_one_sentence():
    env = os.environ | {"SUPERSET_CONFIG_PATH": str(ROOT / "superset" / "superset_config.py"),
                        "SUPERSET_SECRET_KEY": "thisISaSECRET_1234"}
    result = subprocess.run([str(superset_stack.VENV / "bin" / "superset"), "version"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SUPERSET_SECRET_KEY" in lines[0] and "Traceback" not in result.stderr


def test_a_taken_port_is_one_clear_sentence(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    env = os.environ | {"MATCHDAY_STACK_DIR": str(tmp_path / "stack"), "SUPERSET_PORT": str(port)}
    try:
        result = subprocess.run([sys.executable, "-m", "stack.superset", "up"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"Port {port}" in lines[0] and "SUPERSET_PORT" in lines[0]


def test_no_password_in_the_committed_assets_only_in_the_import_bundle(tmp_path):
    postgres = Settings.from_env().postgres
    (database,) = (superset_stack.ASSETS / "databases").glob("*.yaml")
    committed = yaml.safe_load(database.read_text())
    assert committed["sqlalchemy_uri"].startswith(f"postgresql+psycopg2://{postgres.superset_user}:XXXXXXXXXX@")
    assert committed["allow_dml"] is False

    bundle = superset_stack.assets_bundle(tmp_path / "assets.zip", superset_stack.database_uri(postgres))
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        bundled = yaml.safe_load(archive.read(f"matchday_assets/databases/{database.name}"))
    assert bundled["sqlalchemy_uri"] == (f"postgresql+psycopg2://{postgres.superset_user}:{postgres.superset_password}"
                                         f"@{postgres.host}:{postgres.port}/{postgres.db}")
    assert len([n for n in names if n.startswith("matchday_assets/dashboards/")]) == len(
        list((superset_stack.ASSETS / "dashboards").glob("*.yaml")))
    # The type of bundle ImportAssetsCommand takes, the importer that overwrites every object.
    with zipfile.ZipFile(bundle) as archive:
        assert yaml.safe_load(archive.read("matchday_assets/metadata.yaml"))["type"] == "assets"
