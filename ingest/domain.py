"""The domain model shared by providers and replays: a recorded match, its events and the stats
they feed; a live provider's snapshot of a match and its event list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Event types whose goal counts in the match score (own goals for the other team).
SCORING_TYPES = frozenset({"GOAL", "PENALTY_GOAL", "OWN_GOAL"})
CARD_TYPES = frozenset({"YELLOW_CARD", "SECOND_YELLOW", "RED_CARD"})
SENT_OFF_TYPES = frozenset({"SECOND_YELLOW", "RED_CARD"})

# Stats an event may add one to; see MatchEvent.counts.
STAT_NAMES = (
    "shots", "shots_on_target", "goals", "assists", "passes", "passes_completed", "corners",
    "fouls", "offsides", "tackles", "interceptions", "yellow_cards", "red_cards",
)

# The figures of a team-live-stats / player-live-stats message (besides its clock and ids);
# team goals come from the score.
TEAM_FIGURES = ("possession", "shots", "shots_on_target", "xg", "passes", "passes_completed", "pass_accuracy",
                "corners", "fouls", "offsides", "tackles", "interceptions", "yellow_cards", "red_cards")
PLAYER_FIGURES = ("minutes_played", "goals", "assists", "shots", "shots_on_target", "xg", "passes", "passes_completed",
                  "pass_accuracy", "tackles", "interceptions", "yellow_cards", "red_cards")


def pass_accuracy(passes: int | None, completed: int | None) -> float | None:
    """Completed passes in percent of passes, to 0.1; None without passes or without the counts."""
    if not passes or completed is None:
        return None
    return round(100.0 * completed / passes, 1)


@dataclass(frozen=True)
class Team:
    team_id: int | None
    name: str


@dataclass(frozen=True)
class Player:
    player_id: int
    name: str
    team_id: int | None


@dataclass(frozen=True)
class MatchInfo:
    """What is known about a match before kick-off."""

    provider: str
    provider_match_id: str
    home: Team
    away: Team
    competition_id: int | None = None
    competition_name: str | None = None
    season_name: str | None = None
    stage: str | None = None
    match_date: str | None = None
    venue: str | None = None

    @property
    def match_id(self) -> str:
        return f"{self.provider}:{self.provider_match_id}"

    def side(self, team_id: int | None) -> str | None:
        if team_id is None:
            return None
        if team_id == self.home.team_id:
            return "home"
        if team_id == self.away.team_id:
            return "away"
        return None


@dataclass(frozen=True, kw_only=True)
class EventParties:
    """Who an event is about, as every provider names them; the fields both event models share."""

    provider_event_type: str | None = None
    team_id: int | None = None
    team_name: str | None = None
    player_id: int | None = None
    player_name: str | None = None
    assist_player_id: int | None = None
    assist_player_name: str | None = None
    replacement_player_id: int | None = None
    replacement_player_name: str | None = None


@dataclass(frozen=True)
class MatchEvent(EventParties):
    """One provider event, normalized.

    `clock` is the elapsed match clock in seconds as the provider counts it (45:00 at the
    start of the second half); `period_time` is the time since the period started, which
    places the event in real time.
    """

    event_id: str
    sequence: int
    period: int
    clock: int
    period_time: float
    event_type: str
    location_x: float | None = None
    location_y: float | None = None
    xg: float | None = None
    body_part: str | None = None
    shot_type: str | None = None
    play_pattern: str | None = None
    # Shots: what a shot's xG depends on beyond its location (see the match-events contract).
    shot_technique: str | None = None
    first_time: bool | None = None
    one_on_one: bool | None = None
    open_goal: bool | None = None
    assist_type: str | None = None
    opponents_in_cone: int | None = None
    goalkeeper_x: float | None = None
    goalkeeper_y: float | None = None
    nearest_opponent_distance: float | None = None
    under_pressure: bool | None = None
    # The contract's outcome (ingest.vocabulary.OUTCOMES); the provider's own words beside it.
    outcome: str | None = None
    provider_outcome: str | None = None
    # Stats (names from STAT_NAMES) this event adds one to, for its team and its player.
    counts: frozenset[str] = frozenset()
    # Players who start on the pitch (Starting XI events).
    lineup: tuple[Player, ...] = ()


@dataclass(frozen=True)
class Match:
    info: MatchInfo
    events: tuple[MatchEvent, ...] = field(default_factory=tuple)


# --- Live providers: what one poll of a provider says about a match ------------------------

# An item of a provider response that cannot be read, with the reason: it goes to the dead letters.
Rejected = tuple[Any, str]


@dataclass(frozen=True)
class ProviderEvent(EventParties):
    """One event from a provider's event list; `key` identifies it across polls."""

    key: str
    sequence: int
    event_type: str
    period: int
    minute: int
    added_time: int
    # The provider's own note on the event (API-Football's comments); live providers send no outcome.
    provider_outcome: str | None = None
    # Match score after this event (extra time included, shoot-out excluded).
    home_score: int = 0
    away_score: int = 0


@dataclass(frozen=True)
class StatLine:
    """One team's (player_id None) or one player's cumulative figures in a match as a live
    provider reports them, named as in the player-live-stats / team-live-stats contracts.
    A figure the provider does not measure is None and is sent as null, never as 0."""

    team_id: int | None
    team_name: str | None
    figures: dict[str, int | float | None] = field(hash=False)
    player_id: int | None = None
    player_name: str | None = None
    position: str | None = None
    shirt_number: int | None = None


@dataclass(frozen=True)
class MatchSnapshot:
    """A provider's current state of one match, in contract terms."""

    provider: str
    provider_match_id: str
    status: str
    provider_status: str
    home: Team
    away: Team
    period: int | None = None
    minute: int | None = None
    added_time: int | None = None
    home_score: int | None = None
    away_score: int | None = None
    home_penalty_score: int | None = None
    away_penalty_score: int | None = None
    home_red_cards: int | None = None
    away_red_cards: int | None = None
    kickoff: str | None = None
    match_date: str | None = None
    competition_id: int | None = None
    competition_name: str | None = None
    season_name: str | None = None
    stage: str | None = None
    venue: str | None = None
    # None when the response carried no event list (bulk endpoints of football-data.org).
    events: tuple[ProviderEvent, ...] | None = None
    # True when the event list's goals have no ids of their own but their place in the score
    # (football-data.org's match detail): the n-th goal of a side is the event a score change
    # to n derives, and the score changes still derive the goals the list does not have yet.
    goals_by_score: bool = False
    # None when the response carried no statistics (the list endpoints of both providers).
    team_stats: tuple[StatLine, ...] | None = None
    player_stats: tuple[StatLine, ...] | None = None

    # What a match has only once it has started (has a period): providers send 0-0 or nulls before.
    _IN_PLAY_ONLY = ("home_score", "away_score", "home_penalty_score", "away_penalty_score",
                     "home_red_cards", "away_red_cards")

    def __post_init__(self) -> None:
        if self.period is None:
            for name in self._IN_PLAY_ONLY:
                object.__setattr__(self, name, None)

    @property
    def match_id(self) -> str:
        return f"{self.provider}:{self.provider_match_id}"

    def state_key(self) -> tuple:
        """What a live-matches snapshot reports; a poll where it is unchanged sends nothing."""
        return (self.status, self.period, self.minute, self.added_time, self.home_score, self.away_score,
                self.home_penalty_score, self.away_penalty_score, self.home_red_cards, self.away_red_cards)

    def score(self, side: str) -> int:
        return getattr(self, f"{side}_score") or 0

    def penalties(self, side: str) -> int:
        return getattr(self, f"{side}_penalty_score") or 0

    def team(self, side: str) -> Team:
        return self.home if side == "home" else self.away
