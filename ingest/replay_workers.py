"""A replay as fast as possible (speed 0) shared among worker processes, one per core by default.

Each match is replayed whole by one worker with its own idempotent producer, so its messages keep
their order (one key, one partition, one producer). The workers also keep pace: a worker sends a
message of minute m of play only once every message the others produced before minute
m - LEAD_MINUTES has been delivered. So in every partition, however the producers' messages
interleave, none is LEAD_MINUTES + 1 minutes of play older than a message before it: a consumer
sees the matches' minutes advance together, as on a live matchday.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import sys
import time
from collections import deque
from datetime import datetime
from typing import Sequence

from tqdm import tqdm

from ingest.errors import IngestError
from ingest.producer import BULK_LINGER_MS, MatchProducer
from ingest.providers.statsbomb.files import MatchFile, load_match
from ingest.replay_runner import ReplayResult, replay_minutes, run_replay
from ingest.settings import KafkaSettings

# How many minutes of play a worker may be ahead of what the others have delivered. A worker's
# messages wait up to BULK_LINGER_MS (100 ms) before they are sent, and in that time a worker
# at speed 0 plays about two minutes of its matches: with a lead of 2 the workers took turns
# waiting for each other's deliveries, a tenth of their time (126 matches: 6.6-6.9 s with 2,
# 6.0-6.3 s with 5, no better with 8).
LEAD_MINUTES = 5
# A worker's clock once it has delivered everything (or stopped): it holds no one back.
DONE = 1 << 30


def split(sizes: Sequence[int], workers: int) -> list[list[int]]:
    """The indexes of `sizes` in `workers` groups (fewer if there are fewer items) of near-equal
    total size: the largest first, each to the group with the least so far; each group in index order."""
    groups: list[list[int]] = [[] for _ in range(min(workers, len(sizes)))]
    totals = [0] * len(groups)
    for index in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        least = totals.index(min(totals))
        groups[least].append(index)
        totals[least] += sizes[index]
    return [sorted(group) for group in groups]


def _worker(index: int, parent: int, match_files: list[MatchFile], settings: KafkaSettings, kickoff: datetime,
            clocks, lengths, ready, go, results) -> None:
    """One worker of the replay process `parent`: load its matches, wait for the start, replay them
    keeping pace with the others. It stops when `parent` is gone, even killed."""
    try:
        matches = [load_match(match_file) for match_file in match_files]
        gc.freeze()  # the loaded matches live until the end (see ingest.__main__)
        lengths[index] = minutes = replay_minutes(matches)
        producer = MatchProducer(settings, linger_ms=BULK_LINGER_MS)
        producer.stop_on_signals()
        with ready.get_lock():
            ready.value += 1
        while not go.wait(0.5):
            if os.getppid() != parent:
                return  # the replay was killed before it started

        others = [i for i in range(len(clocks)) if i != index]
        starts: deque[tuple[int, int]] = deque([(0, 0)])  # (minute, the producer's group opened at it)

        def publish() -> None:
            # This worker's clock: the latest minute m before which every message has been delivered.
            while len(starts) > 1 and producer.delivered_before(starts[1][1]):
                starts.popleft()
            clocks[index] = starts[0][0]

        def keep_pace(minute: int) -> None:
            if os.getppid() != parent:  # the replay was killed: stop as on SIGTERM
                producer.stopping.set()
            starts.append((minute, producer.mark()))
            publish()
            while min(clocks[i] for i in others) < minute - LEAD_MINUTES and not producer.stopping.is_set():
                producer.wait(0.002)  # serves delivery reports, which move this worker's clock too
                publish()

        outcome = (index, run_replay(matches, producer, kickoff, 0, show_progress=False, on_minute=keep_pace,
                                     minutes=minutes), None)
    except BaseException as error:  # reported to the parent, which says which worker failed and why
        outcome = (index, None, f"{type(error).__name__}: {error}")
    finally:
        clocks[index] = DONE
    # Sent and written to the pipe before the worker lets go of its matches and its producer: that
    # teardown held the interpreter, and the result behind it in the queue's thread, about 0.15 s.
    results.put(outcome)
    results.close()
    results.join_thread()


def replay_in_workers(match_files: Sequence[MatchFile], settings: KafkaSettings, kickoff: datetime, workers: int,
                      *, show_progress: bool | None = None) -> ReplayResult:
    """Replay `match_files` at speed 0 in `workers` processes (at most one per match); the result
    sums theirs, and its seconds run from the moment every worker has loaded its matches."""
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    context = multiprocessing.get_context("spawn")
    groups = split([match_file.events_path.stat().st_size for match_file in match_files], workers)
    clocks = context.Array("i", len(groups), lock=False)
    lengths = context.Array("i", len(groups), lock=False)
    ready, go, results = context.Value("i", 0), context.Event(), context.Queue()
    processes = [context.Process(target=_worker, name=f"replay-worker-{index}", daemon=True,
                                 args=(index, os.getpid(), [match_files[i] for i in group], settings, kickoff,
                                       clocks, lengths, ready, go, results))
                 for index, group in enumerate(groups)]
    interrupted = []

    def forward(signum, frame):
        interrupted.append(signum)
        for process in processes:
            if process.exitcode is None and process.pid is not None:
                process.terminate()  # SIGTERM: the worker stops producing and flushes what it queued

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        for process in processes:
            process.start()
        loading = tqdm(total=len(processes), unit="worker", desc="replay, loading matches",
                       disable=not show_progress, file=sys.stderr)
        while ready.value < len(processes) and all(p.exitcode is None for p in processes):
            loading.update(ready.value - loading.n)
            time.sleep(0.05)
        loading.update(ready.value - loading.n)
        loading.close()
        if ready.value < len(processes):  # one failed while loading: the others stop at once
            forward(signal.SIGTERM, None)
        started = time.monotonic()
        go.set()
        bar = tqdm(total=max(lengths), unit="min", desc="replay, minutes of play", disable=not show_progress,
                   file=sys.stderr)
        outcomes: dict[int, tuple[ReplayResult | None, str | None]] = {}
        while len(outcomes) < len(processes):
            try:
                index, result, error = results.get(timeout=0.2)
                outcomes[index] = (result, error)
            except queue.Empty:
                for index, process in enumerate(processes):
                    # A worker that exits with 0 has put its outcome; any other exit is a failure.
                    if index not in outcomes and process.exitcode not in (None, 0):
                        outcomes[index] = (None, f"it exited with code {process.exitcode}")
                        clocks[index] = DONE
            sending = [clock for clock in clocks if clock != DONE]
            bar.update(min(min(sending) if sending else bar.total, bar.total) - bar.n)
        seconds = time.monotonic() - started
        bar.close()
        for process in processes:
            process.join()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    failed = [f"worker {index}: {error}" for index, (_, error) in sorted(outcomes.items()) if error]
    if failed:
        raise IngestError(f"The replay failed in {len(failed)} of {len(processes)} workers ({'; '.join(failed)}).")
    done = [result for result, _ in outcomes.values()]
    return ReplayResult(matches=sum(r.matches for r in done), messages=sum(r.messages for r in done),
                        dead_letters=sum(r.dead_letters for r in done), seconds=seconds,
                        interrupted=bool(interrupted) or any(r.interrupted for r in done))


__all__ = ["LEAD_MINUTES", "replay_in_workers", "split"]
