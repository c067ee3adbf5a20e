"""Debian's Chromium (`make system-deps-test` installs it), driven by Playwright: what the checks
that look at the stack's web UIs share (superset/goal_latency.py, the NiFi flow's test)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"


def log_in(page, login_url: str, username: str, password: str, submit: str) -> None:
    """Fill the login form at `login_url` (fields #username and #password), press `submit` (its
    selector) and wait until the browser has left the login page."""
    page.goto(login_url)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click(submit)
    page.wait_for_url(lambda url: "/login" not in url)
