"""Pure parser: a football-data.org v4 match list (or one match) in, match snapshots out.

`fullTime` includes shoot-out goals; the match score here never does (fullTime - penalties).
A match detail's `goals`, `bookings` and `substitutions` become the snapshot's events; its goals
have no ids, so each is numbered by its place in the score (see MatchSnapshot.goals_by_score).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, Callable, Iterable

from ingest.domain import SENT_OFF_TYPES, MatchSnapshot, ProviderEvent, Rejected, Team
from ingest.providers.football_data import spec
from ingest.vocabulary import PERIOD_END_MINUTE, contract_clock, period_of


def parse_matches(payload: Any) -> tuple[list[MatchSnapshot], list[Rejected]]:
    """Snapshots of every match of a `/v4/matches`-like response, and the items that could not be read."""
    if isinstance(payload, dict) and "matches" not in payload and "id" in payload and "status" in payload:
        items = [payload]  # `/v4/matches/{id}` returns the match itself
    elif isinstance(payload, dict) and isinstance(payload.get("matches"), list):
        items = payload["matches"]
    else:
        reason = payload.get("message") if isinstance(payload, dict) and payload.get("message") else "no `matches` list"
        return [], [(payload, f"football-data response without matches: {reason}")]
    competition = payload.get("competition") if isinstance(payload, dict) else None
    snapshots, rejected = [], []
    for item in items:
        try:
            snapshots.append(parse_match(item, competition))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            rejected.append((item, f"football-data match {_id(item)} unreadable: {error!r}"))
    return snapshots, rejected


def _id(item: Any) -> str:
    return str(item.get("id")) if isinstance(item, dict) else "?"


def _pair(score: dict[str, Any], name: str) -> tuple[int | None, int | None]:
    value = score.get(name) or {}
    return value.get("home"), value.get("away")


def _period(status: str, score: dict[str, Any], minute: int | None) -> tuple[str, int | None]:
    """Contract status and current period from the provider's status and score parts."""
    contract_status = spec.STATUSES[status]
    half_time_set = _pair(score, "halfTime")[0] is not None
    regular_over = _pair(score, "regularTime")[0] is not None
    extra_started = _pair(score, "extraTime")[0] is not None
    if status in ("SCHEDULED", "TIMED", "POSTPONED", "CANCELLED"):
        return contract_status, None
    if status == "FINISHED" or status == "AWARDED":
        return contract_status, spec.FINAL_PERIOD.get(score.get("duration") or "REGULAR", 2)
    if status == "PENALTY_SHOOTOUT":
        return contract_status, 5
    if status == "EXTRA_TIME":
        return contract_status, 4 if minute is not None and minute > PERIOD_END_MINUTE[3] else 3
    if status == "PAUSED":
        if extra_started:
            return "BREAK", 3
        if regular_over:
            return "BREAK", 2
        return "HALF_TIME", 1
    # IN_PLAY, SUSPENDED: halfTime is set at the break and then frozen (v4 overtime docs).
    second_half = half_time_set or (minute is not None and minute > 60)
    return contract_status, 2 if second_half else 1


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value)
    return int(text.split("+")[0])


def _red_cards(match: dict[str, Any], team_id: int | None) -> int | None:
    bookings = match.get("bookings")
    if bookings is None:
        return None  # the list form carries no bookings
    return sum(1 for booking in bookings if spec.CARDS.get(booking.get("card")) in SENT_OFF_TYPES
               and (booking.get("team") or {}).get("id") == team_id)


def _season(season: dict[str, Any] | None) -> str | None:
    if not season or not season.get("startDate"):
        return None
    start, end = season["startDate"][:4], (season.get("endDate") or season["startDate"])[:4]
    return start if start == end else f"{start}/{end}"


def parse_match(match: dict[str, Any], competition: dict[str, Any] | None = None) -> MatchSnapshot:
    """One v4 Match object (list or detail form) as a snapshot."""
    status = match["status"]
    score = match.get("score") or {}
    minute = _int(match.get("minute"))
    contract_status, period = _period(status, score, minute)
    full_home, full_away = _pair(score, "fullTime")
    pen_home, pen_away = _pair(score, "penalties")
    shootout = status == "PENALTY_SHOOTOUT" or score.get("duration") == "PENALTY_SHOOTOUT" or pen_home is not None
    started = period is not None
    home_score = away_score = None
    if started:
        # fullTime = regularTime + extraTime + penalties: take the shoot-out back out.
        home_score = (full_home or 0) - (pen_home or 0)
        away_score = (full_away or 0) - (pen_away or 0)
        if home_score < 0 or away_score < 0:
            raise ValueError(f"fullTime {full_home}-{full_away} is less than penalties {pen_home}-{pen_away}")
    home, away = match["homeTeam"], match["awayTeam"]
    home_team = Team(home.get("id"), home.get("name") or home.get("shortName") or "")
    away_team = Team(away.get("id"), away.get("name") or away.get("shortName") or "")
    competition = match.get("competition") or competition or {}
    utc_date = match.get("utcDate")
    kickoff = utc_date.replace("Z", "+00:00") if utc_date else None
    stage = match.get("stage")
    events = parse_events(match, home_team, away_team)
    return MatchSnapshot(
        provider=spec.PROVIDER,
        provider_match_id=str(int(match["id"])),
        status=contract_status,
        provider_status=status,
        home=home_team,
        away=away_team,
        period=period,
        minute=minute,
        added_time=_int(match.get("injuryTime")),
        home_score=home_score,
        away_score=away_score,
        home_penalty_score=(pen_home or 0) if shootout else None,
        away_penalty_score=(pen_away or 0) if shootout else None,
        home_red_cards=_red_cards(match, home.get("id")),
        away_red_cards=_red_cards(match, away.get("id")),
        kickoff=kickoff,
        match_date=utc_date[:10] if utc_date else None,
        competition_id=competition.get("id"),
        competition_name=competition.get("name"),
        season_name=_season(match.get("season")),
        stage=spec.STAGES.get(stage, stage.replace("_", " ").title() if stage else None),
        venue=match.get("venue"),
        events=events,
        goals_by_score=events is not None,
    )


def _person(person: dict[str, Any] | None) -> tuple[int | None, str | None]:
    person = person or {}
    return person.get("id"), person.get("name")


def _who(person: dict[str, Any] | None) -> object:
    """A person as part of an event key: the id, or the name where the id is missing."""
    person_id, name = _person(person)
    return person_id if person_id is not None else name


# (period, minute, added_time): orders a detail's items in match time.
Clock = tuple[int, int, int]


def _clock(item: dict[str, Any]) -> Clock:
    """The contract clock of a detail item's shown `minute` and `injuryTime` (45+2' is 45 and 2)."""
    shown, injury = _int(item.get("minute")), _int(item.get("injuryTime"))
    return (period_of(shown, injury), *contract_clock(shown, injury))


def parse_events(match: dict[str, Any], home: Team, away: Team) -> tuple[ProviderEvent, ...] | None:
    """A match detail's goals, bookings and substitutions in match order, each with the score
    after it; None when the response lists no goals (the list form, or a plan without them)."""
    if match.get("goals") is None:
        return None
    goals = _goal_events(match["goals"], home, away)
    scores = [(clock, event.home_score, event.away_score) for clock, event in goals]

    def score_at(clock: Clock) -> tuple[int, int]:
        # Goals up to and including the minute: a booking in a goal's minute comes after the goal.
        passed = [(home_score, away_score) for at, home_score, away_score in scores if at <= clock]
        return passed[-1] if passed else (0, 0)

    others = _booking_and_substitution_events(match.get("bookings") or (), match.get("substitutions") or (), score_at)
    in_order = sorted(goals + others, key=lambda pair: pair[0])
    return tuple(replace(event, sequence=sequence) for sequence, (_, event) in enumerate(in_order))


def _goal_events(goals: list[dict[str, Any]], home: Team, away: Team) -> list[tuple[Clock, ProviderEvent]]:
    """Goals in the provider's order (the order of the score), each keyed by the side it counts
    for and its place in that side's score."""
    teams = {"home": home, "away": away}
    side_of = {home.team_id: "home", away.team_id: "away"}
    score = {"home": 0, "away": 0}
    events = []
    for goal in goals:
        after = goal.get("score") or {}
        # The side a goal counts for is the one whose score it raised; without a score, its `team`.
        raised = [side for side in ("home", "away") if after.get(side) is not None and after[side] > score[side]]
        if len(raised) == 1:
            counts_for = raised[0]
            score.update({side: after[side] for side in ("home", "away") if after.get(side) is not None})
        else:
            counts_for = side_of.get((goal.get("team") or {}).get("id"))
            if counts_for is None:
                continue  # a goal of neither team: the score change still derives it
            score[counts_for] += 1
        event_type = spec.GOAL_TYPES.get(goal.get("type"), "OTHER")
        # The contract's team of an own goal is the scorer's: the other team.
        team = teams[counts_for] if event_type != "OWN_GOAL" else teams["away" if counts_for == "home" else "home"]
        scorer_id, scorer_name = _person(goal.get("scorer"))
        assist_id, assist_name = _person(goal.get("assist"))
        clock = _clock(goal)
        events.append((clock, ProviderEvent(
            key=f"goal/{counts_for}/{score[counts_for]}", sequence=0, event_type=event_type, period=clock[0],
            minute=clock[1], added_time=clock[2], provider_event_type=f"Goal: {goal.get('type')}",
            team_id=team.team_id, team_name=team.name, player_id=scorer_id, player_name=scorer_name,
            assist_player_id=assist_id, assist_player_name=assist_name,
            home_score=score["home"], away_score=score["away"])))
    return events


def _booking_and_substitution_events(bookings: Iterable[dict[str, Any]], substitutions: Iterable[dict[str, Any]],
                                     score_at: Callable[[Clock], tuple[int, int]]) -> list[tuple[Clock, ProviderEvent]]:
    """Bookings and substitutions, keyed by what happened and to whom: a player gets each card
    and goes off at most once a match, so a minute corrected in a later poll is the same event."""
    occurrences: Counter = Counter()
    events = []
    for kind, item in [("booking", item) for item in bookings] + [("substitution", item) for item in substitutions]:
        team = item.get("team") or {}
        if kind == "booking":
            identity = (kind, item.get("card"), team.get("id"), _who(item.get("player")))
            fields = dict(event_type=spec.CARDS.get(item.get("card"), "OTHER"),
                          provider_event_type=f"Booking: {item.get('card')}")
            player, replacement = _person(item.get("player")), (None, None)
        else:
            identity = (kind, team.get("id"), _who(item.get("playerOut")), _who(item.get("playerIn")))
            fields = dict(event_type="SUBSTITUTION", provider_event_type="Substitution")
            player, replacement = _person(item.get("playerOut")), _person(item.get("playerIn"))
        occurrences[identity] += 1
        clock = _clock(item)
        home_score, away_score = score_at(clock)
        events.append((clock, ProviderEvent(
            key="/".join(map(str, (*identity, occurrences[identity]))), sequence=0, period=clock[0],
            minute=clock[1], added_time=clock[2], team_id=team.get("id"), team_name=team.get("name"),
            player_id=player[0], player_name=player[1],
            replacement_player_id=replacement[0], replacement_player_name=replacement[1],
            home_score=home_score, away_score=away_score, **fields)))
    return events
