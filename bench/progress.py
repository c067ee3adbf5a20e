"""One line per step of a long benchmark, each with the time elapsed since the run started."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def say(self, text: str) -> None:
        print(f"[{self.elapsed():7.1f} s] {text}", file=self.out, flush=True)

    @contextmanager
    def step(self, what: str):
        """Announce a step, and say how long it took when it ends (or that it failed)."""
        self.say(f"{what} ...")
        started = time.monotonic()
        try:
            yield
        except BaseException as error:
            self.say(f"{what}: stopped after {time.monotonic() - started:.1f} s ({type(error).__name__})")
            raise
        self.say(f"{what}: done in {time.monotonic() - started:.1f} s")


class Every:
    """True at most once per `seconds`: paces the progress lines of a waiting loop."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.last = time.monotonic()

    def __call__(self) -> bool:
        now = time.monotonic()
        if now - self.last >= self.seconds:
            self.last = now
            return True
        return False
