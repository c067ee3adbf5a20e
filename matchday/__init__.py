"""The matchday distribution: its version (read by pyproject.toml) and the --version flag that
every command installed as a console script shows it with."""

from __future__ import annotations

import argparse

__version__ = "0.1.0"


def add_version_flag(parser: argparse.ArgumentParser) -> None:
    """`--version`: prints `matchday <version>` and exits."""
    parser.add_argument("--version", action="version", version=f"matchday {__version__}")
