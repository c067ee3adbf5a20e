"""Pure: turns `match-events` messages into the alerts people want pushed (goals, red cards, VAR
cancellations, full-time results) as one-line texts, and `live-matches` snapshots into the team
names those texts need. No I/O; the caller keeps each match's `MatchMemory` between messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ingest.schema_registry import unframe
from ingest.vocabulary import PERIOD_END_MINUTE, SHOOTOUT_PERIOD

from ..errors import AlertError

GOALS = {"GOAL": "GOAL", "PENALTY_GOAL": "PENALTY GOAL", "OWN_GOAL": "OWN GOAL"}
RED_CARDS = {"RED_CARD": "RED CARD", "SECOND_YELLOW": "SECOND YELLOW"}
# A provider's VAR decision that takes something back (API-Football: "Var: Goal cancelled",
# "Var: Penalty cancelled", "Var: Goal Disallowed - offside"); a confirmed decision is no news.
VAR_TAKES_BACK = ("cancel", "disallow", "overturn", "annul", "rescind")
SIDES = ("home", "away")


class MalformedMessage(AlertError):
    """A message that cannot be read as its contract says; it is logged and skipped."""


@dataclass(frozen=True)
class Alert:
    """One thing to push: `key` identifies it for good (a provider repeat has the same key)."""

    key: str
    kind: str  # goal, red_card, var, full_time
    match_id: str
    event_id: str
    text: str

    def webhook_body(self) -> dict[str, str]:
        """Slack reads `text`, Discord `content`; each ignores the other's key."""
        return {"text": self.text, "content": self.text}


@dataclass
class MatchMemory:
    """What the texts need from earlier messages of a match: the team names and the shoot-out."""

    home_team_name: str | None = None
    away_team_name: str | None = None
    # event_id of each shoot-out goal per side: a provider repeat of one counts once.
    shootout_goals: dict[str, list[str]] = field(default_factory=lambda: {side: [] for side in SIDES})

    def to_dict(self) -> dict[str, Any]:
        return {"home_team_name": self.home_team_name, "away_team_name": self.away_team_name,
                "shootout_goals": {side: list(ids) for side, ids in self.shootout_goals.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MatchMemory":
        goals = data.get("shootout_goals") or {}
        return cls(data.get("home_team_name"), data.get("away_team_name"),
                   {side: list(goals.get(side) or []) for side in SIDES})

    def team(self, side: str) -> str:
        return (self.home_team_name if side == "home" else self.away_team_name) or side

    def shootout(self) -> tuple[int, int] | None:
        home, away = (len(self.shootout_goals[side]) for side in SIDES)
        return (home, away) if home or away else None


def decode(raw: bytes | str | None) -> dict[str, Any]:
    """The JSON object of a Kafka message value (plain JSON, or in the Schema Registry's wire format)."""
    if raw is None:
        raise MalformedMessage("the message has no value")
    if isinstance(raw, bytes):
        raw = unframe(raw)[1]
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedMessage(f"the message is not JSON ({error})") from None
    if not isinstance(value, dict):
        raise MalformedMessage(f"the message is a JSON {type(value).__name__}, not an object")
    return value


def match_id_of(message: dict[str, Any]) -> str:
    match_id = message.get("match_id")
    if not isinstance(match_id, str) or not match_id:
        raise MalformedMessage("the message has no match_id")
    return match_id


def remember_snapshot(snapshot: dict[str, Any], memory: MatchMemory) -> bool:
    """Learn the team names of a `live-matches` snapshot; True when the memory changed."""
    changed = False
    for side in SIDES:
        name = snapshot.get(f"{side}_team_name")
        if isinstance(name, str) and name and getattr(memory, f"{side}_team_name") != name:
            setattr(memory, f"{side}_team_name", name)
            changed = True
    return changed


def remember_event(event: dict[str, Any], memory: MatchMemory) -> bool:
    """Learn from a `match-events` message what later texts need; True when the memory changed.

    Every event of a team names it (the replay's Starting XI events name both teams first);
    shoot-out goals are counted here because the events' score excludes them.
    """
    changed = False
    side, name = event.get("team_side"), event.get("team_name")
    # An own goal's team is the scorer's, still the side's own name: safe to learn from.
    if side in SIDES and isinstance(name, str) and name and getattr(memory, f"{side}_team_name") is None:
        setattr(memory, f"{side}_team_name", name)
        changed = True
    event_id = event.get("event_id")
    if event.get("event_type") == "SHOOTOUT_GOAL" and side in SIDES and isinstance(event_id, str):
        if event_id not in memory.shootout_goals[side]:
            memory.shootout_goals[side].append(event_id)
            changed = True
    return changed


def shown_minute(period: int, minute: int, added_time: int) -> str:
    """The minute as a scoreboard shows it: minute 22 is 23', minute 45 with added_time 1 is 45+2'."""
    # Later minutes than a period's nominal end are added time (45+2'); the shoot-out has none.
    end = PERIOD_END_MINUTE.get(period)
    if end is not None and period != SHOOTOUT_PERIOD and minute >= end:
        return f"{end}+{added_time + 1}'"
    return f"{minute + 1}'"


def _int(event: dict[str, Any], name: str) -> int:
    value = event.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedMessage(f"{name} is {value!r}, not a whole number")
    return value


def _text(event: dict[str, Any], name: str) -> str | None:
    value = event.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _score(event: dict[str, Any], memory: MatchMemory) -> str:
    home, away = _int(event, "home_score"), _int(event, "away_score")
    return f"{memory.team('home')} {home}-{away} {memory.team('away')}"


def _who(event: dict[str, Any], with_team: bool) -> str:
    player, team = _text(event, "player_name"), _text(event, "team_name")
    if player and team and with_team:
        return f"{player} ({team})"
    return player or team or "unknown player"


def _var_takes_back(event: dict[str, Any]) -> bool:
    words = " ".join(filter(None, (_text(event, "provider_event_type"), _text(event, "provider_outcome")))).lower()
    return any(word in words for word in VAR_TAKES_BACK)


def _var_decision(event: dict[str, Any]) -> str:
    """`Var: Penalty cancelled` -> `Penalty cancelled`."""
    decision = _text(event, "provider_event_type") or _text(event, "provider_outcome") or "decision overturned"
    head, _, rest = decision.partition(":")
    return rest.strip() if head.strip().lower() == "var" and rest.strip() else decision


def to_alert(event: dict[str, Any], memory: MatchMemory) -> Alert | None:
    """The alert a `match-events` message warrants, or None; MalformedMessage when it cannot be read.

    The score in the texts is the message's own (after the event, shoot-out excluded); the team
    names come from `memory`, so `remember_event` must have seen the earlier messages.
    """
    event_type = event.get("event_type")
    if not isinstance(event_type, str):
        raise MalformedMessage("the message has no event_type")
    is_var = event_type == "GOAL_CANCELLED" or (event_type == "VAR" and _var_takes_back(event))
    if event_type not in GOALS and event_type not in RED_CARDS and event_type != "FULL_TIME" and not is_var:
        return None
    match_id = match_id_of(event)
    event_id = _text(event, "event_id")
    if event_id is None:
        raise MalformedMessage("the message has no event_id")
    period = _int(event, "period")
    score = _score(event, memory)

    if event_type == "FULL_TIME":
        text = f"🏁 FULL TIME {score}"
        shootout = memory.shootout()
        if period == SHOOTOUT_PERIOD and shootout is not None:
            text += f", {shootout[0]}-{shootout[1]} on penalties"
        elif period in (3, 4):
            text += " after extra time"
        # One result per match, whatever id a provider gives its final whistle.
        return Alert(f"{match_id}/full-time", "full_time", match_id, event_id, text)

    minute = shown_minute(period, _int(event, "minute"), _int(event, "added_time"))
    if event_type in GOALS:
        # The example format: the scorer only; an own goal says whose player scored it.
        text = f"⚽ {GOALS[event_type]} {minute} {_who(event, with_team=event_type == 'OWN_GOAL')} — {score}"
        kind = "goal"
    elif event_type in RED_CARDS:
        text = f"🟥 {RED_CARDS[event_type]} {minute} {_who(event, with_team=True)} — {score}"
        kind = "red_card"
    else:
        what = "GOAL CANCELLED" if event_type == "GOAL_CANCELLED" else f"VAR {_var_decision(event)}"
        team = _text(event, "team_name")
        subject = _who(event, with_team=True) if team or _text(event, "player_name") else ""
        text = f"❌ {what} {minute}{' ' + subject if subject else ''} — {score}"
        kind = "var"
    return Alert(f"{match_id}/{event_id}", kind, match_id, event_id, text)
