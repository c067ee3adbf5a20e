"""The dashboards have one source of truth, the builder's specification (superset/build_assets.py);
superset/assets/*.yaml, which the stack imports, is its export. They must agree: the same
datasets with the same column labels, dashboards with the same filters and colours, charts per
dashboard, and each chart's dataset, type and settings. A chart edited in one and not the other
fails here (run build_assets.py, then export_assets.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "superset" / "assets"
sys.path.insert(0, str(ROOT / "superset"))

import build_assets  # noqa: E402


def _load(folder: str) -> list[dict]:
    return [yaml.safe_load(path.read_text()) for path in sorted((ASSETS / folder).glob("*.yaml"))]


DATASETS = {d["uuid"]: d for d in _load("datasets")}
CHARTS = {c["slice_name"]: c for c in _load("charts")}
DASHBOARDS = {d["dashboard_title"]: d for d in _load("dashboards")}
BUILT_CHARTS = {chart.name: chart for dashboard in build_assets.DASHBOARDS for chart in dashboard.charts}


def _charts_of(exported: dict) -> list[str]:
    return sorted(item["meta"]["sliceName"] for item in exported["position"].values()
                  if isinstance(item, dict) and item.get("type") == "CHART")


def test_the_exported_datasets_are_the_builders():
    assert {(d["schema"], d["table_name"]) for d in DATASETS.values()} == {
        (schema, table) for table, schema in build_assets.DATASETS.items()}


def test_the_exported_dashboards_and_their_charts_are_the_builders():
    assert {d.title: sorted(c.name for c in d.charts) for d in build_assets.DASHBOARDS} == {
        title: _charts_of(exported) for title, exported in DASHBOARDS.items()}


@pytest.mark.parametrize("name", sorted(BUILT_CHARTS))
def test_each_exported_chart_is_the_builders(name):
    built, exported = BUILT_CHARTS[name], CHARTS[name]
    assert DATASETS[exported["dataset_uuid"]]["table_name"] == built.dataset
    assert exported["viz_type"] == built.viz_type
    settings = {key: value for key, value in exported["params"].items() if key in built.form_data}
    assert json.loads(json.dumps(settings)) == json.loads(json.dumps(built.form_data))


@pytest.mark.parametrize("name", sorted(f"{d['schema']}.{d['table_name']}" for d in DATASETS.values()))
def test_each_exported_dataset_has_the_builders_column_labels_and_match_column(name):
    (exported,) = [d for d in DATASETS.values() if f"{d['schema']}.{d['table_name']}" == name]
    columns = {c["column_name"]: c for c in exported["columns"]}
    assert {column: c["verbose_name"] for column, c in columns.items()} == {
        column: build_assets.column_label(column) for column in columns}
    if "match_id" in columns:
        assert columns[build_assets.MATCH]["expression"] == build_assets.match_expression(exported["table_name"])


def _without_dataset(filters: list[dict]) -> list[dict]:
    """Native filters without their target's dataset, an id in the builder and a uuid in the export."""
    return [f | {"targets": [{k: v for k, v in t.items() if k not in ("datasetId", "datasetUuid")}
                             for t in f["targets"]]} for f in filters]


@pytest.mark.parametrize("title", sorted(d.title for d in build_assets.DASHBOARDS))
def test_each_exported_dashboards_filters_and_colours_are_the_builders(title):
    (dashboard,) = [d for d in build_assets.DASHBOARDS if d.title == title]
    # The chart ids of the export, which a filter's scope names (the Player filter's excludes all but one).
    chart_ids = {item["meta"]["sliceName"]: item["meta"]["chartId"] for item in DASHBOARDS[title]["position"].values()
                 if isinstance(item, dict) and item.get("type") == "CHART"}
    built = build_assets.metadata(dashboard, chart_ids, {"scoreboard": 0})
    exported = DASHBOARDS[title]["metadata"]
    assert _without_dataset(exported["native_filter_configuration"]) == _without_dataset(
        built["native_filter_configuration"])
    assert exported["label_colors"] == built["label_colors"]
    assert exported["refresh_frequency"] == built["refresh_frequency"]


def test_pipeline_health_shows_the_transform_loops_source_freshness():
    from dbt_project.transform_loop import freshness_rows

    assert "Source freshness" in _charts_of(DASHBOARDS["Pipeline health"])
    chart = CHARTS["Source freshness"]
    dataset = DATASETS[chart["dataset_uuid"]]
    assert (dataset["schema"], dataset["table_name"], chart["viz_type"]) == ("streaming", "source_freshness", "table")
    # The dataset's columns are what the loop records, and the table shows the status and the age of each table.
    recorded = freshness_rows({"results": [{"unique_id": "source.matchday.streaming.match_events", "status": "pass"}]})
    assert {c["column_name"] for c in dataset["columns"]} == set(recorded[0])
    assert {"source_table", "status", "age_seconds", "max_loaded_at", "checked_at"} <= set(chart["params"]["all_columns"])
