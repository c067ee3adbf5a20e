"""How long the live loop rests after a cycle (DBT_LOOP_BUSY_SHARE). The expected rests follow from the
rule, not from the code: the cycles start every DBT_LOOP_INTERVAL seconds, and a cycle of S seconds is
followed by at least S x (1 - share) / share seconds of rest, so the cycles take at most `share` of the
time."""

from __future__ import annotations

import pytest

from dbt_project.transform_loop import TransformLoopError, busy_share_from_env, rest_after


def test_a_short_cycle_waits_for_the_rest_of_the_interval():
    # 30 s interval, a cycle of 12 s: the next one starts 30 s after this one started.
    assert rest_after(12.0, 30.0, 0.5) == pytest.approx(18.0)


def test_a_cycle_longer_than_the_interval_rests_as_long_as_it_took_at_half_the_time():
    # 40 s of build at most half of the time: 40 s of rest, not the next cycle at once.
    assert rest_after(40.0, 30.0, 0.5) == pytest.approx(40.0)
    # At most a quarter of the time: three times as long as the cycle.
    assert rest_after(40.0, 30.0, 0.25) == pytest.approx(120.0)


def test_a_share_of_one_runs_long_cycles_back_to_back():
    assert rest_after(40.0, 30.0, 1.0) == 0.0
    assert rest_after(10.0, 30.0, 1.0) == pytest.approx(20.0)


@pytest.mark.parametrize("value", ["0", "-0.5", "1.5", "half", "nan"])
def test_a_share_outside_0_to_1_fails_fast_naming_the_setting(monkeypatch, value):
    monkeypatch.setenv("DBT_LOOP_BUSY_SHARE", value)
    with pytest.raises(TransformLoopError, match="DBT_LOOP_BUSY_SHARE"):
        busy_share_from_env()


def test_the_default_share_is_half(monkeypatch):
    monkeypatch.delenv("DBT_LOOP_BUSY_SHARE", raising=False)
    assert busy_share_from_env() == 0.5
