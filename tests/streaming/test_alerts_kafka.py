"""`python -m streaming alerts` as a process against the real broker and PostgreSQL, with a local
webhook receiver: real matches replayed into per-test topics, each alert accepted exactly once,
also across a second run, a provider repeat, a malformed message and a SIGKILL midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections import Counter
from pathlib import Path

import pytest

from bundled_matches import BUNDLED, KICKOFF, PORTUGAL_SPAIN, URUGUAY_RUSSIA, replayed
from pipeline import drop_prefixed_tables
from webhook_receiver import Answer, Receiver

pytestmark = [pytest.mark.integration, pytest.mark.alerts]

ROOT = Path(__file__).resolve().parents[2]


class Alerts:
    """Per-test topics, tables (by prefix) and consumer group, and the alerts process on them."""

    def __init__(self, new_topic, tmp_path: Path, pg_conn) -> None:
        self.topics = {name: new_topic(name.replace("_", "-"), partitions=3 if name in ("live_matches", "match_events") else 1)
                       for name in ("live_matches", "match_events", "player_live_stats", "team_live_stats", "dead_letters")}
        self.prefix = f"t{uuid.uuid4().hex[:10]}_"
        self.pg = pg_conn
        self.log = tmp_path / "alerts.log"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "STREAMING_TABLE_PREFIX": self.prefix,
                    "ALERTS_CONSUMER_GROUP": f"test-alerts-{uuid.uuid4().hex[:8]}",
                    **{f"KAFKA_TOPIC_{name.upper()}": topic for name, topic in self.topics.items()}}

    def replay(self, match_ids: set[str]) -> None:
        from ingest.producer import MatchProducer
        from ingest.providers.statsbomb import files
        from ingest.replay_runner import run_replay
        from ingest.settings import KafkaSettings

        settings = KafkaSettings.from_env().with_topics(**self.topics)
        matches = [files.load_match(f) for f in files.find_matches([BUNDLED], match_ids=match_ids)]
        result = run_replay(matches, MatchProducer(settings), KICKOFF, speed=0, show_progress=False)
        assert result.matches == len(match_ids) and result.dead_letters == 0

    def produce_raw(self, key: str, values: list[bytes]) -> None:
        from confluent_kafka import Producer

        producer = Producer({"bootstrap.servers": os.environ["KAFKA_BOOTSTRAP_SERVERS"]})
        for value in values:
            producer.produce(self.topics["match_events"], key=key.encode(), value=value)
        assert producer.flush(30) == 0

    def start(self, webhook_url: str, *args: str) -> subprocess.Popen:
        with self.log.open("a") as log:
            return subprocess.Popen([sys.executable, "-m", "streaming", "alerts", *args], cwd=ROOT,
                                    env={**self.env, "ALERTS_WEBHOOK_URL": webhook_url},
                                    stdout=subprocess.DEVNULL, stderr=log)

    def run_until_idle(self, webhook_url: str) -> None:
        process = self.start(webhook_url, "--until-idle", "5")
        assert process.wait(timeout=300) == 0, self.log.read_text()[-3000:]

    def sent_rows(self) -> list[tuple[str, str]]:
        with self.pg.cursor() as cursor:
            cursor.execute(f"SELECT message, status FROM streaming.{self.prefix}alerts_sent WHERE consumer_group = %s",
                           (self.env["ALERTS_CONSUMER_GROUP"],))
            return cursor.fetchall()

    def drop_tables(self) -> None:
        drop_prefixed_tables(self.pg, self.prefix)


@pytest.fixture
def alerts(new_topic, tmp_path, pg_conn):
    isolated = Alerts(new_topic, tmp_path, pg_conn)
    yield isolated
    isolated.drop_tables()


def in_match_order(texts: list[str], match: list[str]) -> list[str]:
    return [t for t in texts if t in match]


def test_every_goal_red_card_and_result_arrives_once_even_run_again(alerts):
    alerts.replay({"7576", "7558"})
    with Receiver() as receiver:
        alerts.run_until_idle(receiver.url)
        first = receiver.accepted_texts()
        assert sorted(first) == sorted(PORTUGAL_SPAIN + URUGUAY_RUSSIA)
        # A match is one partition (keyed by match id): its alerts arrive in the order they happened.
        assert in_match_order(first, PORTUGAL_SPAIN) == PORTUGAL_SPAIN
        assert in_match_order(first, URUGUAY_RUSSIA) == URUGUAY_RUSSIA

        # A provider repeat of Ronaldo's 88th-minute goal, and a message that is not JSON: a second run
        # skips the broken one and sends nothing again.
        last_goal = [value for contract, value in replayed("7576")
                     if contract == "match-events" and value["event_type"] == "GOAL"][-1]
        alerts.produce_raw("statsbomb:7576", [b"{not json", json.dumps(last_goal).encode()])
        alerts.run_until_idle(receiver.url)
        assert receiver.accepted_texts() == first
        assert len(receiver.posts) == len(first)
    assert "skipped" in alerts.log.read_text() and "not JSON" in alerts.log.read_text()
    assert Counter(status for _, status in alerts.sent_rows()) == {"sent": 12}


def test_sigkill_midway_then_restart_sends_each_alert_once(alerts):
    alerts.replay({"7576", "7558"})
    never = threading.Event()
    # The 4th POST is held unanswered: the process is killed while it waits, after the first three
    # were accepted and recorded, before the fourth was accepted.
    with Receiver(lambda n: Answer(hold=never) if n == 4 else Answer(200)) as receiver:
        process = alerts.start(receiver.url)
        try:
            assert receiver.wait_for(4, timeout=120), alerts.log.read_text()[-3000:]
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert len(receiver.accepted_texts()) == 3

        alerts.run_until_idle(receiver.url)
        accepted = receiver.accepted_texts()
    assert Counter(accepted) == Counter(PORTUGAL_SPAIN + URUGUAY_RUSSIA)
    # The one alert in flight at the kill was posted again; its first POST was never accepted.
    held = receiver.posts[3]
    assert held.answered is None
    assert Counter(p.body["text"] for p in receiver.posts) == Counter(PORTUGAL_SPAIN + URUGUAY_RUSSIA + [held.body["text"]])
    assert "was being sent when an earlier run stopped" in alerts.log.read_text()
    assert Counter(status for _, status in alerts.sent_rows()) == {"sent": 12}


def test_the_scoreboard_ticker_lists_each_alert_once_newest_first(alerts):
    """marts.notifications (the Live scoreboard's ticker) over what the alerts process recorded: two
    consumer groups sent the same alerts, the ticker lists them once, in the alerts' own words."""
    from dbt_project.evaluate.landing import create_tables
    from tests.dbt_run import dbt, drop_built

    create_tables(alerts.pg, alerts.prefix)  # the landing job's tables, empty: the teams come later
    alerts.replay({"7558"})
    alerts.run_until_idle("")  # no webhook: the alerts are logged, and recorded as such
    alerts.env["ALERTS_CONSUMER_GROUP"] += "-second"
    alerts.run_until_idle("")
    assert len(alerts.sent_rows()) == len(URUGUAY_RUSSIA)  # the second group's own record
    try:
        dbt(alerts.prefix, "run", "--quiet", "--select", "+notifications", "--exclude", "resource_type:seed")
        with alerts.pg.cursor() as cursor:
            cursor.execute(f"SELECT notification, kind FROM marts.{alerts.prefix}notifications ORDER BY sent_at DESC")
            ticker = cursor.fetchall()
    finally:
        drop_built(alerts.pg, alerts.prefix, ["notifications"])
    assert [text for text, _ in ticker] == URUGUAY_RUSSIA[::-1]
    assert [kind for _, kind in ticker] == ["full_time", "goal", "red_card", "goal", "goal"]
