"""The distribution: `pip install .` builds a wheel whose console scripts run outside the
checkout, each answering --version, with the topic contracts and the bundled matches inside it.

`slow`: it builds a wheel and makes two virtualenvs, and pip fetches the build backend and the
`ingest` extra's packages from PyPI (a minute or two).
"""

from __future__ import annotations

import configparser
import os
import socket
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from matchday import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _outside_env(venv: Path) -> dict[str, str]:
    """An environment as outside the checkout: none of the settings this run read from its .env,
    and a broker address where nothing listens, so a replay stops on its settings and never
    reaches the stack's real broker."""
    kept = {name: os.environ[name] for name in ("HOME", "LANG", "TMPDIR") if name in os.environ}
    return kept | {"PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
                   "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{_closed_port()}"}


def _console_scripts(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
        parser = configparser.ConfigParser()
        parser.read_string(archive.read(name).decode())
    return dict(parser["console_scripts"])


def _venv(path: Path) -> Path:
    done = _run([sys.executable, "-m", "venv", str(path)], cwd=path.parent)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
                cwd=out, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("matchday-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_only(wheel, tmp_path_factory) -> Path:
    """The wheel installed without its dependencies, which come from this virtualenv (so pyspark
    is not fetched again); matchday's own packages can only come from the wheel."""
    venv = _venv(tmp_path_factory.mktemp("wheel-only") / "venv")
    done = _run([str(venv / "bin" / "pip"), "install", "--quiet", "--no-deps", str(wheel)], cwd=venv, timeout=300)
    assert done.returncode == 0, done.stderr
    site = Path(_run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=venv).stdout.strip())
    # A plain path line: the directory is searched after the wheel's, its own .pth files (this
    # checkout's editable install) are not run.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_every_python_m_module_of_the_wheel_is_a_console_script(wheel):
    with zipfile.ZipFile(wheel) as archive:
        modules = sorted(n[: -len("/__main__.py")].replace("/", ".") for n in archive.namelist() if n.endswith("/__main__.py"))
    targets = sorted(target.split(":")[0].removesuffix(".__main__") for target in _console_scripts(wheel).values())
    assert modules and targets == modules


def test_every_console_script_shows_the_version(wheel, wheel_only, tmp_path):
    env = _outside_env(wheel_only)
    shown = {}
    for script in _console_scripts(wheel):
        done = _run([str(wheel_only / "bin" / script), "--version"], cwd=tmp_path, env=env)
        shown[script] = (done.returncode, done.stdout.strip() or done.stderr.strip()[-300:])
    assert shown == {script: (0, f"matchday {__version__}") for script in shown}


def test_the_installed_landing_job_reads_the_contracts_inside_the_wheel(wheel_only, tmp_path):
    done = _run([str(wheel_only / "bin" / "matchday-streaming"), "ddl"], cwd=tmp_path, env=_outside_env(wheel_only))
    assert done.returncode == 0, done.stderr
    assert "match_events" in done.stdout


def test_the_ingest_extra_installs_a_working_replay(wheel, tmp_path_factory, tmp_path):
    """A fresh virtualenv with `pip install matchday[ingest]` only: the replay finds the bundled
    matches in the wheel and stops on its broker setting with one sentence, no traceback."""
    venv = _venv(tmp_path_factory.mktemp("ingest-extra") / "venv")
    done = _run([str(venv / "bin" / "pip"), "install", "--quiet", f"{wheel}[ingest]"], cwd=venv, timeout=600)
    assert done.returncode == 0, done.stderr
    env = _outside_env(venv)
    ingest = str(venv / "bin" / "matchday-ingest")

    version = _run([ingest, "--version"], cwd=tmp_path, env=env)
    assert (version.returncode, version.stdout) == (0, f"matchday {__version__}\n"), version.stderr
    usage = _run([ingest, "replay", "--help"], cwd=tmp_path, env=env)
    assert usage.returncode == 0 and "--match-ids" in usage.stdout, usage.stderr

    replay = _run([ingest, "replay", "--match-ids", "7576", "--speed", "0", "--quiet"], cwd=tmp_path, env=env)
    assert replay.returncode == 2, replay.stdout + replay.stderr
    assert replay.stderr.startswith("error: Cannot reach Kafka at 127.0.0.1:"), replay.stderr
    assert len(replay.stderr.strip().splitlines()) == 1, replay.stderr
