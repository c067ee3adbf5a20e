"""Debian's Chromium (`make system-deps-test` installs it), driven by Playwright: what the checks
that look at the stack's web UIs share (the bench's dashboard figure, superset/goal_latency.py, the
browser tests of Superset and of the NiFi flow)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# Headless in a VM without a GPU or the internet: no sandbox (no user namespaces), nothing that calls home.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
               "--no-first-run", "--disable-component-update", "--disable-sync"]


def log_in(page, login_url: str, username: str, password: str, submit: str) -> None:
    """Fill the login form at `login_url` (fields #username and #password), press `submit` (its
    selector) and wait until the browser has left the login page."""
    page.goto(login_url)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click(submit)
    page.wait_for_url(lambda url: "/login" not in url)


def log_in_to_superset(page, url: str, username: str, password: str):
    """Log `page` in to the Superset at `url`; returns the page.

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
