"""What the browser tests of Superset share: a page of Debian's headless Chromium, and the login (stack/browser.py)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from stack.browser import CHROMIUM, LAUNCH_ARGS
from stack.browser import log_in_to_superset as log_in  # noqa: F401 - the tests' name for it


@contextmanager
def chromium_page(width: int = 1600, height: int = 1200) -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()
