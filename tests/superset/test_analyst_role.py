"""The Analyst role (superset/roles.py): an analyst reads the dashboards and runs SELECTs in SQL Lab,
and changes nothing, in a real headless Chromium (Debian's, driven by Playwright) and through the REST API."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.superset.in_browser import chromium_page, log_in

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "superset"))

import roles  # noqa: E402
from superset_api import SupersetApi, SupersetApiError  # noqa: E402


def test_the_role_lists_no_write_on_dashboards_charts_datasets_or_connections():
    written = [(permission, view) for permission, view in roles.ANALYST_PERMISSIONS
               if view in roles.NEVER_WRITTEN and permission not in {"can_read", "can_get", "can_external_metadata"}]
    assert not written
    assert ("can_sqllab", "Superset") in roles.ANALYST_PERMISSIONS
    assert ("can_execute_sql_query", "SQLLab") in roles.ANALYST_PERMISSIONS


@pytest.fixture(scope="module")
def analyst_api(superset) -> SupersetApi:
    return SupersetApi(superset.url, superset.analyst_user, superset.analyst_password)


@pytest.fixture(scope="module")
def matchday_database_id(analyst_api) -> int:
    (database,) = analyst_api.list("database", database_name="matchday")
    return database["id"]


def execute(api: SupersetApi, database_id: int, sql: str) -> dict:
    return api.post("/api/v1/sqllab/execute/", {"database_id": database_id, "schema": "marts", "runAsync": False,
                                                 "sql": sql, "client_id": uuid.uuid4().hex[:10]})


@pytest.mark.integration
def test_the_analyst_has_the_analyst_role_only(api, superset):
    (user,) = [u for u in api.get("/api/v1/security/users/", params={"q": "(page_size:100)"})["result"]
               if u["username"] == superset.analyst_user]
    assert [role["name"] for role in user["roles"]] == [roles.ROLE]


@pytest.mark.integration
def test_the_analyst_lists_the_dashboards_and_cannot_change_one(analyst_api, expected_dashboards):
    dashboards = {d["slug"]: d for d in analyst_api.list("dashboard")}
    assert set(expected_dashboards) <= set(dashboards)
    dashboard = dashboards["live-scoreboard"]
    analyst_api.get(f"/api/v1/dashboard/{dashboard['id']}")
    # Its own title again: refused, and harmless if it were not.
    answer = analyst_api.session.put(f"{analyst_api.url}/api/v1/dashboard/{dashboard['id']}",
                                     json={"dashboard_title": dashboard["dashboard_title"]}, timeout=60)
    assert answer.status_code == 403, answer.text[:300]
    (chart, *_) = analyst_api.get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
    answer = analyst_api.session.put(f"{analyst_api.url}/api/v1/chart/{chart['id']}",
                                     json={"slice_name": chart["slice_name"]}, timeout=60)
    assert answer.status_code == 403, answer.text[:300]


@pytest.mark.integration
def test_the_analyst_runs_a_select_in_sql_lab(analyst_api, matchday_database_id, landed_matches):
    answer = execute(analyst_api, matchday_database_id, "SELECT count(*) AS matches FROM marts.scoreboard")
    assert answer["status"] == "success"
    assert answer["data"][0]["matches"] >= len(landed_matches)


@pytest.mark.integration
def test_the_analyst_cannot_write_through_sql_lab(analyst_api, matchday_database_id):
    with pytest.raises(SupersetApiError, match="DML|read-only|not allowed|permission"):
        execute(analyst_api, matchday_database_id, "DELETE FROM marts.scoreboard")


@pytest.fixture(scope="module")
def analyst_page(superset):
    with chromium_page() as page:
        yield log_in(page, superset.url, superset.analyst_user, superset.analyst_password)


@pytest.mark.integration
@pytest.mark.e2e
@pytest.mark.browser
def test_the_analyst_sees_the_dashboards_and_no_edit_button(analyst_page, superset, expected_dashboards):
    page = analyst_page
    page.goto(f"{superset.url}/dashboard/list/?viewMode=table")
    for title in expected_dashboards.values():
        expect(page.get_by_text(title, exact=True).first).to_be_visible(timeout=60_000)
    page.goto(f"{superset.url}/superset/dashboard/live-scoreboard/")
    expect(page.locator('[data-test="dashboard-header-container"], [data-test="dashboard-header"]').first
           ).to_be_visible(timeout=60_000)
    expect(page.locator('[data-test="chart-grid-component"]').first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Live scoreboard").first).to_be_visible()
    expect(page.locator('[data-test="edit-dashboard-button"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Edit dashboard")).to_have_count(0)


@pytest.mark.integration
@pytest.mark.e2e
@pytest.mark.browser
def test_the_analysts_browser_session_cannot_change_a_dashboard(analyst_page, analyst_api, superset):
    """The PUT made with the analyst's logged-in browser session (its cookie and CSRF token), not the API's token."""
    page = analyst_page
    (dashboard,) = analyst_api.list("dashboard", slug="live-scoreboard")
    session = requests.Session()
    for cookie in page.context.cookies():
        session.cookies.set(cookie["name"], cookie["value"], domain=cookie["domain"], path=cookie["path"])
    csrf = session.get(f"{superset.url}/api/v1/security/csrf_token/", timeout=60)
    assert csrf.status_code == 200, csrf.text[:300]
    answer = session.put(f"{superset.url}/api/v1/dashboard/{dashboard['id']}",
                         json={"dashboard_title": dashboard["dashboard_title"]}, timeout=60,
                         headers={"X-CSRFToken": csrf.json()["result"], "Referer": superset.url})
    assert answer.status_code == 403, answer.text[:300]
