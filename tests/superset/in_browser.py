"""What the browser tests of Superset share: a page of Debian's headless Chromium, and the login."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from stack.browser import CHROMIUM

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--no-first-run", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_page(width: int = 1600, height: int = 1200) -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def log_in(page, url: str, username: str, password: str):
    """Log `page` in to the Superset at `url`.

    The login page posts its page-view event to /superset/log/ about a second after loading; that
    call, made while logged out, answers with a session cookie without the user. Submitted before it
    has been answered, the login races it, and when the event's answer lands last, the browser is
    logged out again (seen in CI). So the event goes first, then the form: its answer redirects to the
    login page (whose URL names /superset/log/ too), and that page's answer is the last cookie it sets.
    """
    def event_answered(response) -> bool:
        return "/superset/log/" in response.url and not 300 <= response.status < 400

    with page.expect_response(event_answered, timeout=30_000):
        page.goto(f"{url}/login/")
    page.fill('input[id="username"], input[name="username"]', username)
    page.fill('input[id="password"], input[name="password"]', password)
    page.click('button[type="submit"], input[type="submit"]')
    page.wait_for_url(lambda current: "/login" not in current)
    return page
