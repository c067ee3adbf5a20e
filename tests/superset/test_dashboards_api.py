"""Through Superset's REST API: the dashboards refresh every 30 s, every chart answers with data, and
matches are named by their teams, the Match centre's filter offering the most recent one first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from superset_api import SupersetApiError

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
CHARTS = Path(__file__).resolve().parents[2] / "superset" / "assets" / "charts"


def dashboards(api) -> dict[str, dict]:
    return {d["slug"]: d for d in api.list("dashboard")}


def chart_data(api, chart_id: int) -> list[dict]:
    """The chart's saved query run by Superset (`/api/v1/chart/{id}/data`), one result per query."""
    return api.get(f"/api/v1/chart/{chart_id}/data/", params={"force": "true"})["result"]


def test_the_dashboards_refresh_every_30_seconds(api, expected_dashboards):
    found = dashboards(api)
    assert set(found) == set(expected_dashboards)
    for slug, title in expected_dashboards.items():
        dashboard = api.get(f"/api/v1/dashboard/{found[slug]['id']}")["result"]
        assert dashboard["dashboard_title"] == title
        assert json.loads(dashboard["json_metadata"])["refresh_frequency"] == 30, slug


def dead_letters_per_topic(pg_conn) -> dict[str, int]:
    with pg_conn.cursor() as cur:
        cur.execute("SELECT topic, count(*) FROM streaming.dead_letter GROUP BY topic")
        return dict(cur.fetchall())


def test_every_chart_of_every_dashboard_returns_data(api, landed_matches, pg_conn):
    # A clean replay has no dead letters: then "none per topic" is the right answer for that chart.
    may_be_empty = set() if dead_letters_per_topic(pg_conn) else {"Dead letters per topic"}
    problems = []
    counted = 0
    for slug, dashboard in dashboards(api).items():
        charts = api.get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
        assert charts, f"{slug} has no charts"
        for chart in charts:
            counted += 1
            try:
                results = chart_data(api, chart["id"])
            except SupersetApiError as exc:
                problems.append(f"{slug} / {chart['slice_name']}: {exc}")
                continue
            for result in results:
                if result.get("error") or result.get("status") != "success":
                    problems.append(f"{slug} / {chart['slice_name']}: {result.get('status')} {result.get('error')}")
                elif not result["data"] and chart["slice_name"] not in may_be_empty:
                    problems.append(f"{slug} / {chart['slice_name']}: no rows")
    assert not problems, "\n".join(problems)
    # Every chart the stack imports (superset/assets/charts) sits on a dashboard and was checked.
    assert counted == len(list(CHARTS.glob("*.yaml")))


def test_live_scoreboard_shows_the_official_results(api, landed_matches):
    scoreboard = next(c for c in api.list("chart", slice_name="Scoreboard"))
    rows = chart_data(api, scoreboard["id"])[0]["data"]
    shown = {(r["home_team"], r["home_score"], r["away_score"], r["away_team"], r["home_penalties"], r["away_penalties"],
              r["status"]) for r in rows}
    # Official results (FIFA, CONMEBOL): a 3-3 draw; 1-1 after 90 minutes, Argentina won the shoot-out 4-2.
    assert ("Portugal", 3, 3, "Spain", None, None, "FINISHED") in shown
    assert ("Argentina", 1, 1, "Ecuador", 4, 2, "FINISHED") in shown


def test_dead_letters_per_topic_match_the_table(api, pg_conn):
    chart = next(c for c in api.list("chart", slice_name="Dead letters per topic"))
    rows = chart_data(api, chart["id"])[0]["data"]
    assert {r["topic"]: r["Dead letters"] for r in rows} == dead_letters_per_topic(pg_conn)


def test_match_centre_is_filtered_to_one_match_the_most_recent_first(api):
    dashboard = dashboards(api)["match-centre"]
    metadata = json.loads(api.get(f"/api/v1/dashboard/{dashboard['id']}")["result"]["json_metadata"])
    (match_filter,) = metadata["native_filter_configuration"]
    assert match_filter["filterType"] == "filter_select"
    assert match_filter["targets"][0]["column"]["name"] == "match"
    assert match_filter["controlValues"]["multiSelect"] is False
    assert match_filter["controlValues"]["defaultToFirstItem"] is True and match_filter["requiredFirst"] is True
    assert (match_filter["sortMetric"], match_filter["controlValues"]["sortAscending"]) == ("last_update", False)


def test_the_match_filter_offers_the_most_recent_match_first(api, landed_matches, pg_conn):
    """The filter's own query (its column, ordered by its sort metric) through the chart data API."""
    (scoreboard,) = [d for d in api.list("dataset", table_name="scoreboard") if d["schema"] == "marts"]
    answer = api.post("/api/v1/chart/data", {
        "datasource": {"id": scoreboard["id"], "type": "table"},
        "queries": [{"columns": ["match"], "metrics": ["last_update"], "orderby": [["last_update", False]],
                     "row_limit": 1000}],
        "result_format": "json", "result_type": "full"})
    offered = [row["match"] for row in answer["result"][0]["data"]]
    with pg_conn.cursor() as cur:
        cur.execute("SELECT home_team || ' – ' || away_team FROM marts.scoreboard ORDER BY updated_at DESC LIMIT 1")
        (newest,) = cur.fetchone()
    assert offered[0].startswith(newest), offered


def test_tables_name_matches_not_ids(api, landed_matches):
    for name in ("Per match", "Points with breakdown"):
        (chart,) = api.list("chart", slice_name=name)
        rows = chart_data(api, chart["id"])[0]["data"]
        assert rows and all("match_id" not in row for row in rows), name
        assert "Portugal – Spain (15 Jun 2018)" in {row["match"] for row in rows}, name


def test_source_freshness_shows_each_checked_table_as_the_loop_recorded_it(api, landed_matches, pg_conn):
    with pg_conn.cursor() as cur:
        cur.execute("SELECT source_table, status FROM streaming.source_freshness")
        recorded = dict(cur.fetchall())
    (chart,) = [c for c in api.list("chart", slice_name="Source freshness")]
    (result,) = chart_data(api, chart["id"])
    shown = {row["source_table"]: row["status"] for row in result["data"]}
    assert shown == recorded and "streaming.match_events" in shown
    assert set(shown.values()) <= {"pass", "warn", "error"}
