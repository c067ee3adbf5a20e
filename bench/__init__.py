"""`python -m bench`: the pipeline's benchmarks on the local stack. Each figure is measured next
to a baseline of the same run (so their ratio holds on a noisy machine) and written to bench.json."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The shared real data sits beside the repository (see ../shared/data/README.md).
SHARED_STATSBOMB = ROOT.parent / "shared" / "data" / "statsbomb"


class BenchError(Exception):
    """The benchmark cannot run as set up; the message is one sentence saying what to set or start."""
