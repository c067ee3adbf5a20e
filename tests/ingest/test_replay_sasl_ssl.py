"""The producer over the local broker's SASL_SSL listener, configured as for Confluent Cloud:
a real match goes in and comes back over SASL_SSL; a wrong password stops it in one sentence."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kafka_reading import read_to_end

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
MATCH = 7558  # Uruguay 3-0 Russia, World Cup 2018




def replay(env, topics, match_id=MATCH):
    args = [sys.executable, "-m", "ingest", "replay", "--match-ids", str(match_id), "--speed", "0", "--quiet",
            "--kickoff", "2018-06-25T14:00:00Z"]
    for name, topic in topics.items():
        args += [f"--topic-{name.replace('_', '-')}", topic]
    return subprocess.run(args, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=180)


@pytest.fixture
def topics(new_topic):
    return {name: new_topic(name.replace("_", "-"), partitions=3 if name == "match_events" else 1)
            for name in ("live_matches", "match_events", "player_live_stats", "team_live_stats", "dead_letters")}


def test_a_real_match_replayed_over_sasl_ssl_reads_back_over_sasl_ssl(sasl_ssl_env, sasl_ssl_config, topics):
    done = replay(sasl_ssl_env, topics)
    assert done.returncode == 0, done.stderr
    with gzip.open(BUNDLED / "events" / f"{MATCH}.json.gz", "rt") as f:
        source_events = {event["id"] for event in json.load(f)}
    events = [json.loads(m.value()) for m in read_to_end(sasl_ssl_config, topics["match_events"])]
    # One message per StatsBomb event, which keeps its StatsBomb uuid as event_id.
    assert len(events) == len(source_events)
    assert {e["event_id"] for e in events} == source_events
    snapshots = [json.loads(m.value()) for m in read_to_end(sasl_ssl_config, topics["live_matches"])]
    [final] = [s for s in snapshots if s["status"] == "FINISHED"]
    official = next(m for m in json.loads((BUNDLED / "matches.json").read_text()) if m["match_id"] == MATCH)
    assert (final["home_score"], final["away_score"]) == (official["home_score"], official["away_score"]) == (3, 0)
    assert read_to_end(sasl_ssl_config, topics["dead_letters"]) == []


def test_wrong_password_stops_the_replay_in_one_sentence(sasl_ssl_env, topics):
    done = replay(sasl_ssl_env | {"KAFKA_SASL_PASSWORD": "not-the-password"}, topics)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: Kafka at {sasl_ssl_env['KAFKA_BOOTSTRAP_SERVERS']} refused our credentials: "
        "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
    ]


def test_an_untrusted_broker_certificate_stops_the_replay_in_one_sentence(sasl_ssl_env, topics):
    done = replay(sasl_ssl_env | {"KAFKA_SSL_CA_LOCATION": ""}, topics)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"error: Kafka at {sasl_ssl_env['KAFKA_BOOTSTRAP_SERVERS']} presented a certificate we do not trust: "
        "set KAFKA_SSL_CA_LOCATION to the CA that signed it."
    ]
