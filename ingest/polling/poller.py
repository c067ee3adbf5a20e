"""The polling loop: asks a provider source for snapshots on the schedule, sends what changed,
and sends unusable responses to the dead-letter topic with the reason; polling goes on.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

from ingest.domain import Rejected
from ingest.polling import schedule
from ingest.polling.errors import BudgetExhausted, ProviderError, ProviderPayloadError
from ingest.polling.http import JsonClient
from ingest.polling.snapshots import MatchSnapshot, MatchState, SnapshotDiffer

log = logging.getLogger(__name__)

# With nothing live or close, look again this often for matches that became interesting.
DISCOVERY_INTERVAL = 15 * 60.0
# After a failed call: try again after this long (the client has already retried).
AFTER_FAILURE = 60.0



class Sink(Protocol):
    """Where messages go: MatchProducer, or a list in tests."""

    def send(self, contract: str, key: str, value: dict[str, Any]) -> bool: ...

    def dead_letter(self, contract: str, key: str, payload: bytes, reason: str) -> None: ...


class Source(Protocol):
    provider: str
    client: JsonClient

    def fetch(self, snapshots: dict[str, MatchSnapshot]) -> tuple[list[MatchSnapshot], list[Rejected]]: ...


@dataclass
class PollResult:
    sent: int = 0
    dead_letters: int = 0
    next_delay: float = DISCOVERY_INTERVAL
    error: str | None = None


@dataclass
class Poller:
    source: Source
    sink: Sink
    high_priority: frozenset[str] = frozenset()
    state_path: Path | None = None
    clock: Callable[[], float] = time.time
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.differ = SnapshotDiffer(load_states(self.state_path))
        self.snapshots: dict[str, MatchSnapshot] = {}

    @property
    def provider(self) -> str:
        return self.source.provider

    def _dead_letter(self, payload: Any, reason: str, body: bytes | None = None) -> None:
        raw = body if body is not None else json.dumps(payload, ensure_ascii=False, default=str).encode()
        self.sink.dead_letter("live-matches", f"{self.provider}:poll", raw, reason)

    def poll_once(self) -> PollResult:
        """One round: fetch, send what changed, dead-letter what is unusable; says when to poll next."""
        result = PollResult()
        try:
            snapshots, rejected = self.source.fetch(self.snapshots)
        except BudgetExhausted as error:
            result.error = str(error)
            result.next_delay = max(1.0, error.retry_at - self.clock())
            return result
        except ProviderPayloadError as error:
            self._dead_letter(None, str(error), error.body)
            result.dead_letters += 1
            result.error = str(error)
            result.next_delay = AFTER_FAILURE
            return result
        except ProviderError as error:
            result.error = str(error)
            result.next_delay = AFTER_FAILURE
            return result
        now = self.clock()
        for payload, reason in rejected:
            self._dead_letter(payload, reason)
            result.dead_letters += 1
        for snapshot in snapshots:
            self.snapshots[snapshot.match_id] = snapshot
            for message in self.differ.update(snapshot, now):
                self.sink.send(message.contract, message.key, message.value)
                result.sent += 1
        result.next_delay = self.next_delay(now)
        save_states(self.state_path, self.differ.states)
        return result

    def next_delay(self, now: float) -> float:
        """The shortest interval any known match asks for, stretched to fit the day's budget."""
        intervals, horizons = [], []
        for snapshot in self.snapshots.values():
            kickoff = schedule.kickoff_epoch(snapshot.kickoff)
            high = snapshot.provider_match_id in self.high_priority
            interval = schedule.poll_interval(snapshot.status, kickoff, now, high)
            if interval is not None:
                intervals.append(interval)
                if kickoff is not None:
                    horizons.append(kickoff + schedule.MATCH_DURATION - now)
        if not intervals:
            return DISCOVERY_INTERVAL
        budget = self.source.client.budget
        horizon = max(max(horizons, default=0.0), schedule.LIVE)
        stretched = schedule.budget_interval(budget.remaining_today(now), horizon)
        return max(min(intervals), min(stretched, budget.day_resets_at(now) - now))

    def run(self, once: bool = False, on_round: Callable[[PollResult], None] | None = None) -> None:
        """Poll until stopped (or one round with `once`)."""
        while not self.stopping.is_set():
            result = self.poll_once()
            if result.error:
                log.warning("%s: %s", self.provider, result.error)
            if on_round is not None:
                on_round(result)
            if once:
                return
            self.stopping.wait(result.next_delay)


def load_states(path: Path | None) -> dict[str, MatchState]:
    if path is None or not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {match_id: MatchState.from_dict(state) for match_id, state in data.items()}


def save_states(path: Path | None, states: dict[str, MatchState]) -> None:
    """Write the poller's memory atomically, so a crash leaves the old file or the new one."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
        json.dump({match_id: state.to_dict() for match_id, state in states.items()}, handle)
    os.replace(handle.name, path)


def ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(value.strip() for value in values if value.strip())
