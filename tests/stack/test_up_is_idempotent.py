"""`make up` on a running stack changes nothing and succeeds."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_second_up_finds_everything_running():
    result = subprocess.run([sys.executable, "-m", "stack", "up"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "kafka: already running" in result.stdout or "kafka: using the brokers at" in result.stdout
    assert "postgres: already running" in result.stdout or "postgres: using the server at" in result.stdout
    assert "(all present)" in result.stdout
