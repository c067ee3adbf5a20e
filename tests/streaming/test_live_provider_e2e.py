"""A followed API-Football fixture end to end: a local server replaying the real `fixtures?ids=`
item of Real Sociedad 1-4 Barcelona (2022-08-21) -> `python -m ingest poll` -> Kafka -> the
landing job -> dbt, side by side with a replayed StatsBomb match recorded as version 1 of the
stats contracts (the poller sends version 2).

Expected figures are the provider's own, read from the response with the rule of
ingest/contracts/README.md (a statistic the provider lists as null counts 0; `passes.accuracy`
is the number of accurate passes), never from the code under test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dbt_run import dbt, drop_marts
from tests.providers_server import ProvidersServer

ROOT = Path(__file__).resolve().parents[2]
ITEM = ROOT / "tests" / "data" / "api-football" / "v3_fixtures_id_877957_RealSociedad-Barcelona_2022-08-21.json"
MATCH = "api-football:877957"

pytestmark = [pytest.mark.e2e, pytest.mark.shared_data]


def provider_players(item: dict) -> dict[int, tuple]:
    """player id -> (minutes, goals, assists, shots, on target, passes, accurate passes, yellow, red)."""
    out = {}
    for team in item["players"]:
        for entry in team["players"]:
            s = entry["statistics"][0]
            if not s["games"]["minutes"]:
                continue
            count = lambda value: int(value or 0)  # noqa: E731 (null = nothing recorded)
            out[entry["player"]["id"]] = (
                s["games"]["minutes"], count(s["goals"]["total"]), count(s["goals"]["assists"]),
                count(s["shots"]["total"]), count(s["shots"]["on"]), count(s["passes"]["total"]),
                count(s["passes"]["accuracy"]), s["cards"]["yellow"], s["cards"]["red"])
    return out


def test_a_followed_fixture_lands_with_the_providers_statistics_and_every_dbt_test_passes(
        pipeline, tmp_path, dbt_seeds, kafka_config, russia_saudi_messages):
    from confluent_kafka import Producer

    (item,) = json.loads(ITEM.read_text())
    envelope = {"get": "fixtures", "parameters": {"ids": "877957"}, "errors": [], "results": 1,
                "paging": {"current": 1, "total": 1}, "response": [item]}
    env = {**pipeline.env, "API_FOOTBALL_KEY": "local-test-key", "POLL_STATE_DIR": str(tmp_path / "poll-state")}
    marts = ("scoreboard", "match_timeline", "shot_xg", "player_performance", "fantasy_points", "team_momentum",
             "team_match_stats", "team_ratings", "win_probability")
    with ProvidersServer() as server:
        server.script("/fixtures?ids=877957", [{"body": envelope}])
        for _ in range(2):  # the second poll of the same response adds nothing
            done = subprocess.run([sys.executable, "-m", "ingest", "poll", "--provider", "api-football",
                                   "--fixtures", "877957", "--base-url", server.url, "--once"],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
        assert server.count("/fixtures") == 2
    # Russia 5-0 Saudi Arabia as the replay sent it before version 2: every figure a number.
    assert {m["value"]["schema_version"] for m in russia_saudi_messages} == {1}
    producer = Producer(kafka_config)
    for message in russia_saudi_messages:
        producer.produce(pipeline.topics[message["topic"].replace("-", "_")], json.dumps(message["value"]),
                         key=message["value"]["match_id"])
    producer.flush(30)
    pipeline.run_available_now()
    try:
        counts = {name: pipeline.rows(f"select count(*) from {pipeline.table(name)} where match_id = %s", MATCH)[0][0]
                  for name in ("player_live_stats", "team_live_stats")}
        expected = provider_players(item)
        assert counts == {"player_live_stats": len(expected), "team_live_stats": 2}
        versions = pipeline.rows("select provider, schema_version, count(*) from {team_live_stats} group by 1, 2 order by 1")
        assert [(provider, version) for provider, version, _ in versions] == [("api-football", 2), ("statsbomb", 1)]

        dbt(pipeline.prefix, "build", "--quiet", "--exclude", "resource_type:seed")

        shown = {row[0]: tuple(row[1:]) for row in pipeline.rows(
            f"select player_id, minutes_played, goals, assists, shots, shots_on_target, passes, passes_completed,"
            f" yellow_cards, red_cards from marts.{pipeline.prefix}player_performance where match_id = %s", MATCH)}
        assert shown == expected
        # Figures the provider does not measure are null, never 0; the row says where it came from.
        assert pipeline.rows(f"select distinct provider, xg, model_xg from marts.{pipeline.prefix}player_performance"
                             f" where match_id = %s", MATCH) == [("api-football", None, None)]
        # The team figures as the provider lists them (Real Sociedad: "Total Shots" 10, "Shots on
        # Goal" 5, "Ball Possession" "41%", "Total passes" 380, "Passes accurate" 311, "Corner Kicks" 3,
        # "Fouls" 15, "Offsides" 5, "Yellow Cards" 2, "Red Cards" null), tackles and xG not measured.
        teams = pipeline.rows(f"select team, goals, shots, shots_on_target, possession, passes, passes_completed, corners,"
                              f" fouls, offsides, yellow_cards, red_cards, tackles, xg, provider, is_final"
                              f" from marts.{pipeline.prefix}team_match_stats where match_id = %s order by team_side desc", MATCH)
        expected_teams = []
        for side in item["statistics"]:
            figure = {s["type"]: s["value"] for s in side["statistics"]}
            goals = item["goals"]["home" if side["team"]["id"] == item["teams"]["home"]["id"] else "away"]
            expected_teams.append((side["team"]["name"], goals, figure["Total Shots"], figure["Shots on Goal"],
                                   float(figure["Ball Possession"].rstrip("%")), figure["Total passes"],
                                   figure["Passes accurate"], figure["Corner Kicks"], figure["Fouls"], figure["Offsides"],
                                   figure["Yellow Cards"], figure["Red Cards"] or 0, None, None, "api-football", True))
        assert teams == expected_teams
        # Goals scored per player in the provider's statistics equal the match score, 1-4.
        assert sum(v[1] for v in expected.values()) == 5
        positions = dict(pipeline.rows(f"select player_id, position from marts.{pipeline.prefix}fantasy_points"
                                       f" where match_id = %s", MATCH))
        lineup = {p["player"]["id"]: p["player"]["pos"] for side in item["lineups"]
                  for p in (*side["startXI"], *side["substitutes"])}
        fpl = {"G": "GKP", "D": "DEF", "M": "MID", "F": "FWD"}
        assert positions == {player: fpl[lineup[player]] for player in expected}
        assert pipeline.rows(f"select count(*) from marts.{pipeline.prefix}team_momentum where match_id = %s"
                             f" and momentum_index is null", MATCH) == [(0,)]
        # Momentum from the provider's team statistics (the events have no shots or passes): the
        # windows' shots and passes add up to its final "Total Shots" and "Total passes"; xG,
        # attacking actions and pressures, which it does not give, are null in every window.
        momentum = pipeline.rows(f"select team, sum(shots), sum(passes), count(xg), count(attacking_actions),"
                                 f" count(pressures), count(shots) = count(*) from marts.{pipeline.prefix}team_momentum"
                                 f" where match_id = %s group by team order by team", MATCH)
        assert momentum == sorted((team, shots, passes, 0, 0, 0, True)
                                  for team, _, shots, _, _, passes, *_ in expected_teams)
        # The defensive contribution counts the provider's tackles and interceptions (null = none).
        defence = dict(pipeline.rows(f"select player_id, clearances_blocks_interceptions_tackles"
                                     f" from marts.{pipeline.prefix}fantasy_points where match_id = %s", MATCH))
        tackled = {entry["player"]["id"]: int(entry["statistics"][0]["tackles"]["total"] or 0)
                   + int(entry["statistics"][0]["tackles"]["interceptions"] or 0)
                   for team in item["players"] for entry in team["players"]}
        assert defence == {player: tackled[player] for player in expected}
        assert sum(defence.values()) > 0
    finally:
        drop_marts(pipeline.pg, pipeline.prefix, marts)
