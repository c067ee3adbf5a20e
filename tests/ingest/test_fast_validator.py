"""The compiled contract validator (jsonschema-rs) against the reference (jsonschema): the same
verdict on every message of real replays and on broken ones, so the producers' fast path accepts
and rejects exactly what the reference does."""

from __future__ import annotations

import itertools
import math
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingest import contracts
from ingest.providers.statsbomb import files
from ingest.replay import match_timeline

BUNDLED = Path(__file__).resolve().parents[2] / "ingest" / "data" / "statsbomb"
KICKOFF = datetime(2024, 7, 14, 19, 0, tzinfo=timezone.utc)

# Values put in place of each field in turn: every JSON type, numbers on both sides of the
# contracts' bounds, strings that are and are not a uuid, a date, a date-time (with and without
# an offset), enum members and strangers, well- and ill-formed event types and ids.
SUBSTITUTES = [
    None, True, False, 0, -1, 1, 2, 5, 6, 59, 60, 0.5, 1.5, 100.5, -0.1, 10**6, "", "x", "GOAL", "VAR_REVIEW",
    "Goal!", "home", "HOME", "LIVE", "EXTRA", "MINUTE", "statsbomb", "Stats Bomb", "statsbomb:3943077", "3943077",
    "2024-07-14T19:00:00+00:00", "2024-07-14T19:00:00.123Z", "2024-07-14T19:00:00", "2024-07-14 19:00",
    # Date-times that RFC 3339 and Python's parser judge differently: the contracts' is Python's.
    "2024-07-14t19:00:00z", "2024-07-14 19:00:00+00:00", "20240714T190000Z",
    "2024-07-14", "2024-02-30", "14/07/2024", "0b4ad7ca-4f4c-5bb5-8d4b-4b2a8a0f4b8a",
    "0b4ad7ca4f4c5bb58d4b4b2a8a0f4b8a", "{0b4ad7ca-4f4c-5bb5-8d4b-4b2a8a0f4b8a}", [], [1], {}, {"a": 1},
]


def _messages(match_id: str):
    [match_file] = files.find_matches([BUNDLED], match_ids={match_id})
    return list(match_timeline(files.load_match(match_file), KICKOFF))


def _fast(contract: str, message) -> bool:
    return contracts.fast_validator(contract).is_valid(message)


def _reference(contract: str, message) -> bool:
    return contracts.reference_violation(contract, message) is None


def _agree(contract: str, message) -> None:
    assert _fast(contract, message) == _reference(contract, message), (contract, message)


def _check_every_message(match_id: str) -> None:
    messages = _messages(match_id)
    assert {out.contract for out in messages} == set(contracts.TOPICS)
    for out in messages:
        assert _fast(out.contract, out.value), (out.contract, out.value)
        assert _reference(out.contract, out.value), (out.contract, out.value)


def test_both_validators_accept_every_message_of_a_replay():
    _check_every_message("3923880")  # a shoot-out: all five periods, penalty scores


@pytest.mark.slow
@pytest.mark.parametrize("match_id", ["7576", "7558", "3895292", "3942228", "3943077"])
def test_both_validators_accept_every_message_of_the_bundled_matches(match_id):
    _check_every_message(match_id)


@pytest.fixture(scope="module")
def samples():
    """One message per contract from the middle of a real match, where most fields are set."""
    messages = _messages("7576")
    chosen = {}
    for contract in contracts.TOPICS:
        of_contract = [out.value for out in messages if out.contract == contract]
        chosen[contract] = of_contract[len(of_contract) // 2]
    return chosen


@pytest.mark.parametrize("contract", contracts.TOPICS)
def test_same_verdict_on_every_field_broken_every_way(contract, samples):
    """Each field in turn missing, and replaced by each substitute: wrong types, out of bounds,
    bad uuids, dates and date-times, values outside an enum or a pattern."""
    base = samples[contract]
    rejected = tried = 0
    for name in contracts.load_schema(contract)["properties"]:
        without = {key: value for key, value in base.items() if key != name}
        _agree(contract, without)
        for substitute in SUBSTITUTES:
            message = dict(base, **{name: substitute})
            _agree(contract, message)
            rejected += not _reference(contract, message)
            tried += 1
    assert rejected > tried // 2  # the substitutes mostly break the contract: both validators had to say no


@pytest.mark.parametrize("contract", contracts.TOPICS)
def test_a_message_that_is_not_an_object_is_rejected_by_both(contract):
    for message in (None, 1, "x", [], [{"schema_version": 1}]):
        _agree(contract, message)
        assert contracts.violation(contract, message) is not None


def test_the_verdict_and_the_reason_are_the_references():
    """Where the fast validator is stricter than the reference (Python's `$` before a trailing
    newline, NaN, a value JSON has no type for), violation() gives the reference's verdict."""
    base = {"schema_version": 1, "event_id": "54435736-9fa0-4691-b9a6-2e338e0baead", "match_id": "statsbomb:3943077",
            "provider": "statsbomb", "timestamp": "2024-07-15T02:36:13.848+00:00", "period": 4, "minute": 111,
            "second": 13, "added_time": 0, "sequence": 3868, "event_type": "GOAL", "home_score": 1, "away_score": 0}
    assert contracts.violation("match-events", base) is None
    for change in ({"event_type": "VAR\n"}, {"xg": math.nan}, {"location_x": math.nan}):
        message = dict(base, **change)
        assert contracts.violation("match-events", message) == contracts.reference_violation("match-events", message)
    assert contracts.violation("match-events", dict(base, player_name=KICKOFF)) == (
        f"player_name: {KICKOFF!r} is not of type 'string', 'null'")
    broken = dict(base, minute=-1)
    assert not _fast("match-events", broken)
    assert contracts.violation("match-events", broken) == "minute: -1 is less than the minimum of 0"


def test_a_string_in_a_common_form_is_one_the_reference_accepts():
    """The fast validator passes a uuid or a date-time matching contracts.COMMON_FORMS without
    asking Python: every such string must be one the reference's check accepts (real and
    impossible dates, hours, offsets and fractions, around every bound of the patterns)."""
    forms = {name: re.compile(pattern) for name, pattern in contracts.COMMON_FORMS.items()}
    checks = {name: contracts._format_predicate(name) for name in contracts.COMMON_FORMS}
    date_times = (
        f"{year}-{month:02d}-{day:02d}T{hour}:{rest}{fraction}{offset}"
        for year, month, day, hour, rest, fraction, offset in itertools.product(
            ["0999", "1900", "2000", "2023", "2024"], range(0, 14), range(0, 33), ["00", "23", "24"],
            ["00:00", "59:59", "60:00", "00:60"], ["", ".123", ".123456", ".12"],
            ["Z", "z", "+00:00", "-00:00", "+23:59", "+24:00", "", "+0000"])
    )
    uuids = ["0b4ad7ca-4f4c-5bb5-8d4b-4b2a8a0f4b8a", "0B4AD7CA-4F4C-5BB5-8D4B-4B2A8A0F4B8A",
             "0b4ad7ca4f4c5bb58d4b4b2a8a0f4b8a", "{0b4ad7ca-4f4c-5bb5-8d4b-4b2a8a0f4b8a}", "0b4ad7ca-4f4c-5bb5-8d4b-4b2a8a0f4b8", "g0000000-0000-0000-0000-000000000000"]
    matched = 0
    for name, values in (("date-time", date_times), ("uuid", uuids)):
        for value in values:
            if forms[name].search(value):
                matched += 1
                assert checks[name](value), (name, value)
    assert matched > 10_000


@pytest.mark.parametrize("timestamp", ["2024-02-29T19:00:00.000+00:00", "2023-02-29T19:00:00.000+00:00",
                                       "2024-04-31T19:00:00.000+00:00", "2024-12-31T23:59:59.999Z",
                                       "2024-07-14T19:00:00.123+00:00\n", "2024-07-14T19:00:00+05:30"])
def test_same_verdict_on_date_times_outside_and_at_the_edge_of_the_common_form(timestamp, samples):
    for contract in contracts.TOPICS:
        _agree(contract, dict(samples[contract], timestamp=timestamp))


def _expected_verdict(contract: str, message) -> tuple[str | None, str | None]:
    reason = contracts.violation(contract, message)
    return reason, (contracts.drift(contract, message) if reason is None else None)


def test_every_message_of_a_replay_is_plain():
    """A replay's messages are valid and drift-free, so the producers tell each in one call."""
    for out in _messages("3923880"):
        assert contracts.plain_validator(out.contract).is_valid(out.value), (out.contract, out.value)
        assert contracts.verdict(out.contract, out.value) == (None, None)


@pytest.mark.parametrize("contract", contracts.TOPICS)
def test_the_verdict_is_the_violation_and_the_drift(contract, samples):
    """verdict() = (violation(), drift() of a valid message) on every field missing or replaced by
    each substitute, with extra fields, with unknown values of the fields that list their known
    ones, and with date-times and dates outside the common forms."""
    base = samples[contract]
    properties = contracts.load_schema(contract)["properties"]
    cases = [base, dict(base, pitch_zone="A1"), dict(base, pitch_zone=None, var_outcome=1), None, [base]]
    for name, field in properties.items():
        cases.append({key: value for key, value in base.items() if key != name})
        cases += [dict(base, **{name: substitute}) for substitute in SUBSTITUTES]
        if contracts.KNOWN_VALUES in field:
            cases += [dict(base, **{name: "VAR_REVIEW"}), dict(base, **{name: "VAR_REVIEW"}, pitch_zone="A1")]
    cases += [dict(base, timestamp=stamp) for stamp in ("2024-02-29T19:00:00.000+00:00", "2024-07-14T19:00:00+05:30",
                                                        "2024-07-14T19:00:00.123Z", "2024-07-14T19:00:00.1234+00:00")]
    if "match_date" in properties:
        cases += [dict(base, match_date=day) for day in ("2024-02-29", "2023-02-29", "2024-07-14", "2024-7-14")]
    drifted = 0
    for message in cases:
        expected = _expected_verdict(contract, message)
        assert contracts.verdict(contract, message) == expected, message
        drifted += expected[1] is not None
    assert drifted >= 2  # extra fields at least: the plain validator had to refuse valid messages


def test_a_date_in_its_strict_form_is_one_the_reference_accepts():
    """contracts.STRICT_FORMS' date (the date part of the common date-time) matches only dates the
    reference's check of the date format accepts."""
    form = re.compile(contracts.STRICT_FORMS["date"])
    check = contracts._format_predicate("date")
    matched = 0
    for year, month, day in itertools.product(["0999", "1900", "2000", "2023", "2024"], range(0, 14), range(0, 33)):
        for value in (f"{year}-{month:02d}-{day:02d}", f"{year}-{month}-{day}"):
            if form.search(value):
                matched += 1
                assert check(value), value
    assert matched > 1_000
