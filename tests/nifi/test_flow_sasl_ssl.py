"""The same flow publishing through the local broker's SASL_SSL listener, as it would to Confluent
Cloud: StandardSSLContextService with a truststore converted from the stack's CA, SASL/PLAIN."""

from __future__ import annotations

import json
import time

import pytest

from ingest import contracts
from nifi import deploy as flow_deploy
from tests.kafka_reading import read_to_end
from tests.nifi.flows import flow_settings
from tests.providers_server import DATA, ProvidersServer

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.nifi]

WC_2022 = DATA / "football-data.org" / "v4_competitions_WC_matches_2022.json"
ROUTE = "/v4/matches?competitions=WC"


@pytest.fixture(scope="module")
def server():
    with ProvidersServer() as running:
        running.script(ROUTE, [{"file": str(WC_2022)}])
        yield running


def topics_of(module_topics, tag: str) -> dict[str, str]:
    return {"live_matches": module_topics(f"{tag}-live-matches", partitions=3), "dead_letters": module_topics(f"{tag}-dead-letters")}


def sasl(sasl_ssl_env, password: str | None = None) -> dict[str, str]:
    return {"bootstrap_servers": sasl_ssl_env["KAFKA_BOOTSTRAP_SERVERS"], "security_protocol": "SASL_SSL",
            "sasl_mechanism": "PLAIN", "sasl_username": sasl_ssl_env["KAFKA_SASL_USERNAME"],
            "sasl_password": password or sasl_ssl_env["KAFKA_SASL_PASSWORD"],
            "ssl_ca_location": sasl_ssl_env["KAFKA_SSL_CA_LOCATION"]}


def test_the_flow_publishes_through_the_sasl_ssl_listener(nifi_client, server, module_topics, sasl_ssl_env,
                                                           sasl_ssl_config, tmp_path, undeploy_after):
    topics = topics_of(module_topics, "ok")
    flow_deploy.deploy(nifi_client, flow_settings(server.url, topics, tmp_path, 30, **sasl(sasl_ssl_env)))
    deadline = time.monotonic() + 120
    while True:
        messages = read_to_end(sasl_ssl_config, topics["live_matches"])  # read back through 9094 too
        if len({m.key() for m in messages}) >= 64:
            break
        assert time.monotonic() < deadline, f"{len(messages)} messages through SASL_SSL after 120 s"
        time.sleep(1)
    for message in messages:
        value = json.loads(message.value())
        assert contracts.violation("live-matches", value) is None
        assert message.key().decode() == value["match_id"]


def test_a_wrong_password_is_a_bulletin_and_nothing_is_published(nifi_client, server, module_topics, sasl_ssl_env,
                                                                 kafka_config, tmp_path, undeploy_after):
    topics = topics_of(module_topics, "wrong")
    calls = server.count(ROUTE)
    group_id = flow_deploy.deploy(nifi_client, flow_settings(server.url, topics, tmp_path, 30,
                                                             **sasl(sasl_ssl_env, password="not-the-password")))
    deadline = time.monotonic() + 120
    while True:
        bulletins = nifi_client.get("/flow/bulletin-board", groupId=group_id, limit=50)["bulletinBoard"]["bulletins"]
        refused = [b["bulletin"] for b in bulletins
                   if b.get("bulletin", {}).get("sourceName") == "Publish live-matches"
                   and "Authentication failed" in b["bulletin"].get("message", "")]
        if refused and server.count(ROUTE) > calls:
            break
        assert time.monotonic() < deadline, [b.get("bulletin", {}).get("message") for b in bulletins]
        time.sleep(1)
    # Nothing reached either topic, and nothing was dropped: the messages wait in the flow's queues.
    assert read_to_end(kafka_config, topics["live_matches"]) == []
    assert read_to_end(kafka_config, topics["dead_letters"]) == []
    status = nifi_client.get(f"/flow/process-groups/{group_id}/status")["processGroupStatus"]["aggregateSnapshot"]
    assert status["flowFilesQueued"] >= 64
