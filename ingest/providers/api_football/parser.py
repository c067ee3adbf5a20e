"""Pure parser: API-Football v3 fixture responses in, match snapshots with their events out.

The traps, handled here: errors come with HTTP 200 in `errors`; a Missed Penalty is type Goal
and does not score; on an Own Goal `team` is the benefiting team; on a substitution `player`
leaves and `assist` comes on; `goals` excludes the shoot-out (in `score.penalty`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ingest.domain import (PLAYER_FIGURES, TEAM_FIGURES, MatchSnapshot, ProviderEvent, Rejected, StatLine, Team,
                           pass_accuracy)
from ingest.providers.api_football import spec
from ingest.vocabulary import contract_clock, period_of


def envelope_errors(payload: Any) -> str | None:
    """The provider's error report of a response, in one line, or None when it has none."""
    if not isinstance(payload, dict) or "response" not in payload:
        return "not an API-Football envelope (no `response`)"
    errors = payload.get("errors")
    if errors:
        if isinstance(errors, dict):
            return "; ".join(f"{name}: {text}" for name, text in errors.items())
        return "; ".join(map(str, errors))
    return None


def parse_fixtures(payload: Any) -> tuple[list[MatchSnapshot], list[Rejected]]:
    """Snapshots of a `fixtures` response (live=all, ids=, date=, league=), and unreadable items."""
    error = envelope_errors(payload)
    if error is not None:
        return [], [(payload, f"api-football error payload: {error}")]
    items = payload["response"]
    if not isinstance(items, list):
        return [], [(payload, "api-football `response` is not a list")]
    snapshots, rejected = [], []
    for item in items:
        try:
            snapshots.append(parse_fixture(item))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            fixture_id = ((item or {}).get("fixture") or {}).get("id") if isinstance(item, dict) else "?"
            rejected.append((item, f"api-football fixture {fixture_id} unreadable: {error!r}"))
    return snapshots, rejected


def _status(status: dict[str, Any]) -> tuple[str, str, int | None]:
    short = status["short"]
    contract_status = spec.STATUSES[short]
    elapsed = status.get("elapsed")
    if short in spec.FIXED_PERIOD:
        return short, contract_status, spec.FIXED_PERIOD[short]
    if short == "BT":
        # The break before extra time (after 90') or between its halves (after 105').
        return short, contract_status, 2 if (elapsed or 90) <= 90 else 3
    if elapsed is None:
        return short, contract_status, None
    return short, contract_status, period_of(elapsed, status.get("extra"))


def parse_fixture(item: dict[str, Any]) -> MatchSnapshot:
    """One fixture item (with `events` when the endpoint embeds them) as a snapshot."""
    fixture, teams = item["fixture"], item["teams"]
    short, contract_status, period = _status(fixture["status"])
    home = Team(teams["home"]["id"], teams["home"]["name"])
    away = Team(teams["away"]["id"], teams["away"]["name"])
    started = period is not None
    goals = item.get("goals") or {}
    penalty = (item.get("score") or {}).get("penalty") or {}
    events = None
    red_cards: dict[int | None, int] | None = None
    if "events" in item and item["events"] is not None:
        events = tuple(parse_events(item["events"], home, away))
        red_cards = Counter(event.team_id for event in events if event.event_type in spec.SENT_OFF)
    minute = added = None
    elapsed = fixture["status"].get("elapsed")
    if started and elapsed is not None and period != 5:
        minute, added = contract_clock(elapsed, fixture["status"].get("extra"))
    league = item.get("league") or {}
    date = fixture.get("date")
    team_stats = parse_team_statistics(item["statistics"]) if item.get("statistics") else None
    player_stats = parse_players(item["players"], item.get("lineups") or ()) if item.get("players") else None
    return MatchSnapshot(
        provider=spec.PROVIDER,
        provider_match_id=str(int(fixture["id"])),
        status=contract_status,
        provider_status=short,
        home=home,
        away=away,
        period=period,
        minute=minute,
        added_time=added,
        home_score=goals.get("home") or 0,
        away_score=goals.get("away") or 0,
        home_penalty_score=penalty.get("home"),
        away_penalty_score=penalty.get("away"),
        home_red_cards=None if red_cards is None else red_cards.get(home.team_id, 0),
        away_red_cards=None if red_cards is None else red_cards.get(away.team_id, 0),
        kickoff=date,
        match_date=date[:10] if date else None,
        competition_id=league.get("id"),
        competition_name=league.get("name"),
        season_name=str(league["season"]) if league.get("season") is not None else None,
        stage=league.get("round"),
        venue=(fixture.get("venue") or {}).get("name"),
        events=events,
        team_stats=team_stats,
        player_stats=player_stats,
    )


def parse_events(items: list[dict[str, Any]], home: Team, away: Team) -> list[ProviderEvent]:
    """A fixture's events in order, with the score after each."""
    score = {home.team_id: 0, away.team_id: 0}
    occurrences: Counter = Counter()
    events = []
    for sequence, item in enumerate(items):
        kind, detail = item.get("type") or "", item.get("detail") or ""
        time = item.get("time") or {}
        elapsed, extra = time.get("elapsed"), time.get("extra")
        team = item.get("team") or {}
        player = item.get("player") or {}
        assist = item.get("assist") or {}
        team_id, team_name = team.get("id"), team.get("name")
        fields: dict[str, Any] = {"player_id": player.get("id"), "player_name": player.get("name"),
                                  "assist_player_id": assist.get("id"), "assist_player_name": assist.get("name")}
        period = period_of(elapsed, extra)
        shootout = (item.get("comments") or "") == spec.SHOOTOUT_COMMENT
        if kind == "Goal" and shootout:
            event_type, period = spec.SHOOTOUT.get(detail, "OTHER"), 5
        elif kind == "Goal":
            event_type = spec.GOALS.get(detail, "OTHER")
        elif kind == "Card":
            event_type = spec.card_type(detail)
        elif kind.lower() == "subst":
            event_type = "SUBSTITUTION"
            # `player` leaves, `assist` comes on.
            fields.update(replacement_player_id=assist.get("id"), replacement_player_name=assist.get("name"),
                          assist_player_id=None, assist_player_name=None)
        elif kind == "Var":
            event_type = spec.var_type(detail)
        else:
            event_type = "OTHER"
        if event_type in spec.SCORING and team_id in score:
            # Own goal: API-Football's `team` is the team that benefits; it gets the goal.
            score[team_id] += 1
        if event_type == "OWN_GOAL":
            # The contract's team of an own goal is the scorer's, the other team.
            other = away if team_id == home.team_id else home
            team_id, team_name = other.team_id, other.name
        minute, added = (120, 0) if period == 5 else contract_clock(elapsed, extra)
        identity = (kind.lower(), detail if kind.lower() != "subst" else "", team.get("id"),
                    player.get("id") or player.get("name"), assist.get("id") if kind.lower() == "subst" else None,
                    elapsed, extra)
        occurrences[identity] += 1
        events.append(ProviderEvent(
            key="/".join(map(str, identity + (occurrences[identity],))),
            sequence=sequence,
            event_type=event_type,
            period=period,
            minute=minute,
            added_time=added,
            provider_event_type=f"{kind}: {detail}" if detail else kind,
            team_id=team_id,
            team_name=team_name,
            provider_outcome=item.get("comments"),
            home_score=score[home.team_id],
            away_score=score[away.team_id],
            **fields,
        ))
    return events


def _number(value: Any) -> int | float:
    """A figure as the provider writes it: null (nothing recorded) is 0; "41%" is 41.0; "1.64" is 1.64."""
    if value is None:
        return 0
    if isinstance(value, str):
        text = value.strip().rstrip("%")
        return float(text) if "." in text or value.strip().endswith("%") else int(text)
    return value


def parse_team_statistics(items: list[dict[str, Any]]) -> tuple[StatLine, ...]:
    """Each team's figures from `statistics` (fixtures?ids= or the fixtures/statistics response)."""
    lines = []
    for item in items:
        team = item.get("team") or {}
        figures: dict[str, Any] = dict.fromkeys(TEAM_FIGURES)
        for stat in item.get("statistics") or ():
            name = spec.TEAM_STATISTICS.get(stat.get("type"))
            if name is not None:
                figures[name] = _number(stat.get("value"))
        if figures["passes"] is not None and figures["passes_completed"] is not None:
            # The contract's definition, to 0.1 (the provider rounds to whole percent).
            figures["pass_accuracy"] = pass_accuracy(figures["passes"], figures["passes_completed"])
        if figures["xg"] is not None:
            figures["xg"] = float(figures["xg"])
        lines.append(StatLine(team.get("id"), team.get("name"), figures))
    return tuple(lines)


def lineup_players(lineups: Any) -> dict[int, tuple[str | None, int | None]]:
    """player id -> (fantasy position, shirt number) from `lineups` (starting XI and substitutes)."""
    found = {}
    for lineup in lineups or ():
        for entry in (*(lineup.get("startXI") or ()), *(lineup.get("substitutes") or ())):
            player = entry.get("player") or {}
            if player.get("id") is not None:
                found[player["id"]] = (spec.POSITIONS.get(player.get("pos")), player.get("number"))
    return found


def parse_players(items: list[dict[str, Any]], lineups: Any = ()) -> tuple[StatLine, ...]:
    """The figures of every player who has played, from `players` (fixtures?ids= or the
    fixtures/players response); positions and numbers from the line-ups where the figures lack them."""
    in_lineup = lineup_players(lineups)
    lines = []
    for item in items:
        team = item.get("team") or {}
        for entry in item.get("players") or ():
            player = entry.get("player") or {}
            stats = (entry.get("statistics") or [{}])[0]
            games = stats.get("games") or {}
            if not games.get("minutes") or player.get("id") is None:
                continue  # not (yet) on the pitch
            figures: dict[str, Any] = dict.fromkeys(PLAYER_FIGURES)
            for (group, name), field in spec.PLAYER_STATISTICS.items():
                figures[field] = _number((stats.get(group) or {}).get(name))
            figures["pass_accuracy"] = pass_accuracy(figures["passes"], figures["passes_completed"])
            position, number = in_lineup.get(player["id"], (None, None))
            lines.append(StatLine(team.get("id"), team.get("name"), figures, player["id"], player.get("name"),
                                  spec.POSITIONS.get(games.get("position")) or position,
                                  games.get("number") if games.get("number") is not None else number))
    return tuple(lines)
