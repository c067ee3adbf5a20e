"""Measure how long a replayed goal takes to reach the Live scoreboard in a browser (produced -> landed -> mart -> visible).

Needs the stack, Superset and the pipeline's background jobs running (`make demo` leaves them
running: the Spark landing job and the dbt transform loop), and a match not landed yet.

    .venv/bin/python superset/goal_latency.py --match-id 7525 --speed 60
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack import envfile  # noqa: E402
from stack.browser import CHROMIUM, LAUNCH_ARGS, log_in_to_superset  # noqa: E402
from stack.settings import Settings  # noqa: E402
from stack.superset import SupersetSettings  # noqa: E402

STATSBOMB = ROOT.parent / "shared" / "data" / "statsbomb"


def watch_goal(bootstrap: str, topic: str, match_id: str, found: dict, stop: threading.Event) -> None:
    """Record when the first goal of the match was produced (the message's Kafka timestamp)."""
    from confluent_kafka import Consumer

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"goal-latency-{time.time_ns()}",
                         "auto.offset.reset": "latest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    try:
        while not stop.is_set() and "produced" not in found:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            event = json.loads(message.value())
            if event.get("match_id") == match_id and event.get("event_type") in ("GOAL", "PENALTY_GOAL", "OWN_GOAL"):
                found["produced"] = message.timestamp()[1] / 1000
                found["minute"] = event.get("minute")
    finally:
        consumer.close()


def teams(match_id: str) -> tuple[str, str]:
    for match in json.loads((STATSBOMB / "matches.json").read_text()):
        if str(match["match_id"]) == match_id:
            return match["home_team"]["home_team_name"], match["away_team"]["away_team_name"]
    raise SystemExit(f"Match {match_id} is not in {STATSBOMB / 'matches.json'}.")


def goal_landed_at(settings: Settings, match_id: str) -> float | None:
    """When the goal landed in streaming.match_events."""
    with settings.postgres.connect() as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT extract(epoch FROM min(landed_at)) FROM streaming.match_events "
                        "WHERE match_id = %s AND event_type IN ('GOAL', 'PENALTY_GOAL', 'OWN_GOAL')", (match_id,))
            landed = cur.fetchone()[0]
    return float(landed) if landed else None


def main() -> int:
    envfile.load_defaults()  # as the Makefile does, for runs without make
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--match-id", default="7525", help="StatsBomb match id (default 7525, Russia 5-0 Saudi Arabia)")
    parser.add_argument("--speed", default="60")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    match_id = f"statsbomb:{args.match_id}"
    home, away = teams(args.match_id)
    settings = Settings.from_env()
    superset = SupersetSettings.from_env()
    topic = next(t for t in settings.kafka.topics if "event" in t)

    found: dict = {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch_goal, args=(settings.kafka.bootstrap_servers, topic, match_id, found, stop))
    watcher.start()
    time.sleep(5)  # the consumer's assignment, before the first message is produced

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1200})
        log_in_to_superset(page, superset.url, superset.admin_user, superset.admin_password)
        # The dashboard as a viewer leaves it: open once, refreshed by its own 30 s timer.
        page.goto(f"{superset.url}/superset/dashboard/live-scoreboard/")
        page.wait_for_timeout(5000)
        replay = subprocess.Popen([sys.executable, "-m", "ingest", "replay", str(STATSBOMB), "--match-ids",
                                   args.match_id, "--speed", args.speed, "--quiet"], cwd=ROOT)
        visible = None
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and visible is None:
            for row in page.locator('[data-test="chart-grid-component"]').filter(has_text="Scoreboard") \
                    .locator("tbody tr").all():
                cells = [c.strip() for c in row.locator("td").all_inner_texts()]
                if len(cells) > 4 and cells[1] == home and cells[4] == away and cells[2].isdigit() \
                        and cells[3].isdigit() and int(cells[2]) + int(cells[3]) > 0:
                    visible = time.time()
            page.wait_for_timeout(500)
        page.screenshot(path=str(ROOT / "artifacts" / "screenshots" / "goal-latency.png"), full_page=True)
        browser.close()
    stop.set()
    watcher.join()
    replay.wait()
    landed = goal_landed_at(settings, match_id)
    if visible is None or "produced" not in found:
        print(f"goal not seen: produced={found.get('produced')}, visible={visible}")
        return 1
    produced = found["produced"]
    landed_after = f"{landed - produced:.1f} s" if landed else "?"
    print(f"{home}-{away}, first goal ({found['minute']}'): produced -> landed {landed_after}, "
          f"produced -> visible on the Live scoreboard {visible - produced:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
