"""In-play evidence beyond the score, fitted on the StatsBomb matches outside the evaluation
window: how a red card changes both teams' scoring rates, and how far the chances created so
far (the live xG) move a team's rate for the rest of the match.

Both are measured in StatsBomb's own xG per unit of playing time, a far less noisy record of
scoring rates than the few goals of 20 red cards. Time is counted in the share of a match's
goals that falls in it (goal_time_profile), not in minutes, because the rate rises late."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from dbt_project.fitting.statsbomb import load_events, load_matches
from dbt_project.fitting.xg import is_holdout

SENT_OFF = ("Red Card", "Second Yellow")
REGULAR_MINUTES = 90
# The shrinkage of the live-xG update tried: pseudo-goals of the pre-match expectation.
SHRINKAGE_GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 1e9)


@dataclass(frozen=True)
class MatchRecord:
    """One regular-time match: each team's shots (minute, xG, goal) and red cards (minute)."""

    match_id: int
    shots: dict[str, list[tuple[int, float, bool]]]
    red_cards: dict[str, list[int]]


@dataclass(frozen=True)
class InPlayFit:
    red_card_own: float  # rate factor of the team that lost a player, per player
    red_card_opponent: float  # rate factor of its opponent
    red_cards: int
    xg_shrinkage: float
    matches: int


def load_records(statsbomb_dir: Path) -> list[MatchRecord]:
    """The regular time of every fitting match (outside the evaluation window)."""
    records = []
    for match in sorted(load_matches(statsbomb_dir), key=lambda m: m["match_id"]):
        if is_holdout(match):
            continue
        events = load_events(statsbomb_dir, match["match_id"])
        teams = [e["team"]["name"] for e in events if e["type"]["name"] == "Starting XI"][:2]
        shots = {team: [] for team in teams}
        reds = {team: [] for team in teams}
        for e in events:
            if e["period"] > 2 or e.get("team", {}).get("name") not in shots:
                continue
            team, minute = e["team"]["name"], min(e["minute"], REGULAR_MINUTES)
            if e["type"]["name"] == "Shot" and e["shot"].get("statsbomb_xg") is not None:
                shot = e["shot"]
                shots[team].append((minute, float(shot["statsbomb_xg"]), shot["outcome"]["name"] == "Goal"))
            card = ((e.get("foul_committed") or e.get("bad_behaviour") or {}).get("card") or {}).get("name")
            if card in SENT_OFF:
                reds[team].append(minute)
        if len(teams) == 2:
            records.append(MatchRecord(match["match_id"], shots, reds))
    return records


def red_card_factors(records: list[MatchRecord], share_left: list[float]) -> tuple[float, float, int]:
    """Rate factors after a match's first red card, for the team that lost the player and its
    opponent: xG after the card over the xG the team's own rate before it predicts for the
    time left (each team is its own control, so team strength cancels out)."""
    own_after = own_expected = opp_after = opp_expected = 0.0
    cards = 0
    for record in records:
        first = sorted((minute, team) for team, minutes in record.red_cards.items() for minute in minutes)
        if not first:
            continue
        minute, sent_off = first[0]
        played, left = 1.0 - share_left[minute], share_left[minute]
        if played <= 0.05 or left <= 0.05:
            continue  # too little time on one side of the card to measure a rate
        cards += 1
        for team, shots in record.shots.items():
            before = sum(x for m, x, _ in shots if m < minute)
            after = sum(x for m, x, _ in shots if m >= minute)
            expected = before / played * left
            if team == sent_off:
                own_after, own_expected = own_after + after, own_expected + expected
            else:
                opp_after, opp_expected = opp_after + after, opp_expected + expected
    return own_after / own_expected, opp_after / opp_expected, cards


def xg_shrinkage(records: list[MatchRecord], share_left: list[float], grid=SHRINKAGE_GRID) -> float:
    """The pseudo-goals `a` of the update rate_left = rate x (a + xG so far) / (a + rate x
    share played) that best predicts each team's goals after minutes 15, 30, 45, 60 and 75
    (Poisson likelihood). The pre-match rate is each team's goals per match over the fitting
    matches (no ratings for club teams), so the update has to bring in what it does not know."""
    per_team_goals: dict[str, list[int]] = {}
    for record in records:
        for team, shots in record.shots.items():
            per_team_goals.setdefault(team, []).append(sum(1 for *_, goal in shots if goal))
    overall = sum(sum(g) for g in per_team_goals.values()) / sum(len(g) for g in per_team_goals.values())

    def log_likelihood(a: float) -> float:
        total = 0.0
        for record in records:
            for team, shots in record.shots.items():
                rate = overall
                for minute in (15, 30, 45, 60, 75):
                    so_far = sum(x for m, x, _ in shots if m < minute)
                    played = 1.0 - share_left[minute]
                    mean = rate * share_left[minute] * (a + so_far) / (a + rate * played)
                    goals = sum(1 for m, _, goal in shots if goal and m >= minute)
                    total += goals * math.log(mean) - mean - math.lgamma(goals + 1)
        return total

    return max(grid, key=log_likelihood)


def fit_inplay(statsbomb_dir: Path, share_left: list[float]) -> InPlayFit:
    records = load_records(statsbomb_dir)
    own, opponent, cards = red_card_factors(records, share_left)
    return InPlayFit(own, opponent, cards, xg_shrinkage(records, share_left), len(records))
