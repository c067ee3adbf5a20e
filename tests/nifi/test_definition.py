"""The committed flow definition and the flow's settings, without NiFi."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nifi import NiFiConfigError, definition
from nifi.settings import FlowSettings
from stack import StackError
from stack import nifi as stack_nifi

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_definition_is_what_definition_py_writes():
    committed = json.loads(definition.DEFINITION.read_text())
    assert committed == json.loads(json.dumps(definition.build())), "run `python -m nifi definition` and commit nifi/flow/"


def test_no_failure_relationship_is_auto_terminated():
    processors = definition.build()["flowContents"]["processors"]
    for processor in processors:
        assert not {"failure", "Failure", "Retry", "No Retry", "unmatched"} & set(processor["autoTerminatedRelationships"]), processor["name"]


def test_a_poll_interval_above_the_plan_is_refused_naming_the_setting():
    env = {"FOOTBALL_DATA_API_KEY": "k", "NIFI_POLL_SECONDS": "5", "FOOTBALL_DATA_REQUESTS_PER_MINUTE": "10"}
    with pytest.raises(NiFiConfigError, match="NIFI_POLL_SECONDS is 5.*set it to 6 or more"):
        FlowSettings.from_env(env)
    assert FlowSettings.from_env({**env, "NIFI_POLL_SECONDS": "6"}).poll_seconds == 6


def test_deploy_without_a_key_is_one_sentence_naming_it():
    env = {name: value for name, value in __import__("os").environ.items() if name != "FOOTBALL_DATA_API_KEY"}
    done = subprocess.run([sys.executable, "-m", "nifi", "deploy"], cwd=ROOT, env={**env, "FOOTBALL_DATA_API_KEY": ""},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "FOOTBALL_DATA_API_KEY is not set" in lines[0], done.stderr


@pytest.mark.parametrize("name, value, words", [
    ("NIFI_PORT", "84430", "NIFI_PORT"), ("NIFI_PASSWORD", "short", "NIFI_PASSWORD"),
    ("NIFI_HEAP", "lots", "NIFI_HEAP"), ("NIFI_ENABLED", "maybe", "NIFI_ENABLED")])
def test_nifi_misconfiguration_names_the_setting(name, value, words):
    with pytest.raises(StackError, match=words):
        stack_nifi.NiFiSettings.from_env({name: value, "NIFI_PASSWORD": "long-enough-password", **{name: value}})


def test_the_login_keeps_a_salted_hash_not_the_password():
    first, second = stack_nifi.password_hash("a-password-of-ours"), stack_nifi.password_hash("a-password-of-ours")
    assert first != second and "a-password-of-ours" not in first
    assert first.startswith(f"pbkdf2-sha256${stack_nifi.PBKDF2_ITERATIONS}$")
