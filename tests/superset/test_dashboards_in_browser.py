"""A real headless Chromium (Debian's, driven by Playwright) logs in and opens every dashboard.

Each dashboard must render all its charts with no error message and no warning sign, its table
headers in words rather than column names, and the Match centre must open on the most recent
match; the shot map and heat maps draw a pitch, and the win-probability lines are named after the
match's teams. A screenshot of each is saved under artifacts/screenshots/ for the record.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.superset.in_browser import chromium_page, log_in

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHART = '[data-test="chart-grid-component"]'
LOADING = '[data-test="loading-indicator"], .loading'
# What Superset shows when a chart or the page fails.
ERRORS = ('[data-test="error-tooltip"], [data-test="alert"], .alert-danger, .ant-alert-error, '
          '[role="alert"]:has-text("error"), :text("Unexpected error"), :text("Data error")')
# The sign in a chart's header, e.g. "The row limit set for the chart was reached. The chart may show partial data."
WARNING = '[data-test="slice-header"] [aria-label="warning"]'
FILTER_BAR = '[data-test="filter-bar"]'
# The pitch of superset/pitch_svg.py, and what is drawn on it: each shot or zone carries its tooltip.
PITCH = "svg.pitch"
MARKS = f"{PITCH} :is(circle, rect):has(title)"
PITCH_CHARTS = {"match-centre": ["Shot map", "Home team touches", "Away team touches"],
                "player-performance": ["Player heat map"]}


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    with chromium_page() as page:
        yield page


@pytest.fixture(scope="module")
def logged_in(browser_page, superset):
    return log_in(browser_page, superset.url, superset.admin_user, superset.admin_password)


def wait_for_charts(page, expected: int, timeout: float = 120) -> None:
    """Until `expected` charts are on the page and none is loading, twice in a row."""
    deadline = time.monotonic() + timeout
    settled = 0
    while time.monotonic() < deadline:
        charts = page.locator(CHART).count()
        loading = page.locator(LOADING).count()
        settled = settled + 1 if charts >= expected and loading == 0 else 0
        if settled >= 2:
            return
        page.wait_for_timeout(1000)
    raise AssertionError(f"{page.url}: {page.locator(CHART).count()} of {expected} charts, "
                         f"{page.locator(LOADING).count()} still loading after {timeout:.0f} s")


def open_dashboard(page, api, slug: str) -> int:
    (dashboard,) = api.list("dashboard", slug=slug)
    expected = len(api.get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"])
    page.goto(f"{api.url}/superset/dashboard/{slug}/")
    wait_for_charts(page, expected)
    return expected


def assert_no_errors(page, slug: str, empty_charts_allowed: int = 0) -> None:
    # The charts drawn, not only in the page: a page caught between two renders shows none, and would
    # pass every check below without showing anything.
    expect(page.locator(CHART).first).to_be_visible(timeout=60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)
    errors = page.locator(ERRORS)
    assert errors.count() == 0, f"{slug}: {errors.first.inner_text()[:300]}"
    empty = page.locator(':text("No results were returned")').count()
    assert empty <= empty_charts_allowed, f"{slug}: {empty} charts show no data"
    warned = [chart.locator('[data-test="editable-title"]').inner_text()
              for chart in page.locator(CHART).filter(has=page.locator(WARNING)).all()]
    assert not warned, f"{slug}: a warning sign on {warned}"


def assert_readable_headers(page, slug: str) -> None:
    """Table headers say what a fan reads ("Player", "Minutes"), not a column's name (player_name)."""
    expect(page.locator(f"{CHART} th").first).to_be_visible(timeout=60_000)
    headers = [text.strip() for text in page.locator(f"{CHART} th").all_inner_texts()]
    assert headers, f"{slug}: no table headers"
    assert not [h for h in headers if "_" in h], f"{slug}: headers are column names: {headers}"


def matches_newest_first(pg_conn, match_ids) -> list[tuple[str, str]]:
    """(home, away) of the landed matches, the most recently played first (the filter's order)."""
    with pg_conn.cursor() as cur:
        cur.execute("SELECT home_team, away_team FROM marts.scoreboard WHERE split_part(match_id, ':', 2) = ANY(%s) "
                    "ORDER BY updated_at DESC", (list(match_ids),))
        return cur.fetchall()


@pytest.mark.parametrize("slug", ["live-scoreboard", "player-performance", "fantasy-live", "history", "pipeline-health"])
def test_dashboard_renders_without_errors(logged_in, api, landed_matches, pg_conn, slug):
    open_dashboard(logged_in, api, slug)
    with pg_conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM streaming.dead_letter")
        no_dead_letters = cur.fetchone()[0] == 0
    # With no dead letters at all, "Dead letters per topic" rightly has nothing to draw.
    assert_no_errors(logged_in, slug, empty_charts_allowed=int(slug == "pipeline-health" and no_dead_letters))
    assert_readable_headers(logged_in, slug)  # pipeline-health: its Source freshness table


def test_match_centre_opens_on_the_most_recent_match(logged_in, api, landed_matches, pg_conn):
    page = logged_in
    (home, away), *older = matches_newest_first(pg_conn, landed_matches)
    open_dashboard(page, api, "match-centre")
    # The filter names the match as a fan does, and it is applied, not left pending.
    expect(page.locator(f"{FILTER_BAR} .ant-select-selection-item")).to_have_text(
        re.compile(rf"^{re.escape(home)} – {re.escape(away)}"), timeout=30_000)
    expect(page.get_by_role("button", name="Apply filters")).to_be_disabled()
    timeline = page.locator(CHART).filter(has_text="Match timeline")
    expect(timeline.get_by_text(home).first).to_be_visible(timeout=60_000)
    for team in {team for match in older for team in match} - {home, away}:
        expect(timeline.get_by_text(team, exact=True)).to_have_count(0)
    assert_no_errors(page, "match-centre")
    assert_readable_headers(page, "match-centre")


def test_match_centre_shows_the_chosen_match(logged_in, api, landed_matches, pg_conn):
    page = logged_in
    newest, (home, away), *_ = matches_newest_first(pg_conn, landed_matches)
    charts = open_dashboard(page, api, "match-centre")
    page.locator(f"{FILTER_BAR} .ant-select").first.click()
    page.keyboard.type(home)
    page.locator(f'.ant-select-item-option[title^="{home} – {away}"]').click()
    page.get_by_text("Apply filters").click()
    timeline = page.locator(CHART).filter(has_text="Match timeline")
    # Applying a filter re-mounts the charts: wait for the chosen match's rows, not a fixed time.
    expect(timeline.get_by_text(home).first).to_be_visible(timeout=120_000)
    wait_for_charts(page, charts)
    assert_no_errors(page, "match-centre")
    # Both teams in the timeline, no team of the match the dashboard opened on. The dashboard
    # refreshes itself every 30 s, which re-mounts the charts for a moment: wait for the rows
    # rather than counting them at one instant.
    expect(timeline.get_by_text(home).first).to_be_visible(timeout=60_000)
    expect(timeline.get_by_text(away).first).to_be_visible(timeout=60_000)
    for team in set(newest) - {home, away}:
        expect(timeline.get_by_text(team, exact=True)).to_have_count(0)


def chart_named(page, name: str):
    return page.locator(CHART).filter(has=page.locator('[data-test="editable-title"]', has_text=name))


def filter_value(page) -> str:
    """The value the dashboard's first native filter shows (it has one selected when it opens)."""
    selected = page.locator(f"{FILTER_BAR} .ant-select-selection-item").first
    expect(selected).not_to_be_empty(timeout=30_000)
    return selected.inner_text().strip()


@pytest.mark.parametrize("slug", sorted(PITCH_CHARTS))
def test_shots_and_touches_are_drawn_on_a_pitch(logged_in, api, landed_matches, slug):
    page = logged_in
    open_dashboard(page, api, slug)
    for name in PITCH_CHARTS[slug]:
        chart = chart_named(page, name)
        expect(chart.locator(PITCH)).to_have_count(1, timeout=60_000)
        assert chart.locator(MARKS).count() > 0, f"{slug}: {name} draws a pitch with nothing on it"
    if slug == "player-performance":
        # The heat map opens on the player its filter shows, never on nobody.
        expect(chart_named(page, "Player heat map").locator(PITCH)).to_contain_text(filter_value(page))
    assert_no_errors(page, slug)


def test_win_probability_lines_are_named_after_the_teams(logged_in, api, landed_matches):
    """ECharts draws the legend on a canvas, so the series it names are read from the chart's data
    as the browser received it, for the match the dashboard opened on."""
    page = logged_in
    received = []
    page.on("response", lambda response: received.append(response) if "/api/v1/chart/data" in response.url else None)
    open_dashboard(page, api, "match-centre")
    home, away = re.sub(r" \(.*\)$", "", filter_value(page)).split(" – ")
    (dashboard,) = api.list("dashboard", slug="match-centre")
    (chart_id,) = [c["id"] for c in api.get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
                   if c["slice_name"] == "Win probability"]
    drawn = [r.json()["result"][0]["colnames"] for r in received
             if (r.request.post_data_json or {}).get("form_data", {}).get("slice_id") == chart_id and r.ok]
    assert drawn, "the page fetched no data for Win probability"
    assert {f"{home} win", "Draw", f"{away} win"} <= set(drawn[-1]), drawn[-1]
