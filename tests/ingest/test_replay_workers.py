"""A speed-0 replay shared among worker processes: the same messages as one process, each match in
order, and the topics' event times moving forward together (the workers keep pace)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingest import contracts
from ingest.errors import IngestError
from ingest.providers.statsbomb import files
from ingest.replay import match_timeline
from ingest.replay_workers import LEAD_MINUTES, replay_in_workers, split
from ingest.settings import KafkaSettings
from tests.ingest.test_replay_kafka import consume

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
KICKOFF = "2022-12-18T15:00:00Z"


def test_split_gives_the_largest_first_to_the_least_loaded_worker():
    # By the rule: 5 -> A; 4 -> B; 3 -> B (4 < 5); 3 -> A (5 < 7); 3 -> B (7 < 8). Totals 8 and 10.
    assert split([5, 4, 3, 3, 3], 2) == [[0, 3], [1, 2, 4]]
    assert split([7], 4) == [[0]]  # never an empty worker
    assert split([1, 1, 1], 3) == [[0], [1], [2]]


@pytest.mark.integration
def test_two_workers_send_every_message_once_each_match_in_order_and_keep_pace(kafka_config, new_topic):
    topics = {"live_matches": new_topic("live-matches", partitions=3),
              "match_events": new_topic("match-events", partitions=3),
              "player_live_stats": new_topic("player-live-stats"),
              "team_live_stats": new_topic("team-live-stats"),
              "dead_letters": new_topic("dead-letters")}
    found = files.find_matches([BUNDLED])
    kickoff = datetime.fromisoformat(KICKOFF.replace("Z", "+00:00"))
    expected = defaultdict(list)
    for match_file in found:
        for out in match_timeline(files.load_match(match_file), kickoff):
            expected[out.contract].append(out.value["event_id"])

    args = [sys.executable, "-m", "ingest", "replay", "--speed", "0", "--workers", "2", "--quiet", "--kickoff", KICKOFF]
    for name, topic in topics.items():
        args += [f"--topic-{name.replace('_', '-')}", topic]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    total = sum(map(len, expected.values()))
    assert f"replayed {len(found)} of {len(found)} matches: {total} messages (0 to dead letters)" in done.stderr

    settings = KafkaSettings.from_env().with_topics(**topics)
    lag = 0.0  # how far a message's event time is behind the newest before it in its partition, at most
    for contract in contracts.TOPICS:
        received = consume(kafka_config, settings.topics.for_contract(contract), len(expected[contract]))
        values = [json.loads(m.value()) for m in received]
        # Every message exactly once.
        assert sorted(v["event_id"] for v in values) == sorted(expected[contract]), contract
        by_partition = defaultdict(list)
        for message, value in zip(received, values):
            by_partition[message.partition()].append((message.offset(), value))
        for partition, rows in by_partition.items():
            rows.sort(key=lambda row: row[0])
            newest, seen = None, defaultdict(list)
            for _, value in rows:
                time = datetime.fromisoformat(value["timestamp"])
                newest = time if newest is None else max(newest, time)
                lag = max(lag, (newest - time).total_seconds())
                seen[value["match_id"]].append(value.get("sequence"))
            for match_id, sequences in seen.items():  # each match's messages in their order
                assert sequences == sorted(sequences), (contract, match_id)
    # The workers keep pace (ingest.replay_workers): a message is less than LEAD_MINUTES + 1 minutes of
    # play behind any message before it in its partition.
    assert lag < (LEAD_MINUTES + 1) * 60


@pytest.mark.integration
def test_a_worker_that_cannot_read_its_match_fails_the_replay_naming_it(tmp_path, kafka_config):
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "1.json.gz").write_bytes(b"not gzip at all")
    good = BUNDLED / "events" / "7558.json.gz"
    (tmp_path / "events" / "7558.json.gz").write_bytes(good.read_bytes())
    matches = json.loads((BUNDLED / "matches.json").read_text())
    (tmp_path / "matches.json").write_text(json.dumps(
        [m for m in matches if m["match_id"] == 7558] + [dict(matches[0], match_id=1)]))
    found = files.find_matches([tmp_path])
    assert len(found) == 2
    with pytest.raises(IngestError, match=r"The replay failed in \d of 2 workers \(worker \d: .*"):
        replay_in_workers(found, KafkaSettings.from_env(), datetime.now(timezone.utc), 2, show_progress=False)


@pytest.mark.integration
def test_killing_the_replay_stops_its_workers(kafka_config, new_topic):
    from stack.process import alive, children_by_parent, descendants

    args = [sys.executable, "-m", "ingest", "replay", "--speed", "0", "--workers", "2", "--quiet",
            "--topic-live-matches", new_topic("live-matches"), "--topic-match-events", new_topic("match-events"),
            "--topic-player-live-stats", new_topic("player-live-stats"),
            "--topic-team-live-stats", new_topic("team-live-stats"), "--topic-dead-letters", new_topic("dead-letters")]
    replay = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and replay.poll() is None and time.monotonic() < deadline:
        workers = {pid for pid in descendants(replay.pid, children_by_parent())
                   if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")}
        time.sleep(0.02)
    assert len(workers) == 2, "the replay did not start its two workers"
    replay.kill()  # SIGKILL: nothing of the replay's own runs any more
    replay.wait()
    deadline = time.monotonic() + 20
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "workers outlived their replay"
