"""Pure replay timeline: turns recorded matches into the messages a live feed would send, on one clock.

Offsets are seconds of real time after kick-off (breaks included); the producer decides how
fast to play them. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import heapq
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from operator import attrgetter
from typing import Any, Iterable, Iterator, NamedTuple

from ingest.contracts import current_version
from ingest.domain import CARD_TYPES, SCORING_TYPES, SENT_OFF_TYPES, STAT_NAMES, Match, MatchEvent, pass_accuracy
from ingest.vocabulary import PERIOD_END_MINUTE, STATUS_IN_PERIOD

# Fixed, so derived event ids are the same in every replay.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://matchday.local/ingest")

# Real-time break before each period, in seconds (half-time, before/within extra time, before the shoot-out).
BREAK_BEFORE = {2: 15 * 60, 3: 5 * 60, 4: 2 * 60, 5: 5 * 60}
PLAYER_STATS_EVERY = 5  # match minutes


class Outgoing(NamedTuple):
    """One message to send: the contract (= logical topic) it belongs to, its key and value. (A named
    tuple: a replay makes one per message, and it builds in half the time of a frozen dataclass.)"""

    contract: str
    key: str
    value: dict[str, Any]
    offset: float


_NAMESPACE_BYTES = ID_NAMESPACE.bytes


def derived_id(*parts: object) -> str:
    """Deterministic event id of a message that has no provider id (snapshots, stats): the text of
    `uuid.uuid5(ID_NAMESPACE, "/".join(parts))`, computed without building a UUID object."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "/".join(str(part) for part in parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = digest.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


@cache
def _clock(period: int | None, clock: int | None) -> tuple[int | None, int | None, int | None]:
    """(minute, second, added_time) of an elapsed match clock (seconds) in a period; cached, as
    every message asks and a match has a few thousand clock values."""
    if period is None or clock is None:
        return None, None, None
    elapsed, second = divmod(clock, 60)
    end = PERIOD_END_MINUTE[period]
    added = 0 if period == 5 else max(0, elapsed - end)
    return min(elapsed, end), second, added


def clock_fields(period: int | None, clock: int | None) -> dict[str, int | None]:
    """`minute`, `second`, `added_time` of an elapsed match clock (seconds) in a period."""
    minute, second, added = _clock(period, clock)
    return {"minute": minute, "second": second, "added_time": added}


def period_starts(events: Iterable[MatchEvent]) -> dict[int, float]:
    """Real-time offset of each period's start: the periods' lengths plus the breaks between them."""
    lengths: dict[int, float] = {}
    for event in events:
        lengths[event.period] = max(lengths.get(event.period, 0.0), event.period_time)
    starts: dict[int, float] = {}
    offset = 0.0
    for period in sorted(lengths):
        if starts:
            offset += BREAK_BEFORE.get(period, 0)
        starts[period] = offset
        offset += lengths[period]
    return starts


def match_length(events: Iterable[MatchEvent]) -> float:
    """Real-time seconds from the kick-off to the last event, breaks included: how long a replay
    at speed 1 plays the match (its last message has this offset)."""
    events = list(events)
    starts = period_starts(events)
    return max((starts[event.period] + event.period_time for event in events), default=0.0)


@dataclass
class _PlayerState:
    player_id: int
    name: str | None
    team_id: int | None
    team_name: str | None
    on_since: int | None = None
    minutes_before: int = 0
    stats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAT_NAMES, 0))
    xg: float = 0.0

    def minutes(self, clock: int) -> int:
        current = max(0, clock - self.on_since) // 60 if self.on_since is not None else 0
        return self.minutes_before + current


class _MatchReplay:
    """Walks one match's events in order and emits the messages of all four topics."""

    def __init__(self, match: Match, kickoff: datetime) -> None:
        self.match = match
        self.info = match.info
        self.match_id = match.info.match_id
        self.kickoff = kickoff
        self.starts = period_starts(match.events)
        self.status = "SCHEDULED"
        self.period: int | None = None
        self.clock: int | None = None
        self.offset = 0.0
        self.score = {"home": 0, "away": 0}
        self.penalties: dict[str, int] | None = None
        self.sent_off = {"home": 0, "away": 0}
        self.teams = {
            team.team_id: {"name": team.name, "stats": dict.fromkeys(STAT_NAMES, 0), "xg": 0.0}
            for team in (self.info.home, self.info.away)
        }
        self.players: dict[int, _PlayerState] = {}
        self.sequences = {"live-matches": 0, "player-live-stats": 0, "team-live-stats": 0}
        self.next_tick: int | None = None  # next whole match minute, in clock seconds
        self.last_clock_before_shootout = 0
        # The kick-off as a whole minute and the microseconds past it; each minute after it -> its
        # time up to the seconds ("2022-12-18T15:07:") and its UTC offset ("+00:00").
        self._kickoff_minute = kickoff.replace(second=0, microsecond=0)
        self._kickoff_micro = kickoff.second * 1_000_000 + kickoff.microsecond
        self._minute_texts: dict[int, tuple[str, str]] = {}
        self._stamped_offset: float | None = None  # the offset of self._stamp: many messages share one
        self._stamp = ""

    def _timestamp(self) -> str:
        """The message time of the current offset: the kick-off plus the offset, ISO-8601 to the
        millisecond, as `(kickoff + timedelta(seconds=offset)).isoformat(timespec="milliseconds")`
        writes it. Built from a text per minute: half the cost, and every message asks."""
        offset = self.offset
        if offset != self._stamped_offset:
            minute, micro = divmod(round(offset * 1_000_000) + self._kickoff_micro, 60_000_000)
            texts = self._minute_texts.get(minute)
            if texts is None:
                text = (self._kickoff_minute + timedelta(minutes=minute)).isoformat(timespec="minutes")
                texts = self._minute_texts[minute] = (text[:16] + ":", text[16:])  # the year has 4 digits
            self._stamp = f"{texts[0]}{micro // 1_000_000:02d}.{micro // 1000 % 1000:03d}{texts[1]}"
            self._stamped_offset = offset
        return self._stamp

    # --- message builders ------------------------------------------------------------

    def _common(self, event_id: str, period: int | None, clock: int | None) -> dict[str, Any]:
        minute, second, added = _clock(period, clock)
        return {
            "schema_version": None,  # the contract's current version, set by _out
            "event_id": event_id,
            "match_id": self.match_id,
            "provider": self.info.provider,
            "timestamp": self._timestamp(),
            "period": period,
            "minute": minute,
            "second": second,
            "added_time": added,
        }

    def _next_sequence(self, contract: str) -> int:
        sequence = self.sequences[contract]
        self.sequences[contract] += 1
        return sequence

    def _out(self, contract: str, value: dict[str, Any]) -> Outgoing:
        value["schema_version"] = current_version(contract)
        return Outgoing(contract, self.match_id, value, self.offset)

    def snapshot(self, trigger: str) -> Outgoing:
        sequence = self._next_sequence("live-matches")
        started = self.period is not None
        value = self._common(derived_id("live-matches", self.match_id, sequence), self.period, self.clock)
        value.update(
            sequence=sequence,
            status=self.status,
            trigger=trigger,
            home_team_id=self.info.home.team_id,
            home_team_name=self.info.home.name,
            away_team_id=self.info.away.team_id,
            away_team_name=self.info.away.name,
            home_score=self.score["home"] if started else None,
            away_score=self.score["away"] if started else None,
            home_penalty_score=self.penalties["home"] if self.penalties else None,
            away_penalty_score=self.penalties["away"] if self.penalties else None,
            home_red_cards=self.sent_off["home"] if started else None,
            away_red_cards=self.sent_off["away"] if started else None,
            competition_id=self.info.competition_id,
            competition_name=self.info.competition_name,
            season_name=self.info.season_name,
            stage=self.info.stage,
            kickoff=self.kickoff.isoformat(timespec="seconds"),
            match_date=self.info.match_date,
            venue=self.info.venue,
        )
        return self._out("live-matches", value)

    def team_stats(self, is_final: bool) -> Iterator[Outgoing]:
        sequence = self._next_sequence("team-live-stats")
        total_passes = sum(team["stats"]["passes"] for team in self.teams.values())
        for team_id, team in self.teams.items():
            stats = team["stats"]
            side = self.info.side(team_id)
            value = self._common(derived_id("team-live-stats", self.match_id, sequence, team_id), self.period, self.clock)
            value.update(
                sequence=sequence,
                is_final=is_final,
                team_id=team_id,
                team_name=team["name"],
                team_side=side,
                possession=round(100.0 * stats["passes"] / total_passes, 1) if total_passes else None,
                goals=self.score[side] if side else 0,
                **_counts(stats, "shots", "shots_on_target"),
                xg=round(team["xg"], 4),
                **_counts(stats, "passes", "passes_completed"),
                pass_accuracy=_accuracy(stats),
                **_counts(stats, "corners", "fouls", "offsides", "tackles", "interceptions", "yellow_cards", "red_cards"),
            )
            yield self._out("team-live-stats", value)

    def player_stats(self, is_final: bool, clock: int) -> Iterator[Outgoing]:
        sequence = self._next_sequence("player-live-stats")
        for player in self.players.values():
            stats = player.stats
            value = self._common(derived_id("player-live-stats", self.match_id, sequence, player.player_id),
                                 self.period, self.clock)
            value.update(
                sequence=sequence,
                is_final=is_final,
                team_id=player.team_id,
                team_name=player.team_name,
                team_side=self.info.side(player.team_id),
                player_id=player.player_id,
                player_name=player.name,
                **_counts(stats, "shots", "shots_on_target", "goals", "assists", "passes", "passes_completed"),
                pass_accuracy=_accuracy(stats),
                **_counts(stats, "tackles", "interceptions"),
                xg=round(player.xg, 4),
                minutes_played=player.minutes(clock),
                **_counts(stats, "yellow_cards", "red_cards"),
            )
            yield self._out("player-live-stats", value)

    def match_event(self, event: MatchEvent) -> Outgoing:
        # One dict literal (the most frequent message: no _common, update or _out), in the
        # order of the other builders: the common fields, then the event's.
        minute, second, added = _clock(event.period, event.clock)
        value = {
            "schema_version": current_version("match-events"),
            "event_id": event.event_id,
            "match_id": self.match_id,
            "provider": self.info.provider,
            "timestamp": self._timestamp(),
            "period": event.period,
            "minute": minute,
            "second": second,
            "added_time": added,
            "sequence": event.sequence,
            "event_type": event.event_type,
            "provider_event_type": event.provider_event_type,
            "team_id": event.team_id,
            "team_name": event.team_name,
            "team_side": self.info.side(event.team_id),
            "player_id": event.player_id,
            "player_name": event.player_name,
            "assist_player_id": event.assist_player_id,
            "assist_player_name": event.assist_player_name,
            "replacement_player_id": event.replacement_player_id,
            "replacement_player_name": event.replacement_player_name,
            "location_x": event.location_x,
            "location_y": event.location_y,
            "xg": event.xg,
            "body_part": event.body_part,
            "shot_type": event.shot_type,
            "play_pattern": event.play_pattern,
            "shot_technique": event.shot_technique,
            "first_time": event.first_time,
            "one_on_one": event.one_on_one,
            "open_goal": event.open_goal,
            "assist_type": event.assist_type,
            "opponents_in_cone": event.opponents_in_cone,
            "goalkeeper_x": event.goalkeeper_x,
            "goalkeeper_y": event.goalkeeper_y,
            "nearest_opponent_distance": event.nearest_opponent_distance,
            "under_pressure": event.under_pressure,
            "outcome": event.outcome,
            "provider_outcome": event.provider_outcome,
            "home_score": self.score["home"],
            "away_score": self.score["away"],
        }
        return Outgoing("match-events", self.match_id, value, self.offset)

    # --- the walk -----------------------------------------------------------------------

    def ticks_until(self, clock: int) -> Iterator[Outgoing]:
        """The per-minute messages for every whole match minute reached up to `clock`."""
        if self.next_tick is None or self.period is None:
            return
        period_clock_start = self._period_clock_start
        while self.next_tick <= clock:
            tick = self.next_tick
            self.clock = tick
            self.offset = max(self.offset, self.starts[self.period] + (tick - period_clock_start))
            yield self.snapshot("MINUTE")
            yield from self.team_stats(is_final=False)
            if (tick // 60) % PLAYER_STATS_EVERY == 0:
                yield from self.player_stats(is_final=False, clock=tick)
            self.next_tick += 60

    def _player(self, player_id: int, name: str | None, team_id: int | None) -> _PlayerState:
        player = self.players.get(player_id)
        if player is None:
            team_name = self.teams[team_id]["name"] if team_id in self.teams else None
            player = self.players[player_id] = _PlayerState(player_id, name, team_id, team_name)
        return player

    def _leave(self, player_id: int | None, clock: int) -> None:
        player = self.players.get(player_id) if player_id is not None else None
        if player is not None and player.on_since is not None:
            player.minutes_before = player.minutes(clock)
            player.on_since = None

    def run(self) -> Iterator[Outgoing]:
        yield self.snapshot("STATUS")
        for event in self.match.events:
            offset = self.starts[event.period] + event.period_time
            if event.event_type == "KICK_OFF":
                self.offset = max(self.offset, offset)
                self.period = event.period
                self.clock = event.clock
                self._period_clock_start = event.clock
                self.status = STATUS_IN_PERIOD[event.period]
                if event.period == 5:
                    self.penalties = {"home": 0, "away": 0}
                    self.next_tick = None
                else:
                    self.next_tick = (event.clock // 60 + 1) * 60
                yield self.match_event(event)
                yield self.snapshot("STATUS")
                continue
            if event.period != 5 and self.next_tick is not None and self.next_tick <= event.clock:
                yield from self.ticks_until(event.clock)  # (a whole minute was reached: not per event)
            self.offset = max(self.offset, offset)
            self.period = event.period
            self.clock = event.clock
            if event.period != 5:
                self.last_clock_before_shootout = max(self.last_clock_before_shootout, event.clock)
            trigger = self._apply(event)
            yield self.match_event(event)
            if trigger:
                yield self.snapshot(trigger)
            if event.event_type in ("HALF_TIME", "END_OF_REGULAR_TIME", "END_OF_EXTRA_TIME"):
                self.status = "HALF_TIME" if event.event_type == "HALF_TIME" and event.period == 1 else "BREAK"
                self.next_tick = None
                yield self.snapshot("STATUS")
        self.status = "FINISHED"
        self.next_tick = None
        yield self.snapshot("STATUS")
        yield from self.team_stats(is_final=True)
        yield from self.player_stats(is_final=True, clock=self.last_clock_before_shootout)

    def _apply(self, event: MatchEvent) -> str | None:
        """Update the match state with one event; returns the snapshot trigger it causes, if any."""
        side = self.info.side(event.team_id)
        trigger = None
        if event.lineup:
            for entry in event.lineup:
                self._player(entry.player_id, entry.name, entry.team_id).on_since = event.clock
        if event.event_type == "SUBSTITUTION" and event.replacement_player_id is not None:
            self._leave(event.player_id, event.clock)
            self._player(event.replacement_player_id, event.replacement_player_name, event.team_id).on_since = event.clock
        if event.event_type in SCORING_TYPES and event.period != 5 and side:
            # An own goal counts for the other team.
            scorer_side = side if event.event_type != "OWN_GOAL" else ("away" if side == "home" else "home")
            self.score[scorer_side] += 1
            trigger = "SCORE"
        if event.event_type == "SHOOTOUT_GOAL" and side and self.penalties is not None:
            self.penalties[side] += 1
            trigger = "SCORE"
        if event.event_type in SENT_OFF_TYPES and side:
            self.sent_off[side] += 1
            self._leave(event.player_id, event.clock)
            trigger = trigger or "CARD"
        if event.counts:
            team = self.teams.get(event.team_id)
            player = self._player(event.player_id, event.player_name, event.team_id) if event.player_id else None
            for name in event.counts:
                if team is not None:
                    team["stats"][name] += 1
                if player is not None:
                    player.stats[name] += 1
            if "shots" in event.counts and event.xg:
                if team is not None:
                    team["xg"] += event.xg
                if player is not None:
                    player.xg += event.xg
        return trigger


def _accuracy(stats: dict[str, int]) -> float | None:
    return pass_accuracy(stats["passes"], stats["passes_completed"])


def _counts(stats: dict[str, int], *names: str) -> dict[str, int]:
    """The named counts of a team's or a player's stats, in the order named (the message's order)."""
    return {name: stats[name] for name in names}


def match_timeline(match: Match, kickoff: datetime) -> Iterator[Outgoing]:
    """Every message of one match, in the order a live feed would send them."""
    return _MatchReplay(match, kickoff).run()


def matchday_timeline(matches: Iterable[Match], kickoff: datetime) -> Iterator[Outgoing]:
    """The messages of several matches kicking off together, merged on one clock.

    Each match's own order is kept (heapq.merge never reorders within one input).
    """
    return heapq.merge(*(match_timeline(match, kickoff) for match in matches), key=attrgetter("offset"))


__all__ = ["CARD_TYPES", "Outgoing", "match_timeline", "matchday_timeline", "derived_id", "clock_fields"]
