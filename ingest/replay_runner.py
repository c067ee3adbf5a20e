"""Plays a replay timeline into Kafka in real time (scaled by a speed factor) with a progress bar."""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from tqdm import tqdm

from ingest.domain import Match
from ingest.producer import MatchProducer
from ingest.replay import match_length, matchday_timeline

# Longest single wait between two messages, so SIGINT/SIGTERM are noticed promptly.
MAX_WAIT_SECONDS = 0.5


def replay_minutes(matches: Iterable[Match]) -> int:
    """Minutes of play (breaks included) from the kick-off to the last message of `matches`."""
    return math.ceil(max((match_length(match.events) for match in matches), default=0.0) / 60)


@dataclass(frozen=True)
class ReplayResult:
    matches: int
    messages: int
    dead_letters: int
    seconds: float
    interrupted: bool

    @property
    def messages_per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def run_replay(matches: Iterable[Match], producer: MatchProducer, kickoff: datetime, speed: float,
               *, show_progress: bool | None = None, on_minute: Callable[[int], None] | None = None,
               minutes: int | None = None) -> ReplayResult:
    """Send every message of `matches`, all kicking off at `kickoff`; speed 0 = as fast as possible.

    `on_minute(m)`, if given, is called before the first message of each new minute m of play.
    `minutes`: how many minutes of play the replay lasts (`replay_minutes`), if the caller knows.
    """
    matches = list(matches)
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    # The bar moves with the clock of play (breaks included), not by whole matches, which would
    # sit at 0 for the whole of a one-match replay.
    if minutes is None:
        minutes = replay_minutes(matches)
    bar = tqdm(total=minutes, unit="min", desc="replay, minutes of play", disable=not show_progress,
               file=sys.stderr)
    started = time.monotonic()
    sent = rejected = finished = shown = 0
    next_minute = 60.0  # the offset at which the next minute of play starts
    for out in matchday_timeline(matches, kickoff):
        if producer.stopping.is_set():
            break
        if new_minute := out.offset >= next_minute:  # offsets never decrease: checked once a minute
            minute = int(out.offset // 60)
            next_minute = (minute + 1) * 60.0
            if on_minute is not None:
                on_minute(minute)
        if speed > 0:
            due = started + out.offset / speed
            while (delay := due - time.monotonic()) > 0 and not producer.stopping.is_set():
                producer.wait(min(delay, MAX_WAIT_SECONDS))
            if producer.stopping.is_set():
                break
        if not producer.send(out.contract, out.key, out.value):
            rejected += 1
        sent += 1
        if out.contract == "live-matches" and out.value["status"] == "FINISHED":
            finished += 1
        if new_minute and (reached := min(minute, minutes)) > shown:
            bar.set_postfix(finished=f"{finished}/{len(matches)}", messages=sent, refresh=False)
            bar.update(reached - shown)
            shown = reached
    if not producer.stopping.is_set():
        bar.update(minutes - shown)
    bar.set_postfix(finished=f"{finished}/{len(matches)}", messages=sent)
    bar.close()
    producer.flush()
    seconds = time.monotonic() - started
    return ReplayResult(finished, sent, rejected, seconds, producer.stopping.is_set())
