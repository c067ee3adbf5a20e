"""Figure 4b: a goal as a fan sees it, in a real browser (headless Chromium) on a Superset dashboard
built like the Live scoreboard (superset/build_assets.py: a table chart of the scoreboard mart, the
same 30 s auto-refresh), over the run's own scoreboard mart. A watcher reads the rows the page
shows twice a second; the k-th goal of a match is visible when the match's shown score reaches k.

The dashboard, its chart and its dataset are made for the run and removed after it."""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bench import ROOT, BenchError

# The rows every table chart of the page shows, as cell texts.
ROWS_SHOWN = """() => Array.from(document.querySelectorAll('[data-test="chart-grid-component"] tbody tr'))
    .map(row => Array.from(row.querySelectorAll('td')).map(cell => cell.innerText.trim()))"""
COLUMNS = ["match_id", "home_score", "away_score"]


def _assets():
    """superset/build_assets.py and its API client (a folder of scripts, not a package)."""
    folder = str(ROOT / "superset")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import build_assets
    import superset_api

    return build_assets, superset_api


def refresh_seconds() -> int:
    """The dashboards' auto-refresh (superset/build_assets.py), which the run's dashboard keeps."""
    return _assets()[0].REFRESH_SECONDS


def note_goal_totals(totals: Iterable[tuple[str, int]], now: float, shown: dict[tuple[str, int], float]) -> None:
    """Note when each match's k-th goal was first shown: it is when the match's total of goals shown
    (pairs of match id and total) first reaches k."""
    for match_id, total in totals:
        for k in range(1, total + 1):
            shown.setdefault((match_id, k), now)


def record_shown(rows: list[list[str]], now: float, shown: dict[tuple[str, int], float]) -> None:
    """`note_goal_totals` of the page's rows: [match id, home score, away score] texts (an empty score
    cell is a match not started)."""
    note_goal_totals(((cells[0], sum(int(text) for text in cells[1:3] if text.strip().isdigit()))
                      for cells in rows if len(cells) >= 3 and cells[0]), now, shown)


@dataclass
class RunDashboard:
    """The run's dashboard in Superset; `remove()` deletes it, its chart and its dataset."""

    api: object
    slug: str
    dashboard_id: int | None = None
    chart_id: int | None = None
    dataset_id: int | None = None

    def remove(self) -> None:
        for resource, object_id in (("dashboard", self.dashboard_id), ("chart", self.chart_id), ("dataset", self.dataset_id)):
            if object_id is not None:
                try:
                    self.api.delete(f"/api/v1/{resource}/{object_id}")
                except Exception:  # noqa: BLE001 - best effort: a leftover is named after the run
                    pass


def create(prefix: str, superset) -> RunDashboard:
    """A one-chart Live scoreboard over marts.<prefix>scoreboard (which the live loop's first build made)."""
    import requests

    build_assets, superset_api = _assets()
    try:
        api = superset_api.SupersetApi(superset.url, superset.admin_user, superset.admin_password)
    except (requests.RequestException, superset_api.SupersetApiError) as error:
        raise BenchError(f"Superset at {superset.url} did not answer ({str(error)[:120]}): run `make up`.") from None
    made = RunDashboard(api, slug=f"{prefix}scoreboard".replace("_", "-"))
    try:
        databases = api.list("database", database_name=build_assets.DATABASE)
        if not databases:
            raise BenchError(f"Superset has no `{build_assets.DATABASE}` database connection: run `make up`.")
        table = f"{prefix}scoreboard"
        made.dataset_id = api.post("/api/v1/dataset/", {"database": databases[0]["id"], "schema": "marts", "table_name": table})["id"]
        made.dashboard_id = api.post("/api/v1/dashboard/", {"dashboard_title": f"Live scoreboard ({prefix.rstrip('_')})",
                                                            "slug": made.slug, "published": True})["id"]
        chart = build_assets.table(f"Scoreboard ({prefix.rstrip('_')})", table, COLUMNS, "match_id", descending=False,
                                   page_length=500)
        made.chart_id = build_assets.ensure_chart(api, chart, made.dataset_id, made.dashboard_id)
        uuid = api.get(f"/api/v1/chart/{made.chart_id}")["result"]["uuid"]
        board = build_assets.Dashboard(f"Live scoreboard ({prefix.rstrip('_')})", made.slug, [[(chart, 12)]])
        api.put(f"/api/v1/dashboard/{made.dashboard_id}", {
            "position_json": json.dumps(build_assets.layout(board, {chart.name: made.chart_id}, {chart.name: uuid})),
            "json_metadata": json.dumps(build_assets.metadata(board, {chart.name: made.chart_id}, {})),
        })
    except superset_api.SupersetApiError as error:
        made.remove()
        raise BenchError(f"Could not make the run's dashboard in Superset ({str(error)[:200]}).") from None
    return made


class DashboardWatch(threading.Thread):
    """Chromium on the run's dashboard, left open as a viewer leaves it (the page refreshes itself)."""

    def __init__(self, superset, slug: str, screenshot: Path | None = None, poll: float = 0.5) -> None:
        super().__init__(name="dashboard-watch", daemon=True)
        self.superset, self.slug, self.screenshot, self.poll = superset, slug, screenshot, poll
        self.shown: dict[tuple[str, int], float] = {}
        self.opened = threading.Event()
        self.halt = threading.Event()
        self.error: str | None = None
        self.refreshes = 0

    def run(self) -> None:
        from playwright.sync_api import sync_playwright

        from stack.browser import CHROMIUM, LAUNCH_ARGS, log_in_to_superset

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.on("response", lambda response: self._count(response.url))
                    log_in_to_superset(page, self.superset.url, self.superset.admin_user, self.superset.admin_password)
                    page.goto(f"{self.superset.url}/superset/dashboard/{self.slug}/")
                    page.wait_for_selector('[data-test="chart-grid-component"]', timeout=120_000)
                    self.opened.set()
                    while not self.halt.is_set():
                        record_shown(page.evaluate(ROWS_SHOWN), time.time(), self.shown)
                        page.wait_for_timeout(self.poll * 1000)
                    if self.screenshot is not None:  # the page as it ended, kept with the run's logs
                        page.screenshot(path=str(self.screenshot), full_page=True)
                finally:
                    browser.close()
        except Exception as error:  # noqa: BLE001 - reported as the figure's error
            self.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        finally:
            self.opened.set()

    def _count(self, url: str) -> None:
        if "/api/v1/chart/data" in url:
            self.refreshes += 1

    def wait_opened(self, timeout: float = 180) -> None:
        if not self.opened.wait(timeout) or self.error:
            raise BenchError(f"Chromium could not open the run's dashboard ({self.error or 'timed out'}).")

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=60)
