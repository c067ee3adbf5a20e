"""The pollers into the real Kafka broker (per-test topics), from a local server replaying real
provider responses; every message is consumed back and checked against its topic's JSON Schema.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ingest import contracts
from ingest.polling.poller import Poller
from ingest.providers.api_football.source import ApiFootballSource
from ingest.providers.football_data.source import FootballDataSource
from ingest.producer import MatchProducer
from ingest.providers.api_football import client as api_football
from ingest.providers.football_data import client as football_data
from ingest.settings import KafkaSettings
from tests.kafka_reading import read_to_end as consume_all
from tests.providers_server import ProvidersServer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# Official results (FIFA / UEFA; checked by hand against openfootball): score after extra time, shoot-out.
WC_2022_SHOOTOUTS = {
    "football-data:391933": (1, 1, 1, 3),   # Japan - Croatia
    "football-data:391935": (0, 0, 3, 0),   # Morocco - Spain
    "football-data:391937": (1, 1, 4, 2),   # Croatia - Brazil
    "football-data:391938": (2, 2, 3, 4),   # Netherlands - Argentina
    "football-data:391944": (3, 3, 4, 2),   # Argentina - France
}
EURO_2024 = {
    "api-football:1215077": (0, 3, None, None),  # Romania - Netherlands
    "api-football:1215078": (1, 2, None, None),  # Austria - Türkiye
    "api-football:1219688": (2, 1, None, None),  # Spain - Germany, after extra time
    "api-football:1219689": (1, 1, 5, 3),        # England - Switzerland
    "api-football:1219959": (0, 0, 3, 5),        # Portugal - France
    "api-football:1220308": (2, 1, None, None),  # Netherlands - Türkiye
}




@pytest.fixture
def topics(new_topic):
    return {
        "live_matches": new_topic("live-matches"),
        "match_events": new_topic("match-events"),
        "player_live_stats": new_topic("player-live-stats"),
        "team_live_stats": new_topic("team-live-stats"),
        "dead_letters": new_topic("dead-letters"),
    }


@pytest.fixture
def server():
    with ProvidersServer() as running:
        yield running


def values(messages):
    return [json.loads(m.value()) for m in messages]


def assert_valid(kafka_config, topics):
    """Every message on the four topics satisfies its contract; returns them by contract."""
    found = {}
    for contract in contracts.TOPICS:
        messages = consume_all(kafka_config, topics[contract.replace("-", "_")])
        for message in messages:
            value = json.loads(message.value())
            assert contracts.violation(contract, value) is None, value
            assert message.key().decode() == value["match_id"]
        found[contract] = values(messages)
    return found


def final_scores(live_matches):
    latest = {}
    for value in live_matches:
        latest[value["match_id"]] = value
    return {match_id: (v["home_score"], v["away_score"], v["home_penalty_score"], v["away_penalty_score"])
            for match_id, v in latest.items()}


def run_cli(server, topics, *args, env_extra=None):
    env = {**os.environ, "FOOTBALL_DATA_API_KEY": "local-test-key", "API_FOOTBALL_KEY": "local-test-key", **(env_extra or {})}
    topic_args = [f"--topic-{name.replace('_', '-')}={topic}" for name, topic in topics.items()]
    return subprocess.run([sys.executable, "-m", "ingest", "poll", *args, "--base-url", server.url, "--once", *topic_args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_world_cup_2022_results_land_in_live_matches_as_the_official_ones(kafka_config, topics, server):
    done = run_cli(server, topics, "--provider", "football-data", "--competitions", "WC")
    assert done.returncode == 0, done.stderr
    assert server.count("/v4/matches") == 1
    found = assert_valid(kafka_config, topics)
    scores = final_scores(found["live-matches"])
    assert len(scores) == 64
    for match_id, official in WC_2022_SHOOTOUTS.items():
        assert scores[match_id] == official
    # The rest ended in regular time: no shoot-out score at all.
    assert sum(1 for score in scores.values() if score[2] is None) == 59


def test_euro_2024_results_land_in_live_matches_as_the_official_ones(kafka_config, topics, server):
    done = run_cli(server, topics, "--provider", "api-football", "--competitions", "4")
    assert done.returncode == 0, done.stderr
    found = assert_valid(kafka_config, topics)
    scores = final_scores(found["live-matches"])
    for match_id, official in EURO_2024.items():
        assert scores[match_id] == official
    assert scores["api-football:1225853"] == (None, None, None, None)  # Spain - France, not started yet


def test_final_walk_and_score_correction_through_kafka(kafka_config, topics, server):
    settings = KafkaSettings.from_env().with_topics(**topics)
    producer = MatchProducer(settings)
    fd_steps = server.load_sequence("football-data_wc2022_final_391944.json")
    af_steps = server.load_sequence("api-football_liga1_1049765_var.json", route="/fixtures?ids=1049765")
    fd = Poller(FootballDataSource(football_data.make_client(requests.Session(), "k", base_url=server.url, per_minute=None)),
                producer)
    af = Poller(ApiFootballSource(api_football.make_client(requests.Session(), "k", base_url=server.url, per_minute=None,
                                                           per_day=None), fixture_ids=("1049765",)), producer)
    for _ in range(fd_steps):
        fd.poll_once()
    for _ in range(af_steps):
        af.poll_once()
    producer.flush()
    assert server.count("/v4/matches") == fd_steps and server.count("/fixtures") == af_steps
    found = assert_valid(kafka_config, topics)
    scores = final_scores(found["live-matches"])
    assert scores["football-data:391944"] == (3, 3, 4, 2)
    assert scores["api-football:1049765"] == (1, 1, None, None)
    events = found["match-events"]
    assert len({e["event_id"] for e in events}) == len(events)
    final_goals = [e for e in events if e["match_id"] == "football-data:391944" and e["event_type"] == "GOAL"]
    assert [(e["home_score"], e["away_score"]) for e in final_goals] == [(1, 0), (2, 0), (2, 1), (2, 2), (3, 2), (3, 3)]
    cancelled = [e for e in events if e["event_type"] == "GOAL_CANCELLED"]
    assert [(e["match_id"], e["team_name"]) for e in cancelled] == [("api-football:1049765", "Uta Arad")]


def test_provider_error_payload_goes_to_dead_letters_with_its_reason(kafka_config, topics, server):
    server.script("/fixtures?live=all", [{"body": {"get": "fixtures", "parameters": {"live": "all"},
                                                   "errors": {"token": "Error/Missing application key. Go to https://www.api-football.com/documentation-v3 to learn how to get your API application key."},
                                                   "results": 0, "paging": {"current": 1, "total": 1}, "response": []}}])
    done = run_cli(server, topics, "--provider", "api-football")
    assert done.returncode == 0, done.stderr
    dead = consume_all(kafka_config, topics["dead_letters"])
    assert len(dead) == 1
    headers = dict(dead[0].headers())
    assert b"Missing application key" in headers["reason"]
    assert headers["producer"] == b"ingest.poll.api-football"
    assert json.loads(dead[0].value())["errors"]["token"].startswith("Error/Missing application key")
    assert consume_all(kafka_config, topics["live_matches"]) == []


def test_missing_key_is_one_sentence_and_a_non_zero_exit(server):
    env = {name: value for name, value in os.environ.items() if name not in ("FOOTBALL_DATA_API_KEY", "API_FOOTBALL_KEY")}
    for provider, setting in (("football-data", "FOOTBALL_DATA_API_KEY"), ("api-football", "API_FOOTBALL_KEY")):
        done = subprocess.run([sys.executable, "-m", "ingest", "poll", "--provider", provider, "--base-url", server.url, "--once"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode != 0
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and f"{setting} is not set" in lines[0]
    assert server.count() == 0
