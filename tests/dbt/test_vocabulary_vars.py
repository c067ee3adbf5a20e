"""dbt reads the pipeline's shared facts (periods, statuses, shot outcomes) as vars in
dbt_project.yml; they must equal ingest/vocabulary.py, their one home, and the contracts."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ingest import vocabulary

ROOT = Path(__file__).resolve().parents[2]


def test_dbt_vars_equal_the_vocabulary():
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    assert project["vars"] == vocabulary.dbt_vars(), "copy ingest.vocabulary.dbt_vars() into dbt_project.yml's vars"


def test_the_live_matches_contract_lists_the_vocabulary_statuses():
    schema = json.loads((ROOT / "ingest" / "contracts" / "live-matches.schema.json").read_text())
    assert tuple(schema["properties"]["status"]["enum"]) == vocabulary.STATUSES


def test_the_scoreboard_accepts_the_vocabulary_statuses():
    marts = yaml.safe_load((ROOT / "dbt_project" / "models" / "marts" / "marts.yml").read_text())["models"]
    [scoreboard] = [m for m in marts if m["name"] == "scoreboard"]
    [status] = [c for c in scoreboard["columns"] if c["name"] == "status"]
    assert tuple(status["data_tests"][0]["accepted_values"]["arguments"]["values"]) == vocabulary.STATUSES


def test_every_contract_of_the_vocabulary_has_its_schema_file_and_no_other():
    files = {path.name.removesuffix(".schema.json") for path in (ROOT / "ingest" / "contracts").glob("*.schema.json")}
    assert files == set(vocabulary.CONTRACTS)


def test_a_period_ends_where_the_next_starts():
    ends = [vocabulary.PERIOD_END_MINUTE[p] for p in (1, 2, 3, 4)]
    starts = [vocabulary.PERIOD_START_MINUTE[p] for p in (2, 3, 4, 5)]
    assert ends == starts == [45, 90, 105, 120]  # the Laws of the Game: 2 x 45, then 2 x 15
