"""Writes fitted parameters as the CSV seeds dbt loads (fixed column order and number format,
so refits on the same data give identical files)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from dbt_project.fitting.inplay import InPlayFit
from dbt_project.fitting.win_probability import MAX_GOALS, GoalRateModel


def write_parameters(model: GoalRateModel, inplay: InPlayFit, path: Path) -> None:
    rows = [
        ("intercept", model.intercept, "log expected regular-time goals at equal ratings, neutral venue"),
        ("elo", model.elo, "per 400 Elo points of rating difference (own minus opponent)"),
        ("home", model.home, "added for the home team at a non-neutral venue"),
        ("away", model.away, "added for the away team at a non-neutral venue"),
        ("extra_time_factor", model.extra_time_factor, "extra-time goal rate / pre-match rate per minute"),
        ("max_goals", float(MAX_GOALS), "goals per team summed over in the Poisson sums"),
        ("red_card_own", inplay.red_card_own, "rate factor, per player sent off, of the team that lost him"),
        ("red_card_opponent", inplay.red_card_opponent, "rate factor, per player sent off, of the opponent"),
        ("xg_shrinkage", inplay.xg_shrinkage, "pseudo-goals of the pre-match rate in the live-xG update"),
    ]
    _write(path, ["parameter", "value", "description"],
           [(name, f"{value:.10f}", description) for name, value, description in rows])


def write_goal_time_profile(model: GoalRateModel, path: Path) -> None:
    _write(path, ["minute", "share_left"],
           [(minute, f"{share:.6f}") for minute, share in enumerate(model.remaining_share)])


def write_elo_ratings(rated, first_date: date, path: Path) -> None:
    """Each team's rating after each of its matches from `first_date` on, plus its last rating
    before that date, so the rating at a kick-off since then is the latest row dated before
    the match day (a match never sees its own result)."""
    after: dict[str, list[tuple[str, float]]] = {}
    for m in rated:
        r = m.result
        for team, rating in ((r.home_team, m.home_rating_after), (r.away_team, m.away_rating_after)):
            after.setdefault(team, []).append((r.date.isoformat(), rating))
    rows = []
    for team in sorted(after):
        history = after[team]
        start = next((i for i, (day, _) in enumerate(history) if day >= first_date.isoformat()), None)
        if start is None:
            continue
        for day, rating in history[max(start - 1, 0):]:
            rows.append((team, day, f"{rating:.1f}"))
    _write(path, ["team", "rated_after", "rating"], rows)


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
