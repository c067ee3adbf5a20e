"""Pure parser: a football-data.org v4 match list (or one match) in, match snapshots out.

`fullTime` includes shoot-out goals; the match score here never does (fullTime - penalties).
"""

from __future__ import annotations

from typing import Any

from ingest.domain import MatchSnapshot, Rejected, Team
from ingest.providers.football_data import spec
from ingest.vocabulary import PERIOD_END_MINUTE



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
    return sum(1 for booking in bookings
               if booking.get("card") in ("RED", "YELLOW_RED") and (booking.get("team") or {}).get("id") == team_id)


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
    competition = match.get("competition") or competition or {}
    utc_date = match.get("utcDate")
    kickoff = utc_date.replace("Z", "+00:00") if utc_date else None
    stage = match.get("stage")
    return MatchSnapshot(
        provider=spec.PROVIDER,
        provider_match_id=str(int(match["id"])),
        status=contract_status,
        provider_status=status,
        home=Team(home.get("id"), home.get("name") or home.get("shortName") or ""),
        away=Team(away.get("id"), away.get("name") or away.get("shortName") or ""),
        period=period,
        minute=minute,
        added_time=_int(match.get("injuryTime")),
        home_score=home_score,
        away_score=away_score,
        home_penalty_score=(pen_home or 0) if shootout and started else None,
        away_penalty_score=(pen_away or 0) if shootout and started else None,
        home_red_cards=_red_cards(match, home.get("id")) if started else None,
        away_red_cards=_red_cards(match, away.get("id")) if started else None,
        kickoff=kickoff,
        match_date=utc_date[:10] if utc_date else None,
        competition_id=competition.get("id"),
        competition_name=competition.get("name"),
        season_name=_season(match.get("season")),
        stage=spec.STAGES.get(stage, stage.replace("_", " ").title() if stage else None),
        venue=match.get("venue"),
    )
