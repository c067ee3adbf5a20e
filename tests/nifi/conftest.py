"""Fixtures of the NiFi flow's tests: the stack's NiFi (started if it is not running), a logged-in
REST client, topics of a module's own, and deploying the flow of nifi/ pointed at them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nifi import deploy as flow_deploy
from nifi.client import NiFiClient
from stack import nifi as stack_nifi

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def nifi_settings() -> stack_nifi.NiFiSettings:
    settings = stack_nifi.NiFiSettings.from_env(enabled=True)
    if not stack_nifi.healthy(settings):
        # `make test` has started it (NIFI=1); a run of these tests alone starts it the same way.
        done = subprocess.run([sys.executable, "-m", "stack", "up", "--nifi", "--no-superset"], cwd=ROOT,
                              capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stderr[-3000:]
    return settings


@pytest.fixture(scope="session")
def nifi_client(nifi_settings) -> NiFiClient:
    return NiFiClient(nifi_settings.url, nifi_settings.username, nifi_settings.password,
                      str(stack_nifi.SERVER_CERT)).login()


@pytest.fixture(scope="module")
def module_topics(kafka_config, request):
    """Factory: topics for this module only, deleted after it."""
    from tests.kafka_topics import topic_factory

    with topic_factory(kafka_config, f"test-nifi-{request.module.__name__.rsplit('.', 1)[-1][5:]}") as create:
        yield create


@pytest.fixture(scope="module")
def undeploy_after(nifi_client):
    yield
    flow_deploy.undeploy(nifi_client)

