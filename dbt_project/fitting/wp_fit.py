"""Fits the win-probability parameters on international results up to a cut-off date and
scores the in-play forecasts, minute by minute, on the matches after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dbt_project.fitting.elo import EloTable
from dbt_project.fitting.glm import fit_poisson
from dbt_project.fitting.metrics import (
    expected_calibration_error,
    multiclass_brier,
    multiclass_log_loss,
    ranked_probability_score,
)
from dbt_project.fitting.results import (
    EXTRA_TIME_MINUTES,
    REGULAR_MINUTES,
    Result,
    with_reliable_minutes,
)
from dbt_project.fitting.win_probability import GoalRateModel, outcome_probabilities

# Goal minutes before 1990 are sparse and football scored differently; the rates are fitted
# on 1990 up to the cut-off.
FIT_FROM = date(1990, 1, 1)


@dataclass(frozen=True)
class RatedResult:
    result: Result
    home_rating: float  # before kick-off
    away_rating: float
    home_rating_after: float
    away_rating_after: float


@dataclass(frozen=True)
class State:
    minute: int
    home_score: int
    away_score: int
    forecast: tuple[float, float, float]
    outcome: int  # 0 home win, 1 draw, 2 away win, at the end of the phase
    last_tenth: bool


def rate_all(results: list[Result]) -> tuple[list[RatedResult], EloTable]:
    """Pre-match Elo ratings of every match, walking all results in date order."""
    table = EloTable()
    rated = []
    for r in results:
        before = table.play(
            r.home_team, r.away_team, r.home_score, r.away_score, r.tournament, r.neutral
        )
        rated.append(
            RatedResult(
                r, before.home, before.away, table.rating(r.home_team), table.rating(r.away_team)
            )
        )
    return rated, table


def _design_rows(rated: list[RatedResult]):
    """One row per team and match: [1, rating difference / 400, is home, is away] (the home
    and away flags only where the venue is not neutral), and its regular-time goals."""
    rows, goals = [], []
    for m in rated:
        home90, away90 = m.result.score_at(REGULAR_MINUTES)
        difference = (m.home_rating - m.away_rating) / 400.0
        venue = 0.0 if m.result.neutral else 1.0
        rows.append([1.0, difference, venue, 0.0])
        goals.append(home90)
        rows.append([1.0, -difference, 0.0, venue])
        goals.append(away90)
    return rows, goals


def remaining_share_profile(results: list[Result]) -> list[float]:
    """Index t = 0..90: share of regular-time goals scored after minute t."""
    minutes = [g.minute for r in results for g in r.goals if g.minute <= REGULAR_MINUTES]
    counts = [0] * (REGULAR_MINUTES + 1)
    for m in minutes:
        counts[max(m, 1)] += 1  # a goal "in minute 0" is a data slip for the first minute
    left, profile = len(minutes), []
    for t in range(REGULAR_MINUTES + 1):
        left -= counts[t]
        profile.append(left / len(minutes))
    return profile


def extra_time_factor(rated: list[RatedResult], model: GoalRateModel) -> float:
    """Observed extra-time goals over the goals expected at the pre-match per-minute rate."""
    observed = expected = 0.0
    for m in rated:
        r = m.result
        if not r.went_to_extra_time:
            continue
        d = m.home_rating - m.away_rating
        per_90 = model.expected_goals(d, True, r.neutral) + model.expected_goals(-d, False, r.neutral)
        expected += per_90 * 30.0 / REGULAR_MINUTES
        observed += sum(1 for g in r.goals if g.minute > REGULAR_MINUTES)
    return observed / expected


def fit_model(rated: list[RatedResult], fit_to: date) -> tuple[GoalRateModel, int]:
    fitting = [m for m in evaluation_matches(rated, FIT_FROM, fit_to) if m.result.goals is not None]
    rows, goals = _design_rows(fitting)
    intercept, elo, home, away = fit_poisson(rows, goals)
    profile = remaining_share_profile([m.result for m in fitting])
    model = GoalRateModel(intercept, elo, home, away, 1.0, profile)
    model = GoalRateModel(
        intercept, elo, home, away, extra_time_factor(fitting, model), model.remaining_share
    )
    return model, len(fitting)


def _outcome(home: int, away: int) -> int:
    return 0 if home > away else 1 if home == away else 2


def states(m: RatedResult, model: GoalRateModel) -> list[State]:
    """The per-minute states of one match: minutes 0..90, and 91..120 when extra time was
    played. The outcome is the result at the end of the phase (90 or 120 minutes)."""
    r = m.result
    d = m.home_rating - m.away_rating
    home_rate = model.expected_goals(d, True, r.neutral)
    away_rate = model.expected_goals(-d, False, r.neutral)
    extra_time = r.went_to_extra_time
    regular_outcome = _outcome(*r.score_at(REGULAR_MINUTES))
    final_outcome = _outcome(r.home_score, r.away_score)
    out = []
    last = EXTRA_TIME_MINUTES if extra_time else REGULAR_MINUTES
    for minute in range(last + 1):
        home, away = r.score_at(minute)
        share = model.share_left(minute, extra_time)
        forecast = outcome_probabilities(home, away, home_rate * share, away_rate * share)
        in_extra_time = minute > REGULAR_MINUTES
        phase_end = EXTRA_TIME_MINUTES if in_extra_time else REGULAR_MINUTES
        phase_length = 30 if in_extra_time else REGULAR_MINUTES
        out.append(
            State(
                minute=minute,
                home_score=home,
                away_score=away,
                forecast=forecast,
                outcome=final_outcome if in_extra_time else regular_outcome,
                last_tenth=minute >= phase_end - phase_length * 0.1,
            )
        )
    return out


def score_states(all_states: list[State]) -> dict[str, float]:
    forecasts = [s.forecast for s in all_states]
    outcomes = [s.outcome for s in all_states]
    last = [s for s in all_states if s.last_tenth]
    return {
        "rps": ranked_probability_score(forecasts, outcomes),
        "brier": multiclass_brier(forecasts, outcomes),
        "log_loss": multiclass_log_loss(forecasts, outcomes),
        "ece": expected_calibration_error(forecasts, outcomes),
        "rps_last10": ranked_probability_score([s.forecast for s in last], [s.outcome for s in last]),
        "ece_last10": expected_calibration_error([s.forecast for s in last], [s.outcome for s in last]),
        "states": len(all_states),
    }


def evaluation_matches(rated: list[RatedResult], date_from: date, date_to: date) -> list[RatedResult]:
    """Matches between the dates whose goal minutes can be trusted (see with_reliable_minutes)."""
    reliable = {id(r) for r in with_reliable_minutes([m.result for m in rated])}
    return [m for m in rated if date_from <= m.result.date <= date_to and id(m.result) in reliable]
