"""Event time on real messages: repeated provider messages count once, and late ones, however
late, still count in their 5-minute window of event time."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest
from confluent_kafka import Producer

from tests.dbt_run import dbt

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SHOTS = ("SHOT", "GOAL", "PENALTY_GOAL", "PENALTY_MISSED")
KICKOFF = datetime.fromisoformat("2018-06-14T15:00:00+00:00")


def at(message: dict) -> datetime:
    return datetime.fromisoformat(message["timestamp"])


def window_start(message: dict) -> datetime:
    minutes = (at(message) - KICKOFF) // timedelta(minutes=1)
    return KICKOFF + timedelta(minutes=minutes - minutes % 5)


def test_repeats_count_once_and_late_events_count_in_their_window(pipeline, kafka_config, russia_saudi_messages):
    events = [m["value"] for m in russia_saudi_messages if m["topic"] == "match-events"]
    first_half = [e for e in events if at(e) < KICKOFF + timedelta(minutes=30)]
    shots = [e for e in first_half if e["event_type"] in SHOTS]
    # Held back: a shot 5-10 minutes behind the newest event, and one more than 15 minutes behind it.
    late = next(s for s in shots if KICKOFF + timedelta(minutes=20) <= at(s) < KICKOFF + timedelta(minutes=25))
    later = next(s for s in shots if at(s) < KICKOFF + timedelta(minutes=15))
    repeated = [s for s in shots if at(s) >= KICKOFF + timedelta(minutes=20) and s is not late]
    assert repeated, "the first half hour of the opener has shots after minute 20"
    on_time = [e for e in first_half if e is not late and e is not later]

    producer = Producer(kafka_config)
    topic = pipeline.topics["match_events"]

    def send(messages):
        for message in messages:
            producer.produce(topic, json.dumps(message).encode(), key=message["match_id"])
        producer.flush(30)

    send(on_time + repeated[:1])  # a provider repeat inside the same batch
    pipeline.run_available_now()
    send([late, later, *repeated])  # a restart later: late events and more repeats
    pipeline.run_available_now()

    # Hand count from the real messages: shots per team and window, each event once.
    expected = Counter()
    for shot in {s["event_id"]: s for s in [*on_time, late, later] if s["event_type"] in SHOTS}.values():
        expected[(shot["team_name"], window_start(shot))] += 1
    landed = Counter({
        (team, start): shots
        for team, start, shots in pipeline.rows("SELECT team_name, window_start, shots FROM {team_momentum_5min} WHERE shots > 0")
    })
    assert landed == expected
    late_window = pipeline.rows(
        "SELECT shots FROM {team_momentum_5min} WHERE team_id = %s AND window_start = %s", late["team_id"], window_start(late)
    )
    assert late_window[0][0] == expected[(late["team_name"], window_start(late))] >= 1
    # Nothing is lost: the later shot and all events are in the hot table, each once.
    assert pipeline.rows("SELECT count(*), count(DISTINCT event_id) FROM {match_events}") == [(len(first_half), len(first_half))]
    assert pipeline.rows("SELECT count(*) FROM {match_events} WHERE event_id = %s", later["event_id"]) == [(1,)]

    # The mart analysts read the windows through: each team beside its opponent in every
    # window the landing counted, a window where a team did not shoot giving it 0 (hand count above).
    dbt(pipeline.prefix, "build", "--quiet", "--select", "stg_streaming__team_momentum_5min", "team_pressure")
    teams = {e["team_name"] for e in first_half if e.get("team_name")}
    assert len(teams) == 2
    starts = {start for _, start in expected}
    marts = pipeline.rows(f"SELECT team, window_start, shots, opponent_shots FROM marts.{pipeline.prefix}team_pressure")
    assert {(team, start): (shots, opponent) for team, start, shots, opponent in marts if start in starts} == {
        (team, start): (expected[(team, start)], expected[(other, start)])
        for start in starts for team in teams for other in teams - {team}
    }
