"""World Football Elo ratings (the eloratings.net method), walked through results in date order.

Each match gets the ratings its teams had before kick-off, so a model using them never
sees the match's own result.
"""

from __future__ import annotations

from dataclasses import dataclass

INITIAL_RATING = 1500.0
HOME_ADVANTAGE = 100.0

_CONTINENTAL_FINALS = (
    "UEFA Euro",
    "Copa América",
    "African Cup of Nations",
    "AFC Asian Cup",
    "Gold Cup",
    "Confederations Cup",
    "CONCACAF Championship",
    "Oceania Nations Cup",
)


def k_factor(tournament: str) -> float:
    """Weight of a match by its importance, as eloratings.net weighs them."""
    if tournament == "FIFA World Cup":
        return 60.0
    if tournament in _CONTINENTAL_FINALS:
        return 50.0
    if "qualification" in tournament or "Nations League" in tournament:
        return 40.0
    if tournament == "Friendly":
        return 20.0
    return 30.0


def goal_difference_multiplier(goal_difference: int) -> float:
    margin = abs(goal_difference)
    if margin <= 1:
        return 1.0
    if margin == 2:
        return 1.5
    return (11.0 + margin) / 8.0


def expected_home_result(home_rating: float, away_rating: float, neutral: bool) -> float:
    difference = home_rating - away_rating + (0.0 if neutral else HOME_ADVANTAGE)
    return 1.0 / (10.0 ** (-difference / 400.0) + 1.0)


@dataclass(frozen=True)
class PreMatchRatings:
    home: float
    away: float


class EloTable:
    """Current rating of every team; `play` returns the pre-match ratings, then updates."""

    def __init__(self) -> None:
        self.ratings: dict[str, float] = {}

    def rating(self, team: str) -> float:
        return self.ratings.get(team, INITIAL_RATING)

    def play(
        self, home_team: str, away_team: str, home_score: int, away_score: int,
        tournament: str, neutral: bool,
    ) -> PreMatchRatings:
        before = PreMatchRatings(self.rating(home_team), self.rating(away_team))
        expected = expected_home_result(before.home, before.away, neutral)
        actual = 1.0 if home_score > away_score else 0.5 if home_score == away_score else 0.0
        change = (
            k_factor(tournament)
            * goal_difference_multiplier(home_score - away_score)
            * (actual - expected)
        )
        self.ratings[home_team] = before.home + change
        self.ratings[away_team] = before.away - change
        return before
