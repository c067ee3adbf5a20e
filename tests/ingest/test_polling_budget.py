"""Pure tests of the request budget and the polling schedule (hand-computed numbers, injected clock)."""

from __future__ import annotations

from datetime import datetime, timezone

from ingest.polling import schedule
from ingest.polling.budget import RequestBudget

NOON = datetime(2024, 7, 5, 12, 0, tzinfo=timezone.utc).timestamp()


def test_ten_a_minute_plan_blocks_the_eleventh_call_until_the_first_is_a_minute_old():
    budget = RequestBudget(per_minute=10)
    for second in range(10):
        assert budget.wait_time(NOON + second) == 0
        budget.record_request(NOON + second)
    assert budget.wait_time(NOON + 10) == 50.0  # the first call (at +0 s) leaves the window at +60 s
    assert budget.wait_time(NOON + 60) == 0


def test_daily_plan_is_spent_until_midnight_utc():
    budget = RequestBudget(per_day=100)
    for call in range(100):
        budget.record_request(NOON + call * 60)
    assert budget.remaining_today(NOON + 6000) == 0
    assert budget.wait_time(NOON + 6000) == float("inf")
    assert budget.day_resets_at(NOON) == datetime(2024, 7, 6, tzinfo=timezone.utc).timestamp()
    assert budget.remaining_today(datetime(2024, 7, 6, 0, 0, 1, tzinfo=timezone.utc).timestamp()) == 100


def test_api_football_headers_lower_the_daily_budget_never_raise_it():
    budget = RequestBudget(per_day=100, per_minute=10)
    budget.record_request(NOON)
    budget.observe_headers({"x-ratelimit-requests-remaining": "37", "X-RateLimit-Remaining": "9"}, NOON)
    assert budget.remaining_today(NOON) == 37
    budget.observe_headers({"x-ratelimit-requests-remaining": "500"}, NOON + 1)
    assert budget.remaining_today(NOON + 1) == 99  # the plan's 100 minus the one call


def test_football_data_minute_counter_and_reset_headers():
    budget = RequestBudget(per_minute=10)
    budget.record_request(NOON)
    budget.observe_headers({"X-Requests-Available-Minute": "0", "X-RequestCounter-Reset": "42"}, NOON)
    assert budget.wait_time(NOON) == 42.0
    assert budget.wait_time(NOON + 42) == 0


def test_retry_after_blocks_calls():
    budget = RequestBudget()
    budget.block_for(7, NOON)
    assert budget.wait_time(NOON + 2) == 5.0


def test_schedule_intervals():
    kickoff = NOON
    assert schedule.poll_interval("LIVE", kickoff, NOON + 600, high_priority=True) == 30
    assert schedule.poll_interval("LIVE", kickoff, NOON + 600) == 60
    assert schedule.poll_interval("HALF_TIME", kickoff, NOON + 2900) == 60
    assert schedule.poll_interval("SCHEDULED", kickoff, NOON - 1800) == 300
    assert schedule.poll_interval("SCHEDULED", kickoff, NOON - 86400) is None  # far future: nothing
    assert schedule.poll_interval("FINISHED", kickoff, NOON + 2 * 3600) == 300
    assert schedule.poll_interval("FINISHED", kickoff, NOON + 26 * 3600) is None
    assert schedule.poll_interval("POSTPONED", kickoff, NOON) is None


def test_budget_interval_spreads_the_free_day_over_one_match():
    # 100 a day, 5 kept back: 95 calls over 2 h 45 min = one call every 104.2 s.
    assert round(schedule.budget_interval(100, 2 * 3600 + 45 * 60), 1) == 104.2
    assert schedule.budget_interval(None, 3600) == 0.0
    assert schedule.budget_interval(5, 3600) == float("inf")
