"""Adding a live provider is adding a folder (ingest/README.md, "Adding a live provider"): a small
fake provider, written in a temporary package the way the steps say, is found by the registry,
gets its settings from its own key, and its messages, polled from a real local HTTP server,
satisfy the contracts, in the contract's terms."""

from __future__ import annotations

import argparse
import sys
import textwrap

import pytest

import ingest.providers
from ingest import contracts
from ingest.polling.cli import build_poller
from ingest.polling.registry import live_providers
from ingest.errors import ConfigError
from ingest.polling.settings import PollSettings
from tests.providers_server import ProvidersServer

FOLDER = {
    "__init__.py": "",
    "spec.py": '''
        """Fakeball's statuses, mapped to the contract's terms."""
        PROVIDER = "fakeball"
        KEY_SETTING = "FAKEBALL_KEY"
        BASE_URL = "https://api.fakeball.invalid"
        STATUSES = {"playing": "LIVE", "done": "FINISHED"}
        PERIODS = {"playing": 1, "done": 2}
    ''',
    "parser.py": '''
        """Pure parser: a fakeball /games response in, match snapshots out."""
        from ingest.domain import MatchSnapshot, Team
        from . import spec

        def parse_games(payload):
            snapshots = []
            for game in payload["games"]:
                snapshots.append(MatchSnapshot(
                    provider=spec.PROVIDER, provider_match_id=str(game["id"]),
                    status=spec.STATUSES[game["state"]], provider_status=game["state"],
                    home=Team(game["home"]["id"], game["home"]["name"]),
                    away=Team(game["away"]["id"], game["away"]["name"]),
                    period=spec.PERIODS[game["state"]], minute=game["minute"], added_time=0,
                    home_score=game["score"][0], away_score=game["score"][1]))
            return snapshots, []
    ''',
    "client.py": '''
        """Thin HTTP client of fakeball."""
        from ingest.polling.budget import RequestBudget
        from ingest.polling.http import JsonClient
        from . import spec

        def make_client(session, api_key, base_url):
            return JsonClient(spec.PROVIDER, session, base_url, {"x-key": api_key}, RequestBudget(per_minute=None))
    ''',
    "source.py": '''
        """Fakeball as a live source, and its registration."""
        from dataclasses import dataclass
        from ingest.polling.http import JsonClient
        from ingest.polling.registry import LiveProvider
        from . import client as client_api, parser, spec

        @dataclass
        class FakeballSource:
            client: JsonClient
            provider: str = spec.PROVIDER

            def fetch(self, known):
                return parser.parse_games(self.client.get("/games"))

        PROVIDER = LiveProvider(
            name=spec.PROVIDER, key_setting=spec.KEY_SETTING, key_hint="your fakeball key",
            plan=lambda env: {"base_url": spec.BASE_URL},
            make_source=lambda session, settings, competitions, fixtures: FakeballSource(
                client_api.make_client(session, settings.api_key, settings.base_url)),
        )
    ''',
}

GAME = {"id": 7, "state": "playing", "minute": 12, "score": [0, 0],
        "home": {"id": 1, "name": "Home FC"}, "away": {"id": 2, "name": "Away FC"}}


@pytest.fixture
def fakeball(tmp_path, monkeypatch):
    folder = tmp_path / "fakeball"
    folder.mkdir()
    for name, text in FOLDER.items():
        (folder / name).write_text(textwrap.dedent(text))
    # A second folder of providers, as if fakeball/ had been added to ingest/providers/.
    monkeypatch.setattr(ingest.providers, "__path__", [*ingest.providers.__path__, str(tmp_path)])
    yield "fakeball"
    for name in [m for m in sys.modules if m.startswith("ingest.providers.fakeball")]:
        del sys.modules[name]


def test_the_registry_finds_the_recorded_and_live_providers_of_the_repository():
    assert set(live_providers()) == {"football-data", "api-football"}


def test_a_provider_folder_is_all_the_poll_command_needs(fakeball):
    assert fakeball in live_providers()
    with pytest.raises(ConfigError, match="FAKEBALL_KEY is not set: set it to your fakeball key"):
        PollSettings.from_env(fakeball, {})
    with ProvidersServer() as server:
        settings = PollSettings.from_env(fakeball, {"FAKEBALL_KEY": "k"}, base_url=server.url)
        server.script("/games", [{"body": {"games": [GAME]}},
                                 {"body": {"games": [{**GAME, "minute": 23, "score": [1, 0]}]}}])
        sent: list[tuple[str, dict]] = []

        class Sink:
            def send(self, contract, key, value):
                sent.append((contract, value))
                return True

            def dead_letter(self, contract, key, payload, reason):
                raise AssertionError(reason)

        args = argparse.Namespace(competitions="", fixtures="")
        poller = build_poller(args, Sink(), settings)
        poller.poll_once()
        poller.poll_once()
    assert [contracts.violation(contract, value) for contract, value in sent] == [None] * len(sent)
    goals = [value for contract, value in sent if contract == "match-events" and value["event_type"] == "GOAL"]
    assert [(g["team_name"], g["home_score"], g["away_score"]) for g in goals] == [("Home FC", 1, 0)]
    assert {value["status"] for contract, value in sent if contract == "live-matches"} == {"LIVE"}
