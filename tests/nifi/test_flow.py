"""The NiFi flow of nifi/, deployed into the stack's NiFi and pointed at a local server replaying real
football-data.org responses, publishing to the real broker (topics of this module's own).

One deployed flow serves every test here: it runs for at least three minutes, during which the
provider server's request log is checked against the free plan's 10 calls a minute.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingest import contracts
from nifi import definition
from nifi import deploy as flow_deploy
from stack.browser import CHROMIUM, log_in
from tests.kafka_reading import read_to_end
from tests.nifi.flows import flow_settings
from tests.providers_server import DATA, ProvidersServer

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.nifi]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WC_2022 = DATA / "football-data.org" / "v4_competitions_WC_matches_2022.json"
ROUTE = "/v4/matches?competitions=WC"
POLL_SECONDS = 7.0  # the fastest the checker allows is 6 s (10 calls a minute)
RUN_SECONDS = 180.0
MALFORMED = b"<html><body>502 Bad Gateway</body></html>"
# The provider's answers, one per call, the last one repeating: two unchanged answers, then a
# malformed body, a 429 and a 500, then real answers again.
SCRIPT = [
    {"file": str(WC_2022)},
    {"file": str(WC_2022)},
    {"raw": MALFORMED},
    {"status": 429, "body": {"message": "You reached your request limit. Wait 60 seconds.", "errorCode": 429}},
    {"status": 500, "body": {"message": "Internal error", "errorCode": 500}},
    {"file": str(WC_2022)},
]
LOGICAL = ("live_matches", "match_events", "player_live_stats", "team_live_stats", "dead_letters")


@pytest.fixture(scope="module")
def server():
    with ProvidersServer() as running:
        running.script(ROUTE, SCRIPT)
        yield running


@pytest.fixture(scope="module")
def run(nifi_client, server, module_topics, tmp_path_factory, undeploy_after):
    """The flow deployed and running."""
    topics = {name: module_topics(name.replace("_", "-"), partitions=3 if name != "dead_letters" else 1) for name in LOGICAL}
    archive = tmp_path_factory.mktemp("raw")
    settings = flow_settings(server.url, topics, archive, POLL_SECONDS)
    group_id = flow_deploy.deploy(nifi_client, settings)
    return {"topics": topics, "archive": archive, "group_id": group_id, "settings": settings}


def wait_until(check, what: str, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def live_matches(kafka_config, run):
    return [(m.key().decode(), json.loads(m.value())) for m in read_to_end(kafka_config, run["topics"]["live_matches"])]


def dead_letters(kafka_config, run):
    return read_to_end(kafka_config, run["topics"]["dead_letters"])


def poller_output(kafka_config, module_topics) -> list[dict]:
    """What `python -m ingest poll --provider football-data --once` sends for the same response."""
    topics = {name: module_topics(f"poller-{name.replace('_', '-')}") for name in LOGICAL}
    with ProvidersServer() as other:
        other.script(ROUTE, [{"file": str(WC_2022)}])
        args = [f"--topic-{name.replace('_', '-')}={topic}" for name, topic in topics.items()]
        done = subprocess.run([sys.executable, "-m", "ingest", "poll", "--provider", "football-data", "--competitions", "WC",
                               "--base-url", other.url, "--once", *args], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "FOOTBALL_DATA_API_KEY": "local-test-key"}, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(m.value()) for m in read_to_end(kafka_config, topics["live_matches"])]


def test_the_flow_publishes_what_the_poller_publishes_from_the_same_responses(kafka_config, run, module_topics):
    found = wait_until(lambda: (lambda msgs: msgs if len({v["match_id"] for _, v in msgs}) >= 64 else None)(
        live_matches(kafka_config, run)), "64 World Cup matches on live-matches", 120)
    for key, value in found:
        assert contracts.violation("live-matches", value) is None, value
        assert key == value["match_id"]
    expected = {v["match_id"]: v for v in poller_output(kafka_config, module_topics)}
    ours = {v["match_id"]: v for _, v in found}
    assert len(expected) == 64 and set(ours) == set(expected)
    compared = ("event_id", "status", "provider_status", "period", "minute", "home_score", "away_score",
                "home_penalty_score", "away_penalty_score", "home_team_id", "home_team_name", "away_team_name",
                "competition_name", "season_name", "stage", "kickoff", "match_date")
    for match_id, value in expected.items():
        assert {k: ours[match_id][k] for k in compared} == {k: value[k] for k in compared}, match_id
    # The shoot-outs of the 2022 World Cup, out of fullTime: Argentina 3-3 France, 4-2 on penalties.
    final = ours["football-data:391944"]
    assert (final["home_score"], final["away_score"], final["home_penalty_score"], final["away_penalty_score"]) == (3, 3, 4, 2)


def test_a_second_poll_of_unchanged_responses_lands_no_new_row(kafka_config, run, pg_conn, tmp_path):
    from tests.streaming.pipeline import drop_prefixed_tables

    topics = run["topics"]
    # Two answers of the unchanged World Cup: every match twice on the topic.
    wait_until(lambda: len(live_matches(kafka_config, run)) >= 128, "two polls on live-matches", 120)
    prefix = f"t{os.urandom(5).hex()}_"
    env = {**os.environ, "KAFKA_TOPIC_LIVE_MATCHES": topics["live_matches"], "KAFKA_TOPIC_MATCH_EVENTS": topics["match_events"],
           "KAFKA_TOPIC_PLAYER_LIVE_STATS": topics["player_live_stats"], "KAFKA_TOPIC_TEAM_LIVE_STATS": topics["team_live_stats"],
           "KAFKA_TOPIC_DEAD_LETTERS": topics["dead_letters"], "STREAMING_TABLE_PREFIX": prefix,
           "STREAMING_CHECKPOINT_DIR": str(tmp_path / "checkpoints"), "STREAMING_PARQUET_ROOT": str(tmp_path / "parquet"),
           "SPARK_MASTER": "local[2]", "SPARK_DRIVER_MEMORY": "1g", "PYTHONPATH": str(ROOT)}
    try:
        landed = subprocess.run([sys.executable, "-m", "streaming", "run", "--available-now"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=900)
        assert landed.returncode == 0, landed.stderr[-3000:]
        with pg_conn.cursor() as cur:
            cur.execute(f"SELECT count(*), count(DISTINCT match_id) FROM streaming.{prefix}live_matches")
            rows, matches = cur.fetchone()
            cur.execute(f"SELECT home_score, away_score, home_penalty_score, away_penalty_score, status "
                        f"FROM streaming.{prefix}live_matches WHERE match_id = 'football-data:391944'")
            assert cur.fetchall() == [(3, 3, 4, 2, "FINISHED")]
        assert (rows, matches) == (64, 64)
    finally:
        drop_prefixed_tables(pg_conn, prefix)


def test_malformed_and_error_responses_reach_the_dead_letters_and_polling_goes_on(kafka_config, run, server):
    def three_reasons():
        letters = dead_letters(kafka_config, run)
        reasons = [dict(m.headers() or [])["reason"].decode() for m in letters]
        wanted = [r for r in reasons if "not JSON" in r or "answered 429" in r or "answered 500" in r]
        return letters if len(wanted) >= 3 else None

    letters = wait_until(three_reasons, "dead letters for the malformed body, the 429 and the 500", 120)
    by_reason = {dict(m.headers())["reason"].decode(): m for m in letters}
    malformed = next(m for r, m in by_reason.items() if "not JSON" in r)
    assert malformed.value() == MALFORMED  # the provider's own bytes, unchanged
    too_many = next(m for r, m in by_reason.items() if "answered 429" in r)
    assert json.loads(too_many.value())["errorCode"] == 429
    assert any("answered 500" in r for r in by_reason)
    assert all(m.key() == b"football-data:poll" for m in letters)
    # Polling goes on after them: more calls, and the World Cup again after the 500.
    calls = server.count(ROUTE)
    wait_until(lambda: server.count(ROUTE) >= max(calls, 6) + 1, "a call after the errors", 60)


def test_every_raw_response_is_archived_unchanged_and_compressed(kafka_config, run, server):
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    folder = run["archive"] / "provider=football-data" / f"date={day}"
    files = wait_until(lambda: (lambda f: f if len(f) >= 5 else None)(sorted(folder.glob("*.gz"))) if folder.exists() else None,
                       "five archived answers", 60)
    bodies = [gzip.decompress(path.read_bytes()) for path in files]
    assert MALFORMED in bodies
    assert any(body.startswith(b"{") and json.loads(body) == json.loads(WC_2022.read_text()) for body in bodies)


def test_the_nifi_ui_shows_the_running_flow(nifi_settings, run):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (make system-deps-test)."
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            context = browser.new_context(viewport={"width": 1800, "height": 1100}, ignore_https_errors=True)
            page = context.new_page()
            page.set_default_timeout(90_000)
            log_in(page, f"{nifi_settings.url}/nifi/login", nifi_settings.username, nifi_settings.password,
                   "#login-submission-button")
            page.goto(f"{nifi_settings.url}/nifi/?processGroupId={run['group_id']}")
            for name in ("Split the matches", "Route on status", "Publish live-matches", "Publish dead letters"):
                page.locator("g.processor text.processor-name", has_text=name).first.wait_for()
            # Every processor of the flow shows NiFi's running icon (FontAwesome's "play", \uf04b).
            processors = len(definition.build()["flowContents"]["processors"])
            page.wait_for_function(
                """(count) => Array.from(document.querySelectorAll('g.processor text.run-status-icon'))
                       .filter((icon) => icon.textContent === '\\uf04b').length === count""", arg=processors)
            page.locator("#breadcrumbs", has_text=definition.FLOW_NAME).first.wait_for()
            page.screenshot(path=str(SCREENSHOTS / "nifi-flow.png"))
        finally:
            browser.close()


def test_calls_never_exceed_ten_in_any_minute_over_three_minutes(run, server):
    """Checked over the whole run of this module's flow (at least three minutes of it)."""
    def ok_so_far() -> list[float]:
        times = server.times()
        for index, moment in enumerate(times):
            in_window = [t for t in times[index:] if t < moment + 60.0]
            assert len(in_window) <= 10, f"{len(in_window)} calls within 60 s from call {index}"
        return times

    first_call = wait_until(lambda: (server.times() or [None])[0], "a first call", 60)
    while time.monotonic() - first_call < RUN_SECONDS:
        ok_so_far()
        time.sleep(1)
    times = [t for t in ok_so_far() if t <= first_call + RUN_SECONDS]
    # And it polled all along, errors included: never a minute without a call.
    gaps = [later - earlier for earlier, later in zip(times, times[1:])] + [first_call + RUN_SECONDS - times[-1]]
    assert max(gaps) < 60, gaps
    assert len(times) >= RUN_SECONDS / 60 * 2
