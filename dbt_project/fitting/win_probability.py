"""In-play win probability: independent Poisson goals over the time left, with goal rates
from pre-match Elo ratings and home advantage. Pure functions; the same formulas are
written in SQL in macros/win_probability.sql."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dbt_project.fitting.results import EXTRA_TIME_MINUTES, REGULAR_MINUTES

# Goals beyond this many per team in the time left carry negligible probability mass
# (P(Poisson(6) > 15) < 1e-4, and 6 expected goals is beyond any real match).
MAX_GOALS = 15


@dataclass(frozen=True)
class GoalRateModel:
    """log(expected regular-time goals of a team) =
    intercept + elo * (own rating - opponent rating) / 400 + home (+ away when not neutral)."""

    intercept: float
    elo: float
    home: float
    away: float
    extra_time_factor: float  # goal rate per minute in extra time / pre-match rate per minute
    remaining_share: Sequence[float]  # index t: share of regular-time goals after minute t

    def expected_goals(self, rating_difference: float, is_home: bool, neutral: bool) -> float:
        z = self.intercept + self.elo * rating_difference / 400.0
        if not neutral:
            z += self.home if is_home else self.away
        return math.exp(z)

    def share_left(self, minute: int, extra_time: bool) -> float:
        """Expected share of a 90-minute goal expectation still to come after `minute` in the
        current phase: regular time up to the 90th minute, then extra time once it is played
        (the forecast is the result at the end of the phase being played)."""
        if minute < REGULAR_MINUTES:
            return self.remaining_share[max(minute, 0)]
        if extra_time and minute < EXTRA_TIME_MINUTES:
            return self.extra_time_factor * (EXTRA_TIME_MINUTES - minute) / REGULAR_MINUTES
        return 0.0


def poisson_pmf(mean: float, goals: int) -> float:
    if mean <= 0.0:
        return 1.0 if goals == 0 else 0.0
    return math.exp(goals * math.log(mean) - mean - math.lgamma(goals + 1))


def outcome_probabilities(
    home_score: int, away_score: int, home_goals_left: float, away_goals_left: float
) -> tuple[float, float, float]:
    """(P home win, P draw, P away win) at the end, given the score and the goals to come."""
    home_pmf = [poisson_pmf(home_goals_left, k) for k in range(MAX_GOALS + 1)]
    away_pmf = [poisson_pmf(away_goals_left, k) for k in range(MAX_GOALS + 1)]
    lead = home_score - away_score
    p_home = p_draw = p_away = 0.0
    for i, ph in enumerate(home_pmf):
        if ph < 1e-12:
            continue
        for j, pa in enumerate(away_pmf):
            final = lead + i - j
            if final > 0:
                p_home += ph * pa
            elif final == 0:
                p_draw += ph * pa
            else:
                p_away += ph * pa
    total = p_home + p_draw + p_away  # renormalise the truncated tail
    return p_home / total, p_draw / total, p_away / total
