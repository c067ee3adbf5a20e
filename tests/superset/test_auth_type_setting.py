"""SUPERSET_AUTH_TYPE chooses who may log in to Superset; a value it does not know is one sentence naming it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from stack import superset as superset_stack

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "superset" / "superset_config.py"
# Superset's configuration needs Superset's Python (Flask-AppBuilder), as the stack runs it.
READ_AUTH_TYPE = f"import runpy; print(runpy.run_path({str(CONFIG)!r})['AUTH_TYPE'])"


def auth_type(value: str | None) -> subprocess.CompletedProcess:
    env = {key: val for key, val in os.environ.items() if key != "SUPERSET_AUTH_TYPE"}
    env["SUPERSET_SECRET_KEY"] = "a-test-key-that-is-long-enough-for-superset-0123456789"
    if value is not None:
        env["SUPERSET_AUTH_TYPE"] = value
    return subprocess.run([str(superset_stack.VENV / "bin" / "python"), "-c", READ_AUTH_TYPE], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("value", "expected"), [
    (None, "AUTH_DB"), ("", "AUTH_DB"), ("db", "AUTH_DB"), ("LDAP", "AUTH_LDAP"), ("oauth", "AUTH_OAUTH"),
    ("remote_user", "AUTH_REMOTE_USER"),
])
def test_the_auth_type_is_the_setting(value, expected):
    from_fab = subprocess.run(
        [str(superset_stack.VENV / "bin" / "python"), "-c",
         f"from flask_appbuilder.security.manager import {expected}; print({expected})"],
        capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    result = auth_type(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == from_fab


def test_an_unknown_auth_type_is_one_sentence_naming_the_setting():
    result = auth_type("kerberos")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SUPERSET_AUTH_TYPE" in lines[0] and "'kerberos'" in lines[0] and "Traceback" not in result.stderr
