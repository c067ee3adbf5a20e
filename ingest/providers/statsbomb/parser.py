"""Pure parser: a StatsBomb open-data match object and event list in, a domain Match out."""

from __future__ import annotations

import math
from typing import Any

from ingest import vocabulary
from ingest.domain import Match, MatchEvent, MatchInfo, Player, Team
from ingest.errors import SourceDataError
from ingest.providers.statsbomb import spec


def parse_match(events: list[dict[str, Any]], match_object: dict[str, Any] | None, match_id: str) -> Match:
    """Normalize one match; `match_object` is its entry of matches.json, when there is one."""
    if not events:
        raise SourceDataError("the event list is empty", provider=spec.PROVIDER, match_id=match_id)
    try:
        ordered = sorted(events, key=lambda event: (event["period"], event["index"]))
        info = _match_info(match_object or {}, ordered, match_id)
        return Match(info=info, events=tuple(_events(ordered)))
    except (KeyError, TypeError, ValueError) as error:
        raise SourceDataError(f"unexpected event data ({error!r})", provider=spec.PROVIDER, match_id=match_id) from error


def _match_info(match: dict[str, Any], events: list[dict[str, Any]], match_id: str) -> MatchInfo:
    # StatsBomb lists the home team's Starting XI first; matches.json wins when present.
    starting = [event["team"] for event in events if event["type"]["name"] == "Starting XI"]
    home = match.get("home_team") or {}
    away = match.get("away_team") or {}
    home_team = Team(home.get("home_team_id"), home.get("home_team_name") or "") if home else None
    away_team = Team(away.get("away_team_id"), away.get("away_team_name") or "") if away else None
    if home_team is None or away_team is None:
        if len(starting) < 2:
            raise SourceDataError("no matches.json entry and no Starting XI events to tell home from away",
                                  provider=spec.PROVIDER, match_id=match_id)
        home_team = home_team or Team(starting[0]["id"], starting[0]["name"])
        away_team = away_team or Team(starting[1]["id"], starting[1]["name"])
    competition = match.get("competition") or {}
    return MatchInfo(
        provider=spec.PROVIDER,
        provider_match_id=str(match_id),
        home=home_team,
        away=away_team,
        competition_id=competition.get("competition_id"),
        competition_name=competition.get("competition_name"),
        season_name=(match.get("season") or {}).get("season_name"),
        stage=(match.get("competition_stage") or {}).get("name"),
        match_date=match.get("match_date"),
        venue=(match.get("stadium") or {}).get("name"),
    )


def _events(events: list[dict[str, Any]]):
    last_period = max(event["period"] for event in events)
    by_id = {event["id"]: event for event in events}
    seen_starts: set[int] = set()
    seen_ends: set[int] = set()
    for event in events:
        name = event["type"]["name"]
        period = event["period"]
        fields: dict[str, Any] = {}
        counts: set[str] = set()
        event_type = spec.EVENT_TYPES.get(name, "OTHER")
        provider_outcome = _outcome(event, name)
        outcome = spec.outcome(name, provider_outcome)

        if name == spec.PERIOD_START:
            event_type = "PERIOD_MARKER" if period in seen_starts else "KICK_OFF"
            seen_starts.add(period)
        elif name == spec.PERIOD_END:
            event_type = "PERIOD_MARKER" if period in seen_ends else spec.period_end_type(period, last_period)
            seen_ends.add(period)
        elif name == "Shot":
            shot = event["shot"]
            provider_outcome = shot["outcome"]["name"]
            outcome = spec.outcome(name, provider_outcome)
            event_type = spec.shot_type(period, outcome, (shot.get("type") or {}).get("name", ""))
            fields["xg"] = _finite(shot.get("statsbomb_xg"))
            fields["body_part"] = spec.term(spec.BODY_PARTS, (shot.get("body_part") or {}).get("name"))
            fields["shot_type"] = spec.term(spec.SHOT_SITUATIONS, (shot.get("type") or {}).get("name"))
            fields["shot_technique"] = spec.term(spec.SHOT_TECHNIQUES, (shot.get("technique") or {}).get("name"))
            fields["first_time"] = bool(shot.get("first_time"))
            fields["one_on_one"] = bool(shot.get("one_on_one"))
            fields["open_goal"] = bool(shot.get("open_goal"))
            key_pass = by_id.get(shot.get("key_pass_id"))
            fields["assist_type"] = spec.assist_type(key_pass)
            frame = spec.freeze_frame_context(event["location"], shot.get("freeze_frame"))
            if frame:
                fields["opponents_in_cone"] = frame["opponents_in_cone"]
                fields["nearest_opponent_distance"] = frame["nearest_opponent_distance"]
                if frame["goalkeeper_x"] is not None:
                    fields["goalkeeper_x"] = _percent(frame["goalkeeper_x"], spec.PITCH_LENGTH)
                    fields["goalkeeper_y"] = _percent(frame["goalkeeper_y"], spec.PITCH_WIDTH)
            if key_pass is not None and key_pass.get("player"):
                fields["assist_player_id"] = key_pass["player"]["id"]
                fields["assist_player_name"] = key_pass["player"]["name"]
            if period != spec.SHOOTOUT_PERIOD:
                counts.add("shots")
                if outcome in vocabulary.SHOT_ON_TARGET:
                    counts.add("shots_on_target")
                if outcome == "GOAL":
                    counts.add("goals")
        elif name == "Pass":
            details = event["pass"]
            counts.add("passes")
            if outcome is None:
                outcome = spec.PASS_COMPLETE
                counts.add("passes_completed")
            if outcome == "OFFSIDE":
                counts.add("offsides")
            if (details.get("type") or {}).get("name") == "Corner":
                counts.add("corners")
            if details.get("goal_assist"):
                counts.add("assists")
        elif name == "Duel" and (event["duel"].get("type") or {}).get("name") == "Tackle":
            event_type = "TACKLE"
            counts.add("tackles")
        elif name == "Interception":
            counts.add("interceptions")
        elif name == "Offside":
            counts.add("offsides")
        elif name == "Substitution":
            replacement = event["substitution"]["replacement"]
            fields["replacement_player_id"] = replacement["id"]
            fields["replacement_player_name"] = replacement["name"]

        if name == "Foul Committed":
            counts.add("fouls")
        card = ((event.get("foul_committed") or event.get("bad_behaviour") or {}).get("card") or {}).get("name")
        if card in spec.CARDS:
            # The card matters more than the foul it was given for.
            event_type = spec.CARDS[card]
            counts.add("yellow_cards" if card == "Yellow Card" else "red_cards")
            if card == "Second Yellow":
                counts.add("yellow_cards")

        lineup = ()
        if name == "Starting XI":
            lineup = tuple(
                Player(entry["player"]["id"], entry["player"]["name"], event["team"]["id"])
                for entry in event["tactics"]["lineup"]
            )
        location = event.get("location")
        team = event.get("team") or {}
        player = event.get("player") or {}
        yield MatchEvent(
            event_id=event["id"],
            sequence=event["index"],
            period=period,
            clock=event["minute"] * 60 + event["second"],
            period_time=_seconds(event["timestamp"]),
            event_type=event_type,
            provider_event_type=name,
            team_id=team.get("id"),
            team_name=team.get("name"),
            player_id=player.get("id"),
            player_name=player.get("name"),
            location_x=_percent(location[0], spec.PITCH_LENGTH) if location else None,
            location_y=_percent(location[1], spec.PITCH_WIDTH) if location and len(location) > 1 else None,
            outcome=outcome,
            provider_outcome=provider_outcome,
            play_pattern=spec.term(spec.PLAY_PATTERNS, (event.get("play_pattern") or {}).get("name")),
            under_pressure=bool(event.get("under_pressure")),
            counts=frozenset(counts),
            lineup=lineup,
            **fields,
        )


def _outcome(event: dict[str, Any], name: str) -> str | None:
    details = event.get(name.lower().replace(" ", "_").replace("/", "_").rstrip("*"))
    if isinstance(details, dict):
        return (details.get("outcome") or {}).get("name")
    return None


def _seconds(timestamp: str) -> float:
    hours, minutes, seconds = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _percent(value: float, full: float) -> float:
    return round(min(max(value / full * 100.0, 0.0), 100.0), 2)


def _finite(value: Any) -> float | None:
    # Rebuilt event files carry NaN where a value is unknown; NaN is not JSON.
    if value is None or not math.isfinite(value):
        return None
    return float(value)
