"""Alerts without the stack: the message -> alert mapping on the replay's real messages of the
bundled matches (expected texts written by hand from the real matches), on a live provider's
real VAR sequence, and the webhook sender against a local HTTP server."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bundled_matches import PORTUGAL_SPAIN, URUGUAY_RUSSIA, replayed
from streaming.alerts.messages import MalformedMessage, MatchMemory, decode, remember_event, remember_snapshot, shown_minute, to_alert
from streaming.alerts.webhook import WebhookSender, check_url
from streaming.errors import AlertError, WebhookError
from webhook_receiver import Answer, Receiver

ROOT = Path(__file__).resolve().parents[2]
SEQUENCES = ROOT / "tests" / "data" / "sequences"


def alert_texts(messages: list[tuple[str, dict]], with_snapshots: bool = True) -> list[str]:
    """What a consumer of the messages in this order would push, with one memory per match."""
    memories: dict[str, MatchMemory] = {}
    texts = []
    for contract, value in messages:
        memory = memories.setdefault(value["match_id"], MatchMemory())
        if contract == "live-matches":
            if with_snapshots:
                remember_snapshot(value, memory)
        elif contract == "match-events":
            remember_event(value, memory)
            alert = to_alert(value, memory)
            if alert is not None:
                texts.append(alert.text)
    return texts


# --- the mapping, on real matches ------------------------------------------------------------

def test_portugal_spain_2018_every_goal_and_the_result():
    assert alert_texts(replayed("7576")) == PORTUGAL_SPAIN


def test_uruguay_russia_own_goal_and_second_yellow():
    assert alert_texts(replayed("7558")) == URUGUAY_RUSSIA


def test_team_names_come_from_the_events_alone_when_no_snapshot_was_read():
    assert alert_texts(replayed("7576"), with_snapshots=False)[-1] == "🏁 FULL TIME Portugal 3-3 Spain"


def test_added_time_red_card_and_penalty_in_the_same_stoppage():
    # Bundesliga 2023/24: Gosens' second yellow and Wirtz's penalty, both in first-half added time.
    assert alert_texts(replayed("3895292")) == [
        "🟥 SECOND YELLOW 45+3' Robin Gosens (Union Berlin) — Union Berlin 0-0 Bayer Leverkusen",
        "⚽ PENALTY GOAL 45+8' Florian Wirtz — Union Berlin 0-1 Bayer Leverkusen",
        "🏁 FULL TIME Union Berlin 0-1 Bayer Leverkusen",
    ]


def test_shootout_results_count_only_the_scored_kicks():
    # Copa América 2024 quarter-final: 1-1, Argentina won 4-2 on penalties (Messi missed the first).
    assert alert_texts(replayed("3942228"))[-1] == "🏁 FULL TIME Argentina 1-1 Ecuador, 4-2 on penalties"
    # AFCON 2023 third place: 0-0, South Africa won 6-5 on penalties.
    assert alert_texts(replayed("3923880")) == ["🏁 FULL TIME South Africa 0-0 Congo DR, 6-5 on penalties"]


def test_extra_time_winner_and_result():
    # Copa América 2024 final: Lautaro Martínez in the 112th minute.
    assert alert_texts(replayed("3943077")) == [
        "⚽ GOAL 112' Lautaro Javier Martínez — Argentina 1-0 Colombia",
        "🏁 FULL TIME Argentina 1-0 Colombia after extra time",
    ]


def test_shown_minute_follows_the_contract_clock():
    assert shown_minute(1, 22, 0) == "23'"
    assert shown_minute(1, 44, 0) == "45'"
    assert shown_minute(1, 45, 0) == "45+1'"
    assert shown_minute(1, 45, 1) == "45+2'"
    assert shown_minute(2, 45, 0) == "46'"
    assert shown_minute(4, 120, 3) == "120+4'"


def _api_football_walk(sequence: str) -> list[tuple[str, dict]]:
    """Messages the poller sends for an API-Football sequence (tests/data/README.md: edited from real items)."""
    from ingest.polling.snapshots import SnapshotDiffer
    from ingest.providers.api_football.parser import parse_fixtures

    steps = json.loads((SEQUENCES / sequence).read_text())["steps"]
    differ = SnapshotDiffer()
    now = datetime(2023, 10, 6, 18, 0, tzinfo=timezone.utc).timestamp()
    return [(m.contract, m.value) for i, step in enumerate(steps)
            for s in parse_fixtures(step["body"])[0] for m in differ.update(s, now + 60 * i)]


def test_a_var_cancelled_goal_from_a_live_provider():
    # Liga I 2023/24, Oţelul 1-1 Uta Arad (tests/data/api-football/v3_fixtures_events_1049765_liga1-romania.json):
    # R. Pop 45+5', Cristian Mihai's goal cancelled by VAR at 57', A. Pop 62', Isac sent off 75'.
    assert alert_texts(_api_football_walk("api-football_liga1_1049765_var.json")) == [
        "⚽ GOAL 45+5' R. Pop — Oţelul 0-1 Uta Arad",  # API-Football: elapsed 45, extra 5
        "⚽ GOAL 57' Cristian Mihai — Oţelul 0-2 Uta Arad",
        "❌ GOAL CANCELLED 57' Cristian Mihai (Uta Arad) — Oţelul 0-1 Uta Arad",
        "⚽ GOAL 62' A. Pop — Oţelul 1-1 Uta Arad",
        "🟥 RED CARD 75' Damian Isac (Uta Arad) — Oţelul 1-1 Uta Arad",
        "🏁 FULL TIME Oţelul 1-1 Uta Arad",
    ]


def test_a_var_event_alerts_only_when_it_takes_something_back():
    [cancelled] = [v for c, v in _api_football_walk("api-football_liga1_1049765_var.json")
                   if c == "match-events" and v["event_type"] == "GOAL_CANCELLED"]
    memory = MatchMemory("Oţelul", "Uta Arad")
    # The same real decision from a provider that reports VAR reviews as plain VAR events.
    as_var = dict(cancelled, event_type="VAR")
    assert to_alert(as_var, memory).text == "❌ VAR Goal cancelled 57' Cristian Mihai (Uta Arad) — Oţelul 0-1 Uta Arad"
    assert to_alert(dict(as_var, provider_event_type="Var: Goal confirmed"), memory) is None


def test_a_provider_repeat_has_the_same_key_and_counts_once_in_a_shootout():
    messages = replayed("3942228")
    events = [v for c, v in messages if c == "match-events"]
    goal = next(v for v in events if v["event_type"] == "GOAL")
    memory = MatchMemory()
    assert to_alert(goal, memory).key == to_alert(dict(goal), memory).key == f"statsbomb:3942228/{goal['event_id']}"
    # Every shoot-out goal arrives twice: the tally stays 4-2.
    doubled = []
    for contract, value in messages:
        doubled.append((contract, value))
        if value.get("event_type") == "SHOOTOUT_GOAL":
            doubled.append((contract, dict(value)))
    assert alert_texts(doubled)[-1] == "🏁 FULL TIME Argentina 1-1 Ecuador, 4-2 on penalties"


def test_malformed_messages_raise_and_other_events_are_no_alert():
    goal = next(v for c, v in replayed("7576") if c == "match-events" and v["event_type"] == "GOAL")
    with pytest.raises(MalformedMessage):
        decode(b"{not json")
    with pytest.raises(MalformedMessage):
        decode(b"[1, 2]")
    with pytest.raises(MalformedMessage):
        to_alert({k: v for k, v in goal.items() if k != "home_score"}, MatchMemory())
    with pytest.raises(MalformedMessage):
        to_alert(dict(goal, minute="52"), MatchMemory())
    passes = next(v for c, v in replayed("7576") if c == "match-events" and v["event_type"] == "PASS")
    assert to_alert(dict(passes, home_score=None), MatchMemory()) is None


# --- the webhook sender, against a real local HTTP server -------------------------------------

def _alert():
    goal = next(v for c, v in replayed("7576") if c == "match-events" and v["event_type"] == "PENALTY_GOAL")
    return to_alert(goal, MatchMemory("Portugal", "Spain"))


def test_webhook_body_is_slack_and_discord_compatible():
    alert = _alert()
    with Receiver() as receiver:
        assert WebhookSender(receiver.url).send(alert) == 200
    [post] = receiver.posts
    text = "⚽ PENALTY GOAL 4' Cristiano Ronaldo dos Santos Aveiro — Portugal 1-0 Spain"
    assert post.body == {"text": text, "content": text}
    assert post.headers["Idempotency-Key"] == alert.key


def test_webhook_500_then_200_is_delivered_once():
    with Receiver(lambda n: Answer(500) if n == 1 else Answer(200)) as receiver:
        assert WebhookSender(receiver.url, backoff=0.05).send(_alert()) == 200
    assert [p.answered for p in receiver.posts] == [500, 200]
    assert len(receiver.accepted_texts()) == 1


def test_webhook_429_waits_the_retry_after():
    with Receiver(lambda n: Answer(429, {"Retry-After": "2"}) if n == 1 else Answer(204)) as receiver:
        assert WebhookSender(receiver.url, backoff=0.01).send(_alert()) == 204
    first, second = receiver.posts
    assert (first.answered, second.answered) == (429, 204)
    assert second.at - first.at >= 2.0


def test_webhook_4xx_fails_at_once_with_one_sentence():
    with Receiver(lambda n: Answer(404)) as receiver:
        with pytest.raises(WebhookError) as raised:
            WebhookSender(receiver.url, backoff=0.01).send(_alert())
    assert len(receiver.posts) == 1 and raised.value.status == 404
    assert "set ALERTS_WEBHOOK_URL" in str(raised.value) and "test-secret" not in str(raised.value)


def test_webhook_unreachable_retries_then_fails():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    sleeps = []
    sender = WebhookSender(f"http://127.0.0.1:{port}/hook", attempts=4, backoff=0.5, sleep=sleeps.append)
    with pytest.raises(WebhookError, match="after 4 attempts"):
        sender.send(_alert())
    assert sleeps == [0.5, 1.0, 2.0]


def test_a_url_that_cannot_work_fails_fast():
    with pytest.raises(AlertError, match="not an http"):
        check_url("hooks.slack.com/services/x")
    with pytest.raises(AlertError, match="does not resolve"):
        check_url("https://no-such-host.invalid/hooks/x")


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("ALERTS_WEBHOOK_URL", "hooks.slack.com/services/T0/B0/x", "set it to your Slack or Discord webhook URL"),
        ("ALERTS_WEBHOOK_URL", "https://no-such-host.invalid/api/webhooks/1/x", "set ALERTS_WEBHOOK_URL"),
        ("KAFKA_BOOTSTRAP_SERVERS", "localhost:1", "set KAFKA_BOOTSTRAP_SERVERS"),
        ("ALERTS_CONSUMER_GROUP", "alerts for me", "ALERTS_CONSUMER_GROUP must be"),
    ],
)
def test_alerts_misconfiguration_fails_fast_with_one_sentence(setting, value, says):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT), "ALERTS_WEBHOOK_URL": "", setting: value}
    done = subprocess.run([sys.executable, "-m", "streaming", "alerts"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
