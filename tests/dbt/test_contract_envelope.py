"""The staging models select the message envelope through one macro (macros/contract_envelope.sql);
its fields must be the ones every contract requires, in the contracts' order, and the running
statistics' own envelope what both stats contracts carry next: the contracts (ingest/contracts/)
are the envelopes' one home."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[2]
MACROS = ROOT / "dbt_project" / "macros" / "contract_envelope.sql"
CONTRACTS = ROOT / "ingest" / "contracts"


def emitted(macro: str, **kwargs) -> list[str]:
    """The columns a macro of contract_envelope.sql emits, as `select` items."""
    module = jinja2.Environment().from_string(MACROS.read_text()).module
    return [item.strip() for item in str(getattr(module, macro)(**kwargs)).split(",")]


def envelope(**kwargs) -> list[str]:
    return emitted("contract_envelope", **kwargs)


def test_the_envelope_is_what_every_contract_requires_in_order():
    contracts = [json.loads(path.read_text())["required"] for path in sorted(CONTRACTS.glob("*.schema.json"))]
    shared = [field for field in contracts[0] if all(field in required for required in contracts)]
    assert [item.split()[0] for item in envelope()] == shared
    assert all(required[:len(shared)] == shared for required in contracts)


def test_staging_names_the_event_time_recorded_at_and_can_leave_fields_out():
    assert "timestamp as recorded_at" in envelope()
    assert envelope(without=["second", "added_time"])[-1] == "sequence"
    assert "schema_version" not in envelope(without=["schema_version"])


def test_the_running_stats_envelope_is_what_both_stats_contracts_carry_after_the_envelope():
    fields = [item.split()[0] for item in emitted("running_stats_envelope")]
    for contract in ("player-live-stats", "team-live-stats"):
        properties = list(json.loads((CONTRACTS / f"{contract}.schema.json").read_text())["properties"])
        after = properties.index("sequence") + 1
        assert properties[after:after + len(fields)] == fields, contract


def test_every_topic_staging_model_selects_the_envelope():
    for topic in ("live_matches", "match_events", "player_live_stats", "team_live_stats"):
        sql = (ROOT / "dbt_project" / "models" / "staging" / f"stg_streaming__{topic}.sql").read_text()
        assert "{{ contract_envelope(" in sql, topic
