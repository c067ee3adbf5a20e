"""The topic contracts: valid JSON Schemas with the shared fields, accepting real messages and rejecting broken ones."""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from ingest import contracts, vocabulary
from ingest.errors import ContractError

SHARED_FIELDS = ["schema_version", "event_id", "match_id", "provider", "timestamp", "period", "minute", "second", "added_time"]

# Lautaro Martínez's winner in the Copa América 2024 final (StatsBomb match 3943077, event
# 54435736-...), written out by hand from the StatsBomb event: 111:13 on the clock in period 4
# (shown as 112'), location (105.5, 52.1) on StatsBomb's 120 x 80 pitch, xG 0.19881123.
LAUTARO_GOAL = {
    "schema_version": 1,
    "event_id": "54435736-9fa0-4691-b9a6-2e338e0baead",
    "match_id": "statsbomb:3943077",
    "provider": "statsbomb",
    "timestamp": "2024-07-15T02:36:13.848000+00:00",
    "period": 4,
    "minute": 111,
    "second": 13,
    "added_time": 0,
    "sequence": 3868,
    "event_type": "GOAL",
    "provider_event_type": "Shot",
    "team_id": 779,
    "team_name": "Argentina",
    "team_side": "home",
    "player_id": 11456,
    "player_name": "Lautaro Javier Martínez",
    "location_x": 87.92,
    "location_y": 65.13,
    "xg": 0.19881123,
    "outcome": "GOAL",
    "provider_outcome": "Goal",
    "home_score": 1,
    "away_score": 0,
}


@pytest.mark.parametrize("topic", contracts.TOPICS)
def test_each_contract_is_a_valid_schema_with_the_shared_fields(topic):
    schema = contracts.load_schema(topic)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    version = schema["properties"]["schema_version"]
    # One version, or every version since 1 (old messages stay readable after a bump).
    accepted = version.get("enum", [version.get("const")])
    assert accepted == list(range(1, contracts.current_version(topic) + 1))
    assert set(SHARED_FIELDS) <= set(schema["required"])
    assert schema["additionalProperties"] is True


def test_a_real_goal_satisfies_the_match_events_contract():
    assert contracts.violation("match-events", LAUTARO_GOAL) is None


def test_unknown_fields_are_kept_not_rejected():
    message = dict(LAUTARO_GOAL, pitch_zone="box")
    assert contracts.violation("match-events", message) is None


@pytest.mark.parametrize("field", sorted(vocabulary.MATCH_EVENT_TERMS))
def test_the_contract_lists_the_football_terms_of_the_vocabulary(field):
    assert contracts.load_schema("match-events")["properties"][field]["enum"] == [*vocabulary.MATCH_EVENT_TERMS[field], None]


@pytest.mark.parametrize("field, provider_string", [("outcome", "Saved to Post"), ("outcome", "Saved To Post"),
                                                     ("body_part", "Right Foot"), ("shot_type", "Free Kick"),
                                                     ("play_pattern", "From Corner")])
def test_a_provider_string_breaks_the_contract(field, provider_string):
    reason = contracts.violation("match-events", dict(LAUTARO_GOAL, **{field: provider_string}))
    assert reason is not None and reason.startswith(field)


@pytest.mark.parametrize(
    "change, where",
    [
        ({"minute": -1}, "minute"),
        ({"period": 6}, "period"),
        ({"event_type": "Goal!"}, "event_type"),  # a new type must look like one: ^[A-Z][A-Z0-9_]*$
        ({"match_id": "3943077"}, "match_id"),
        ({"timestamp": "2024-07-15 02:36"}, "timestamp"),
        ({"timestamp": "2024-07-15T02:36:13"}, "timestamp"),  # no UTC offset
        ({"event_id": "not-a-uuid"}, "event_id"),
        ({"schema_version": 2}, "schema_version"),
        ({"xg": 1.5}, "xg"),
    ],
)
def test_broken_messages_are_rejected_with_where_and_why(change, where):
    message = dict(LAUTARO_GOAL, **change)
    reason = contracts.violation("match-events", message)
    assert reason is not None and reason.startswith(f"{where}: ")
    with pytest.raises(ContractError, match=where):
        contracts.validate("match-events", message)


def test_a_missing_required_field_is_rejected():
    message = copy.deepcopy(LAUTARO_GOAL)
    del message["home_score"]
    assert "'home_score' is a required property" in contracts.violation("match-events", message)


def test_an_unknown_contract_is_an_ingest_error():
    with pytest.raises(ContractError, match="no contract named"):
        contracts.load_schema("goals")


def test_the_stats_contracts_are_at_version_2_and_still_accept_version_1():
    """Version 2 lets a provider leave a figure it does not measure null; a version 1 message,
    with every figure a number, stays valid, and a version 2 one with nulls is valid too."""
    v1 = {"schema_version": 1, "event_id": "0b4ad7ca-4f4c-5bb5-8d4b-4b2a8a0f4b8a", "match_id": "statsbomb:3943077",
          "provider": "statsbomb", "timestamp": "2024-07-14T19:00:00+00:00", "period": 1, "minute": 10, "second": 0,
          "added_time": 0, "sequence": 2, "is_final": False, "team_id": 772, "team_name": "Spain", "team_side": "home",
          "possession": 60.0, "goals": 0, "shots": 1, "shots_on_target": 0, "xg": 0.05, "passes": 80,
          "passes_completed": 70, "pass_accuracy": 87.5, "corners": 1, "fouls": 0, "offsides": 0, "tackles": 2,
          "interceptions": 1, "yellow_cards": 0, "red_cards": 0}
    assert contracts.current_version("team-live-stats") == contracts.current_version("player-live-stats") == 2
    assert contracts.violation("team-live-stats", v1) is None
    v2 = dict(v1, schema_version=2, xg=None, tackles=None, interceptions=None)
    assert contracts.violation("team-live-stats", v2) is None
    assert contracts.violation("team-live-stats", dict(v2, goals=None)).startswith("goals")  # the score is always known
