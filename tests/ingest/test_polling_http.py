"""The provider clients and the poller against a real local HTTP server replaying recorded
responses: retries, 429 + Retry-After, 500, timeouts, error payloads, and the request budget held.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from ingest.polling.errors import BudgetExhausted, ProviderError, ProviderPayloadError
from ingest.polling.poller import Poller
from ingest.providers.api_football.source import ApiFootballSource
from ingest.providers.football_data.source import FootballDataSource
from ingest.providers.api_football import client as api_football
from ingest.providers.football_data import client as football_data
from tests.providers_server import ProvidersServer


class VirtualTime:
    """A clock the client sleeps on without waiting: sleeping moves it forward."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.slept = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


class TimedSession(requests.Session):
    """A real Session that notes the (virtual) time of every call it sends."""

    def __init__(self, time: VirtualTime) -> None:
        super().__init__()
        self.time = time
        self.sent_at: list[float] = []

    def send(self, request, **kwargs):
        self.sent_at.append(self.time.clock())
        return super().send(request, **kwargs)


class ListSink:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []
        self.dead: list[tuple[str, bytes, str]] = []

    def send(self, contract, key, value):
        self.sent.append((contract, value))
        return True

    def dead_letter(self, contract, key, payload, reason):
        self.dead.append((contract, payload, reason))


START = datetime(2024, 7, 5, 17, 0, tzinfo=timezone.utc).timestamp()


@pytest.fixture
def server():
    with ProvidersServer() as running:
        yield running


def fd_client(server, time, **options):
    return football_data.make_client(TimedSession(time), "test-key", base_url=server.url,
                                     clock=time.clock, sleep=time.sleep, **options)


def af_client(server, time, **options):
    return api_football.make_client(TimedSession(time), "test-key", base_url=server.url,
                                    clock=time.clock, sleep=time.sleep, **options)


def test_the_key_goes_in_the_providers_header(server):
    time = VirtualTime(START)
    football_data.matches(fd_client(server, time))
    api_football.make_client(requests.Session(), "af-key", base_url=server.url).live()
    assert server.requests[0][2].get("X-Auth-Token") == "test-key"
    assert server.requests[1][2].get("x-apisports-key") == "af-key"


def test_429_waits_the_retry_after_then_succeeds(server):
    time = VirtualTime(START)
    server.script("/v4/matches", [{"status": 429, "headers": {"Retry-After": "17"}, "body": {"message": "slow down"}},
                                  {"file": str(server_data("football-data.org/v4_matches_2023-12-29_today_SA_ELC_PPL.json"))}])
    client = fd_client(server, time)
    payload = football_data.matches(client)
    assert len(payload["matches"]) == 18
    assert server.count("/v4/matches") == 2
    assert client.session.sent_at[1] - client.session.sent_at[0] >= 17


def test_500_is_retried_with_backoff(server):
    time = VirtualTime(START)
    server.script("/fixtures?live=all", [{"status": 500, "raw": "oops"}, {"status": 502, "raw": "bad gateway"},
                                         {"file": str(server_data("api-football/v3_fixtures_live_all_2024-02-28.json"))}])
    payload = af_client(server, time, backoff=2.0).live()
    assert payload["results"] == 14
    assert server.count("/fixtures") == 3
    assert time.slept == 2.0 + 4.0


def test_a_timeout_is_retried(server):
    time = VirtualTime(START)
    server.script("/fixtures?live=all", [{"delay": 1.0, "body": {}},
                                         {"file": str(server_data("api-football/v3_fixtures_live_all_2024-02-28.json"))}])
    payload = af_client(server, time, timeout=(2.0, 0.3)).live()
    assert payload["results"] == 14
    assert server.count("/fixtures") == 2


def test_it_gives_up_after_its_retries(server):
    time = VirtualTime(START)
    server.script("/v4/matches", [{"status": 503, "raw": "down"}])
    with pytest.raises(ProviderError, match="gave up after 3 attempts"):
        football_data.matches(fd_client(server, time, retries=2))
    assert server.count() == 3


def test_an_error_payload_with_http_200_is_a_payload_error(server):
    time = VirtualTime(START)
    server.script("/fixtures?live=all", [{"body": {"get": "fixtures", "parameters": {"live": "all"},
                                                   "errors": {"token": "Error/Missing application key."},
                                                   "results": 0, "paging": {"current": 1, "total": 1}, "response": []}}])
    with pytest.raises(ProviderPayloadError, match="Missing application key") as raised:
        af_client(server, time).live()
    assert b"Missing application key" in raised.value.body
    assert server.count() == 1  # not retried: asking again gives the same answer


def test_daily_limit_payload_stops_calls_until_midnight(server):
    time = VirtualTime(START)
    server.script("/fixtures?live=all", [{"body": {"get": "fixtures", "parameters": {"live": "all"},
                                                   "errors": {"requests": "You have reached the request limit for the day"},
                                                   "results": 0, "paging": {"current": 1, "total": 1}, "response": []}}])
    client = af_client(server, time)
    with pytest.raises(BudgetExhausted):
        client.live()
    with pytest.raises(BudgetExhausted) as raised:
        client.live()
    assert raised.value.retry_at == datetime(2024, 7, 6, tzinfo=timezone.utc).timestamp()
    assert server.count() == 1


def test_ten_a_minute_holds_over_25_calls(server):
    time = VirtualTime(START)
    client = fd_client(server, time, per_minute=10)
    for _ in range(25):
        football_data.matches(client)
    assert server.count("/v4/matches") == 25
    sent = client.session.sent_at
    assert max(sum(1 for t in sent if start <= t < start + 60) for start in sent) == 10


def test_unparseable_response_goes_to_dead_letters_and_polling_goes_on(server):
    time = VirtualTime(START)
    server.script("/v4/matches", [{"raw": "<html>Bad Gateway</html>"},
                                  {"file": str(server_data("football-data.org/v4_matches_2023-12-29_today_SA_ELC_PPL.json"))}])
    sink = ListSink()
    poller = Poller(FootballDataSource(fd_client(server, time)), sink, clock=time.clock)
    first = poller.poll_once()
    assert first.dead_letters == 1 and "not JSON" in sink.dead[0][2] and sink.dead[0][1] == b"<html>Bad Gateway</html>"
    second = poller.poll_once()
    assert second.sent == 18 and second.dead_letters == 0


def test_free_plan_follows_one_match_end_to_end_within_100_calls(server):
    # Portugal - France, Euro 2024 QF, kick-off 19:00 UTC: the poller starts at 17:00 and runs a day.
    steps = server.load_sequence("api-football_euro2024_qf_1219959_shootout.json", route="/fixtures?ids=1219959")
    time = VirtualTime(START)
    sink = ListSink()
    poller = Poller(ApiFootballSource(af_client(server, time), fixture_ids=("1219959",)), sink, clock=time.clock)
    end = START + 24 * 3600
    while time.now < end:
        result = poller.poll_once()
        time.sleep(min(result.next_delay, end - time.now) or 1.0)
    calls = server.count("/fixtures")
    assert steps <= calls <= 100
    finished = [value for contract, value in sink.sent if contract == "live-matches" and value["status"] == "FINISHED"]
    assert len(finished) == 1
    assert (finished[0]["home_score"], finished[0]["away_score"],
            finished[0]["home_penalty_score"], finished[0]["away_penalty_score"]) == (0, 0, 3, 5)


def server_data(relative: str):
    from tests.providers_server import DATA

    return DATA / relative


def test_a_restart_with_its_state_file_sends_nothing_twice(server, tmp_path):
    server.load_sequence("api-football_liga1_1049765_var.json", route="/fixtures?ids=1049765")
    state = tmp_path / "api-football.json"

    def poller(sink):
        client = api_football.make_client(requests.Session(), "k", base_url=server.url, per_day=None, per_minute=None)
        return Poller(ApiFootballSource(client, fixture_ids=("1049765",)), sink, state_path=state)

    before = ListSink()
    first = poller(before)
    for _ in range(3):
        first.poll_once()
    after = ListSink()
    poller(after).poll_once()  # a new process: the 58' poll, after VAR took the goal back
    sent_before = {value["event_id"] for _, value in before.sent}
    assert [value["event_type"] for contract, value in after.sent if contract == "match-events"] == ["GOAL_CANCELLED"]
    assert not {value["event_id"] for _, value in after.sent} & sent_before
