"""Reading international results with goal minutes (results.csv, goalscorers.csv, shootouts.csv)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dbt_project.fitting import DataNotFoundError

REGULAR_MINUTES = 90
EXTRA_TIME_MINUTES = 120


@dataclass(frozen=True)
class Goal:
    minute: int
    side: str  # "home" or "away": the team the goal counts for (own goals included)


@dataclass(frozen=True)
class Result:
    date: date
    home_team: str
    away_team: str
    home_score: int  # after extra time, without the shoot-out
    away_score: int
    tournament: str
    neutral: bool
    goals: tuple[Goal, ...] | None  # None when the goal minutes are missing or incomplete
    shootout: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.date.isoformat(), self.home_team, self.away_team)

    def score_at(self, minute: int) -> tuple[int, int]:
        """Score after `minute` minutes of play (goals recorded at that minute included)."""
        home = sum(1 for g in self.goals if g.minute <= minute and g.side == "home")
        away = sum(1 for g in self.goals if g.minute <= minute and g.side == "away")
        return home, away

    @property
    def went_to_extra_time(self) -> bool:
        """Level after 90 minutes and then either a goal after the 90th minute or a shoot-out."""
        if self.goals is None:
            return False
        home, away = self.score_at(REGULAR_MINUTES)
        return home == away and (self.shootout or any(g.minute > REGULAR_MINUTES for g in self.goals))


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as error:
        raise DataNotFoundError(f"cannot read {path}: {error}") from error


def load_results(results_dir: Path) -> list[Result]:
    """All played matches in date order, each with its goal minutes where they are complete."""
    goals_by_match: dict[tuple[str, str, str], list[Goal]] = defaultdict(list)
    unusable: set[tuple[str, str, str]] = set()
    for row in _read_csv(results_dir / "goalscorers.csv"):
        key = (row["date"], row["home_team"], row["away_team"])
        if not row["minute"] or row["minute"] == "NA":
            unusable.add(key)
            continue
        side = "home" if row["team"] == row["home_team"] else "away"
        goals_by_match[key].append(Goal(int(float(row["minute"])), side))
    shootouts = {
        (row["date"], row["home_team"], row["away_team"])
        for row in _read_csv(results_dir / "shootouts.csv")
    }
    results = []
    for row in _read_csv(results_dir / "results.csv"):
        if row["home_score"] in ("", "NA") or row["away_score"] in ("", "NA"):
            continue  # scheduled, not yet played
        key = (row["date"], row["home_team"], row["away_team"])
        home_score, away_score = int(row["home_score"]), int(row["away_score"])
        goals = goals_by_match.get(key, [])
        home_goals = sum(1 for g in goals if g.side == "home")
        complete = key not in unusable and (home_goals, len(goals) - home_goals) == (
            home_score,
            away_score,
        )
        results.append(
            Result(
                date=date.fromisoformat(row["date"]),
                home_team=row["home_team"],
                away_team=row["away_team"],
                home_score=home_score,
                away_score=away_score,
                tournament=row["tournament"],
                neutral=row["neutral"] == "True",
                goals=tuple(sorted(goals, key=lambda g: g.minute)) if complete else None,
                shootout=key in shootouts,
            )
        )
    results.sort(key=lambda r: r.date)
    return results


def with_reliable_minutes(results: list[Result], min_coverage: float = 0.9) -> list[Result]:
    """Matches whose goal minutes can be trusted: scoring matches with complete minutes, and
    goalless draws only from (tournament, year) groups where the goalscorer list covers at
    least `min_coverage` of the scoring matches. Without the second rule every uncovered
    goalless draw would enter while uncovered scoring matches would not, biasing to draws."""
    scoring = defaultdict(lambda: [0, 0])
    for r in results:
        if r.home_score + r.away_score > 0:
            group = scoring[(r.tournament, r.date.year)]
            group[0] += 1
            group[1] += r.goals is not None
    kept = []
    for r in results:
        if r.home_score + r.away_score > 0:
            if r.goals is not None:
                kept.append(r)
        else:
            total, covered = scoring.get((r.tournament, r.date.year), (0, 0))
            if total and covered / total >= min_coverage:
                kept.append(r)
    return kept
