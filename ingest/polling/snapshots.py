"""Turns successive snapshots of a match into contract messages: a live-matches snapshot on every
change, and match events for what changed (goals, cancelled goals, period starts and ends).

Pure: the caller passes the observation time and keeps the returned state. Event ids are
deterministic (uuid5 over the match id and what happened), so a poller restarted without its
state re-emits duplicates by id, which consumers drop, rather than new events. A goal a provider
lists without an id of its own (MatchSnapshot.goals_by_score) takes the id of the goal its score
change derives: the two are one event, whichever poll shows it first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ingest.domain import SCORING_TYPES, MatchSnapshot, ProviderEvent
from ingest.contracts import current_version
from ingest.replay import Outgoing, derived_id
from ingest.vocabulary import BALL_IN_PLAY, BREAKS, PERIOD_END_MINUTE, PERIOD_START_MINUTE

SIDES = ("home", "away")
_RANK = {"KICK_OFF": 0, "HALF_TIME": 2, "END_OF_REGULAR_TIME": 2, "END_OF_EXTRA_TIME": 2, "FULL_TIME": 3}


@dataclass
class MatchState:
    """What the poller remembers of one match between polls (JSON-serializable via to_dict)."""

    snapshot_key: list | None = None
    status: str | None = None
    period: int | None = None
    home_score: int = 0
    away_score: int = 0
    home_penalty_score: int = 0
    away_penalty_score: int = 0
    seen_events: list[str] = field(default_factory=list)
    # Goals taken back per side so far: keeps the id of a goal scored again after a VAR
    # cancellation distinct from the cancelled one.
    cancelled: dict[str, int] = field(default_factory=lambda: {"home": 0, "away": 0})
    # Per side, the goals that stand (the n-th at index n - 1): how many goals the side had
    # cancelled when each was scored. That is part of a goal's id, so a match detail listing the
    # goal in a later poll names the event its score change derived.
    standing_goals: dict[str, list[int]] = field(default_factory=lambda: {"home": [], "away": []})
    sequence: int = 0
    event_sequence: int = 0
    kickoff: str | None = None
    # "team:<id>" / "player:<id>" -> the figures last sent (with is_final), so a poll that
    # changes nothing sends no stats; and the next stats sequence of each contract.
    stats_sent: dict[str, list] = field(default_factory=dict)
    stats_sequence: dict[str, int] = field(default_factory=lambda: {"team-live-stats": 0, "player-live-stats": 0})

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MatchState":
        return cls(**data)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="milliseconds")


def clock_at(snapshot: MatchSnapshot, period: int | None, now: float) -> tuple[int | None, int | None, int | None]:
    """(minute, second, added_time) of the snapshot, or estimated from the kick-off time.

    football-data.org's list form has no match clock; the estimate counts 15 minutes of
    half-time and caps a period at its nominal end (added time beyond it is counted as such).
    """
    if period is None:
        return None, None, None
    if snapshot.minute is not None:
        end = PERIOD_END_MINUTE[period]
        minute = min(snapshot.minute, end)
        added = snapshot.added_time if snapshot.added_time is not None else max(0, snapshot.minute - end)
        return minute, 0, 0 if period == 5 else added
    start, end = PERIOD_START_MINUTE[period], PERIOD_END_MINUTE[period]
    if snapshot.status not in BALL_IN_PLAY or snapshot.kickoff is None:
        # Between periods or after the match: the clock stands at the end of the period.
        return end, 0, 0
    elapsed = (now - datetime.fromisoformat(snapshot.kickoff.replace("Z", "+00:00")).timestamp()) / 60.0
    breaks = {1: 0, 2: 15, 3: 20, 4: 22, 5: 27}[period]
    minute = max(start, int(elapsed) - breaks)
    return min(minute, end), 0, 0 if period == 5 else max(0, minute - end)


class SnapshotDiffer:
    """Keeps the state of each match and turns a new snapshot into the messages it warrants."""

    def __init__(self, states: dict[str, MatchState] | None = None) -> None:
        self.states: dict[str, MatchState] = states if states is not None else {}

    def update(self, snapshot: MatchSnapshot, now: float) -> list[Outgoing]:
        """Messages for what changed since the last snapshot of this match (nothing if nothing did)."""
        match_id = snapshot.match_id
        state = self.states.get(match_id)
        first_sight = state is None
        if state is None:
            state = self.states[match_id] = MatchState()
        out: list[Outgoing] = []
        builder = _Messages(snapshot, state, now)
        if snapshot.events is not None:
            out += builder.provider_events()
        if not first_sight:
            # Only what was seen to change: a match first seen mid-game gets its snapshot,
            # not a made-up history of kick-offs and goals.
            out += builder.status_events()
            out += builder.score_events(covered=[m.value["event_type"] for m in out])
        # One poll can span a period change: order by period, a kick-off first and the
        # period's end last within it (sorted() keeps the provider's order otherwise).
        out = sorted(out, key=lambda message: (message.value["period"], _RANK.get(message.value["event_type"], 1)))
        key = list(snapshot.state_key())
        if key != state.snapshot_key:
            out.append(builder.live_match(_trigger(state, snapshot, key, first_sight)))
        out += builder.stats()
        state.snapshot_key = key
        state.status, state.period = snapshot.status, snapshot.period
        for side in SIDES:
            setattr(state, f"{side}_score", snapshot.score(side))
            setattr(state, f"{side}_penalty_score", snapshot.penalties(side))
            standing = state.standing_goals[side]
            del standing[snapshot.score(side):]
            standing += [state.cancelled[side]] * (snapshot.score(side) - len(standing))
        state.kickoff = snapshot.kickoff
        return out


def _trigger(state: MatchState, snapshot: MatchSnapshot, key: list, first_sight: bool) -> str:
    """Why a changed snapshot is sent: status first, then score, red cards, the clock."""
    if first_sight or (snapshot.status, snapshot.period) != (state.status, state.period):
        return "STATUS"
    if key[4:8] != (state.snapshot_key or [])[4:8]:
        return "SCORE"
    if key[8:10] != (state.snapshot_key or [])[8:10]:
        return "CARD"
    return "MINUTE"


def _side(snapshot: MatchSnapshot, team_id: int | None) -> str | None:
    if team_id is not None and team_id == snapshot.home.team_id:
        return "home"
    if team_id is not None and team_id == snapshot.away.team_id:
        return "away"
    return None


def _end_event(period: int, next_period: int | None = None) -> str:
    """The event that ends `period`; a jump past a period (football-data.org cannot tell extra
    time's halves apart) ends the whole phase."""
    if next_period is not None and (next_period == 5 or next_period - period > 1):
        return "END_OF_EXTRA_TIME" if period >= 3 else "END_OF_REGULAR_TIME" if period == 2 else "HALF_TIME"
    return {1: "HALF_TIME", 2: "END_OF_REGULAR_TIME", 3: "HALF_TIME", 4: "END_OF_EXTRA_TIME"}.get(period, "FULL_TIME")


class _Messages:
    """Builds the messages of one snapshot against the remembered state."""

    def __init__(self, snapshot: MatchSnapshot, state: MatchState, now: float) -> None:
        self.snapshot = snapshot
        self.state = state
        self.now = now
        self.match_id = snapshot.match_id
        # (side, n) of the goals a goals_by_score event list holds: the score changes leave them to it.
        self.listed_goals: set[tuple[str, int]] = set()

    def _common(self, contract: str, event_id: str, period: int | None, minute: int | None, second: int | None,
                added: int | None) -> dict[str, Any]:
        return {
            "schema_version": current_version(contract),
            "event_id": event_id,
            "match_id": self.match_id,
            "provider": self.snapshot.provider,
            "timestamp": _iso(self.now),
            "period": period,
            "minute": minute,
            "second": second,
            "added_time": added,
        }

    def live_match(self, trigger: str) -> Outgoing:
        snap = self.snapshot
        minute, second, added = clock_at(snap, snap.period, self.now)
        value = self._common("live-matches", derived_id("live-matches", self.match_id, *snap.state_key()), snap.period, minute, second, added)
        value.update(
            sequence=self.state.sequence,
            status=snap.status,
            trigger=trigger,
            provider_status=snap.provider_status,
            home_team_id=snap.home.team_id,
            home_team_name=snap.home.name,
            away_team_id=snap.away.team_id,
            away_team_name=snap.away.name,
            home_score=snap.home_score,
            away_score=snap.away_score,
            home_penalty_score=snap.home_penalty_score,
            away_penalty_score=snap.away_penalty_score,
            home_red_cards=snap.home_red_cards,
            away_red_cards=snap.away_red_cards,
            competition_id=snap.competition_id,
            competition_name=snap.competition_name,
            season_name=snap.season_name,
            stage=snap.stage,
            kickoff=snap.kickoff,
            match_date=snap.match_date,
            venue=snap.venue,
        )
        self.state.sequence += 1
        return Outgoing("live-matches", self.match_id, value, 0.0)

    def _event(self, event_id: str, event_type: str, period: int, *, minute: int | None = None, added: int | None = None,
               sequence: int | None = None, side: str | None = None, score: tuple[int, int] | None = None,
               **fields: Any) -> Outgoing:
        snap = self.snapshot
        if minute is None:
            minute, second, added = clock_at(snap, period, self.now)
        else:
            second = 0
        if sequence is None:
            sequence = self.state.event_sequence
            self.state.event_sequence += 1
        home_score, away_score = score if score is not None else (snap.score("home"), snap.score("away"))
        value = self._common("match-events", event_id, period, minute, second, added or 0)
        team = snap.team(side) if side else None
        value.update(
            sequence=sequence,
            event_type=event_type,
            team_id=team.team_id if team else None,
            team_name=team.name if team else None,
            team_side=side,
            home_score=home_score,
            away_score=away_score,
        )
        value.update(fields)
        return Outgoing("match-events", self.match_id, value, 0.0)

    def _identity(self, event: ProviderEvent) -> tuple:
        """What names a provider event: its key, or for a goal numbered by the score the identity
        of the goal a score change derives (the side it counts for, its place in that side's
        score, the side's goals cancelled before it), so the two are one event."""
        if not self.snapshot.goals_by_score or event.event_type not in SCORING_TYPES:
            return (event.key,)
        side = _side(self.snapshot, event.team_id)
        if side is None:
            return (event.key,)
        if event.event_type == "OWN_GOAL":
            side = "away" if side == "home" else "home"
        goal = event.home_score if side == "home" else event.away_score
        self.listed_goals.add((side, goal))
        standing = self.state.standing_goals[side]
        return "GOAL", side, goal, standing[goal - 1] if goal <= len(standing) else self.state.cancelled[side]

    def provider_events(self) -> list[Outgoing]:
        """The provider's events not sent before, in its order."""
        seen = set(self.state.seen_events)
        out = []
        for event in self.snapshot.events or ():
            identity = self._identity(event)
            seen_as = "/".join(map(str, identity))
            if seen_as in seen:
                continue
            seen.add(seen_as)
            self.state.seen_events.append(seen_as)
            side = _side(self.snapshot, event.team_id)
            out.append(self._event(
                derived_id("match-events", self.match_id, *identity), event.event_type, event.period,
                minute=event.minute, added=event.added_time, sequence=event.sequence, side=side,
                score=(event.home_score, event.away_score),
                provider_event_type=event.provider_event_type,
                player_id=event.player_id, player_name=event.player_name,
                assist_player_id=event.assist_player_id, assist_player_name=event.assist_player_name,
                replacement_player_id=event.replacement_player_id, replacement_player_name=event.replacement_player_name,
                provider_outcome=event.provider_outcome,
            ))
            if side is not None:
                # The team fields of a provider event are its own (an own goal's scorer's team).
                out[-1].value.update(team_id=event.team_id, team_name=event.team_name)
        return out

    def stats(self) -> list[Outgoing]:
        """team-live-stats and player-live-stats for each team and player whose figures changed
        since the last poll (all of them on first sight), cumulative, as the provider gives them.
        The event id is derived from the figures, so the same figures polled again (even by a
        poller restarted without its state) carry the same id and land once."""
        snap, state = self.snapshot, self.state
        if snap.period is None:
            return []
        final = snap.status == "FINISHED"
        minute, second, added = clock_at(snap, snap.period, self.now)
        out = []
        for contract, lines in (("team-live-stats", snap.team_stats), ("player-live-stats", snap.player_stats)):
            changed = []
            for line in lines or ():
                figures = dict(line.figures)
                side = "home" if line.team_id == snap.home.team_id else "away" if line.team_id == snap.away.team_id else None
                if line.player_id is None:
                    figures["goals"] = snap.score(side) if side else 0
                who = f"team:{line.team_id}" if line.player_id is None else f"player:{line.player_id}"
                sent = [final, *figures.values()]
                if state.stats_sent.get(who) != sent:
                    state.stats_sent[who] = sent
                    changed.append((line, side, figures))
            if not changed:
                continue
            sequence = state.stats_sequence[contract]
            state.stats_sequence[contract] += 1
            for line, side, figures in changed:
                identity = line.team_id if line.player_id is None else line.player_id
                value = self._common(contract, derived_id(contract, self.match_id, identity, final, *figures.values()),
                                     snap.period, minute, second, added or 0)
                value.update(sequence=sequence, is_final=final, team_id=line.team_id, team_name=line.team_name,
                             team_side=side)
                if line.player_id is not None:
                    value.update(player_id=line.player_id, player_name=line.player_name, position=line.position,
                                 shirt_number=line.shirt_number)
                value.update(figures)
                out.append(Outgoing(contract, self.match_id, value, 0.0))
        return out

    def status_events(self) -> list[Outgoing]:
        """Period starts and ends implied by a change of status or period."""
        snap, state = self.snapshot, self.state
        before_status, before_period = state.status, state.period
        if (snap.status, snap.period) == (before_status, before_period):
            return []
        out = []

        def emit(kind: str, period: int) -> None:
            out.append(self._event(derived_id("match-events", self.match_id, kind, period), kind, period,
                                   provider_event_type=f"status {snap.provider_status}"))

        was_playing = before_status in BALL_IN_PLAY
        if snap.period is not None and before_period is not None and snap.period > before_period:
            if was_playing:
                emit(_end_event(before_period, snap.period), before_period)
            if snap.status in BALL_IN_PLAY:
                emit("KICK_OFF", snap.period)
        elif snap.status in BALL_IN_PLAY and before_status not in BALL_IN_PLAY and snap.period is not None:
            emit("KICK_OFF", snap.period)
        elif snap.status in BREAKS and was_playing and before_period is not None:
            emit(_end_event(before_period), before_period)
        if snap.status == "FINISHED" and before_status != "FINISHED":
            emit("FULL_TIME", snap.period or before_period or 2)
        return out

    def score_events(self, covered: list[str]) -> list[Outgoing]:
        """GOAL / GOAL_CANCELLED / SHOOTOUT_GOAL from score changes the event list did not report."""
        snap, state = self.snapshot, self.state
        out = []
        period = snap.period or state.period or 1
        # An event list with goal ids of its own reports the goals; one that numbers them by the
        # score leaves to the score changes the goals it does not list (yet) and the shoot-out.
        from_score = snap.events is None or snap.goals_by_score
        for side in SIDES:
            before, after = getattr(state, f"{side}_score"), snap.score(side)
            if from_score:
                for goal in range(before + 1, after + 1):
                    if (side, goal) in self.listed_goals:
                        continue
                    out.append(self._event(
                        derived_id("match-events", self.match_id, "GOAL", side, goal, state.cancelled[side]),
                        "GOAL", period, side=side, provider_event_type="score change", provider_outcome=f"{side} score {goal}"))
            if after < before and "GOAL_CANCELLED" not in covered:
                for goal in range(before, after, -1):
                    out.append(self._event(
                        derived_id("match-events", self.match_id, "GOAL_CANCELLED", side, goal, state.cancelled[side]),
                        "GOAL_CANCELLED", period, side=side, provider_event_type="score correction",
                        provider_outcome=f"{side} score {goal} -> {goal - 1}"))
                state.cancelled[side] += before - after
            if from_score:
                pens_before, pens_after = getattr(state, f"{side}_penalty_score"), snap.penalties(side)
                for goal in range(pens_before + 1, pens_after + 1):
                    out.append(self._event(
                        derived_id("match-events", self.match_id, "SHOOTOUT_GOAL", side, goal), "SHOOTOUT_GOAL", 5,
                        side=side, provider_event_type="penalty score change", provider_outcome=f"{side} shoot-out {goal}"))
        return out


__all__ = ["MatchSnapshot", "MatchState", "ProviderEvent", "SnapshotDiffer", "clock_at"]
