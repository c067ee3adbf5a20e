"""Hand-checked values for the pure parts of the fitting: geometry, metrics, GLMs, Elo, Poisson."""

import math

import pytest

from dbt_project.fitting.elo import EloTable
from dbt_project.fitting.glm import fit_logistic, fit_poisson
from dbt_project.fitting.metrics import (
    expected_calibration_error,
    multiclass_brier,
    ranked_probability_score,
    roc_auc,
)
from dbt_project.fitting.shots import distance_to_goal, goal_angle, situation
from dbt_project.fitting.win_probability import outcome_probabilities


def test_penalty_spot_geometry():
    # 12 yards out in front of an 8-yard goal: 2 * atan(4 / 12) = 0.6435 rad.
    assert distance_to_goal(108, 40) == pytest.approx(12.0)
    assert goal_angle(108, 40) == pytest.approx(0.643501, abs=1e-6)


def test_angle_from_the_corner_flag_is_near_zero_and_on_the_goal_line_is_pi():
    assert goal_angle(120, 0) == pytest.approx(0.0, abs=1e-9)
    assert goal_angle(120, 40) == pytest.approx(math.pi)


def test_situation_takes_penalty_from_the_shot_and_corner_from_the_play_pattern():
    assert situation("Penalty", "From Corner") == "penalty"
    assert situation("Open Play", "From Corner") == "corner"
    assert situation("Open Play", "From Throw In") == "set_piece"
    assert situation("Open Play", "From Counter") == "open_play"


def test_roc_auc_of_the_classic_four_point_example():
    # Pairs (pos, neg): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4 -> 3 of 4.
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)


def test_rps_and_brier_by_hand():
    # Away win forecast 0.5/0.3/0.2: cumulative 0.5, 0.8 against 0, 0 -> (0.25 + 0.64) / 2.
    assert ranked_probability_score([(0.5, 0.3, 0.2)], [2]) == pytest.approx(0.445)
    assert multiclass_brier([(0.5, 0.3, 0.2)], [2]) == pytest.approx(0.25 + 0.09 + 0.64)
    assert ranked_probability_score([(1.0, 0.0, 0.0)], [0]) == 0.0


def test_ece_of_a_forecast_that_is_always_wrong():
    # 0.9 for a class that never happens, 0.1 for the one that always does: 0.9 off each.
    assert expected_calibration_error([(0.9, 0.1)] * 4, [1] * 4) == pytest.approx(0.9)


def test_logistic_fit_recovers_group_log_odds():
    # Group x=0: 1 goal in 4 shots, group x=1: 3 in 4 -> logit 0.25 = -ln 3, difference 2 ln 3.
    rows = [[1.0, 0.0]] * 4 + [[1.0, 1.0]] * 4
    goals = [1, 0, 0, 0, 1, 1, 1, 0]
    intercept, slope = fit_logistic(rows, goals, ridge=0.0)
    assert intercept == pytest.approx(-math.log(3), abs=1e-6)
    assert slope == pytest.approx(2 * math.log(3), abs=1e-6)


def test_poisson_fit_recovers_group_means():
    rows = [[1.0, 0.0]] * 3 + [[1.0, 1.0]] * 2
    goals = [0, 1, 2, 3, 5]  # means 1 and 4
    intercept, slope = fit_poisson(rows, goals)
    assert intercept == pytest.approx(0.0, abs=1e-6)
    assert slope == pytest.approx(math.log(4), abs=1e-6)


def test_elo_update_by_hand():
    table = EloTable()
    # Equal ratings, neutral friendly (K 20), home wins 1-0: expected 0.5, +10.
    before = table.play("A", "B", 1, 0, "Friendly", neutral=True)
    assert (before.home, before.away) == (1500.0, 1500.0)
    assert table.rating("A") == pytest.approx(1510.0)
    # World Cup (K 60), 3-0 (multiplier 14/8), C at home (+100): expected 1/(10^-0.25+1).
    table.play("C", "D", 3, 0, "FIFA World Cup", neutral=False)
    expected = 1 / (10 ** (-100 / 400) + 1)
    assert table.rating("C") == pytest.approx(1500 + 60 * 1.75 * (1 - expected))


def test_poisson_outcomes_by_hand():
    # No time left: the score decides.
    assert outcome_probabilities(2, 1, 0.0, 0.0) == (1.0, 0.0, 0.0)
    # 0-0 with one goal expected each: P(draw) = e^-2 * I0(2) = 0.135335 * 2.279585.
    p_home, p_draw, p_away = outcome_probabilities(0, 0, 1.0, 1.0)
    assert p_draw == pytest.approx(0.308508, abs=1e-5)
    assert p_home == pytest.approx(p_away)
    assert p_home + p_draw + p_away == pytest.approx(1.0)
