"""Deploy the flow definition into a running NiFi: replace any earlier copy, fill the parameter
context from the settings, and start it. Running it again gives the same flow (idempotent)."""

from __future__ import annotations

import copy
import json
import shutil
import time
from pathlib import Path
from typing import Any

from nifi import NiFiError, definition
from nifi.client import NiFiClient
from nifi.settings import FlowSettings

# What the stack's one user needs on the root group to build, run and inspect flows; NiFi gives
# the initial administrator the tenants and policies only.
ROOT_POLICIES = (("read", "/process-groups/{root}"), ("write", "/process-groups/{root}"),
                 ("read", "/data/process-groups/{root}"), ("write", "/data/process-groups/{root}"),
                 ("write", "/operation/process-groups/{root}"), ("read", "/provenance-data/process-groups/{root}"),
                 ("read", "/provenance"), ("read", "/system"), ("read", "/counters"), ("write", "/counters"),
                 ("read", "/flow"), ("write", "/restricted-components"))


def grant_root(client: NiFiClient) -> None:
    """Give the logged-in user the root group's policies (once; kept when present)."""
    root = client.root_id()
    me = client.get("/flow/current-user")["identity"]
    users = client.get("/tenants/users")["users"]
    user = next(u for u in users if u["component"]["identity"] == me)
    for action, template in ROOT_POLICIES:
        resource = template.format(root=root)
        try:
            policy = client.get(f"/policies/{action}{resource}")
        except NiFiError:
            policy = None
        if policy and policy["component"]["resource"] == resource:
            if any(u["id"] == user["id"] for u in policy["component"].get("users", [])):
                continue
            component = policy["component"]
            component["users"] = [*component.get("users", []), {"id": user["id"]}]
            client.put(f"/policies/{component['id']}", {"revision": policy["revision"], "component": component})
            continue
        client.post("/policies", {"revision": {"version": 0, "clientId": client.client_id},
                                  "component": {"action": action, "resource": resource, "users": [{"id": user["id"]}],
                                                "userGroups": []}})


def find_group(client: NiFiClient, name: str = definition.FLOW_NAME) -> dict[str, Any] | None:
    groups = client.get(f"/process-groups/{client.root_id()}/process-groups")["processGroups"]
    return next((g for g in groups if g["component"]["name"] == name), None)


def undeploy(client: NiFiClient) -> bool:
    """Stop and remove the flow and its parameter context; False when there was none."""
    group = find_group(client)
    if group is not None:
        group_id = group["id"]
        client.put(f"/flow/process-groups/{group_id}", {"id": group_id, "state": "STOPPED"})
        client.wait(lambda: all(p["status"]["runStatus"] != "Running" or p["status"]["aggregateSnapshot"]["activeThreadCount"] == 0
                                for p in _processors(client, group_id)) and _no_threads(client, group_id),
                    "stop the flow's processors", 60)
        client.put(f"/flow/process-groups/{group_id}/controller-services", {"id": group_id, "state": "DISABLED"})
        client.wait(lambda: all(s["component"]["state"] == "DISABLED" for s in _services(client, group_id)),
                    "disable the flow's controller services", 60)
        request = client.post(f"/process-groups/{group_id}/empty-all-connections-requests", {})["dropRequest"]
        client.wait(lambda: client.get(f"/process-groups/{group_id}/empty-all-connections-requests/{request['id']}")["dropRequest"]["finished"],
                    "empty the flow's queues", 60)
        client.delete(f"/process-groups/{group_id}/empty-all-connections-requests/{request['id']}")
        current = client.get(f"/process-groups/{group_id}")
        client.delete(f"/process-groups/{group_id}", version=current["revision"]["version"], clientId=client.client_id)
    for context in client.get("/flow/parameter-contexts")["parameterContexts"]:
        if context["component"]["name"] == definition.PARAMETER_CONTEXT:
            client.delete(f"/parameter-contexts/{context['id']}", version=context["revision"]["version"],
                          clientId=client.client_id)
    return group is not None


def _processors(client: NiFiClient, group_id: str) -> list[dict[str, Any]]:
    return client.get(f"/process-groups/{group_id}/processors")["processors"]


def _services(client: NiFiClient, group_id: str) -> list[dict[str, Any]]:
    return client.get(f"/flow/process-groups/{group_id}/controller-services",
                      includeAncestorGroups="false")["controllerServices"]


def _no_threads(client: NiFiClient, group_id: str) -> bool:
    return client.get(f"/flow/process-groups/{group_id}/status")["processGroupStatus"]["aggregateSnapshot"]["activeThreadCount"] == 0


def java_cacerts() -> Path:
    """The JDK's own CA bundle: what a managed cluster's public CA (Confluent Cloud) is trusted by."""
    java = shutil.which("java")
    if not java:
        raise NiFiError("No Java found to take the CA bundle from: set KAFKA_SSL_CA_LOCATION to the brokers' CA (PEM).")
    return Path(java).resolve().parent.parent / "lib" / "security" / "cacerts"


def parameters(settings: FlowSettings) -> dict[str, str]:
    values = {
        "provider_base_url": settings.base_url,
        "football_data_api_key": settings.api_key,
        "competitions": settings.competitions,
        "poll_interval": f"{settings.poll_seconds:g} sec",
        "raw_archive_dir": settings.raw_archive_dir,
        "kafka_bootstrap_servers": settings.kafka.bootstrap_servers,
        "kafka_security_protocol": settings.kafka.security_protocol,
        # PublishKafka asks PLAIN for a user even over PLAINTEXT; GSSAPI is ignored there.
        "kafka_sasl_mechanism": (settings.kafka.sasl_mechanism or "PLAIN") if settings.kafka.security_protocol == "SASL_SSL" else "GSSAPI",
        "kafka_sasl_username": settings.kafka.sasl_username,
        "kafka_sasl_password": settings.kafka.sasl_password,
        "kafka_topic_live_matches": settings.kafka.topics.live_matches,
        "kafka_topic_dead_letters": settings.kafka.topics.dead_letters,
        "kafka_truststore": "",
        "kafka_truststore_type": "PKCS12",
        "kafka_truststore_password": "",
    }
    if settings.kafka.security_protocol == "SASL_SSL":
        if settings.kafka.ssl_ca_location:
            from stack import nifi as stack_nifi

            path, password = stack_nifi.kafka_truststore(Path(settings.kafka.ssl_ca_location))
            values |= {"kafka_truststore": str(path), "kafka_truststore_password": password}
        else:
            values |= {"kafka_truststore": str(java_cacerts()), "kafka_truststore_password": "changeit"}
    return values


def prepared(settings: FlowSettings, path: Path = definition.DEFINITION) -> dict[str, Any]:
    """The committed definition with the settings' parameters, poll interval and TLS wiring."""
    if not path.exists():
        raise NiFiError(f"The flow definition {path} is missing: restore it from git.")
    flow = copy.deepcopy(json.loads(path.read_text()))
    context = flow["parameterContexts"][definition.PARAMETER_CONTEXT]
    values = parameters(settings)
    for parameter in context["parameters"]:
        parameter["value"] = values[parameter["name"]] or None
    group = flow["flowContents"]
    service = next(s for s in group["controllerServices"] if s["name"] == definition.SSL_SERVICE)
    for processor in group["processors"]:
        if processor["name"] == definition.POLL_PROCESSOR:
            # NiFi 1.18 takes no parameter in a run schedule: the setting goes in directly.
            processor["schedulingPeriod"] = f"{settings.poll_seconds:g} sec"
        if processor["type"].endswith("PublishKafka_2_6"):
            if settings.kafka.security_protocol == "SASL_SSL":
                processor["properties"]["ssl.context.service"] = service["identifier"]
            else:
                processor["properties"].pop("ssl.context.service", None)
    return flow


def deploy(client: NiFiClient, settings: FlowSettings, start: bool = True) -> str:
    """Replace the flow with the committed definition and start it; returns the group's id."""
    grant_root(client)
    undeploy(client)
    flow = prepared(settings)
    root = client.root_id()
    response = client.session.post(
        f"{client.url}/nifi-api/process-groups/{root}/process-groups/upload", verify=client.verify, timeout=60,
        data={"groupName": definition.FLOW_NAME, "positionX": "0", "positionY": "0", "clientId": client.client_id},
        files={"file": ("flow.json", json.dumps(flow), "application/json")})
    client._check(response, "POST", "/process-groups/upload")
    group_id = response.json()["id"]
    _set_sensitive_values(client, group_id, settings)
    if settings.kafka.security_protocol == "SASL_SSL":
        client.put(f"/flow/process-groups/{group_id}/controller-services", {"id": group_id, "state": "ENABLED"})
        client.wait(lambda: all(s["component"]["state"] == "ENABLED" for s in _services(client, group_id)),
                    "enable the Kafka truststore (check KAFKA_SSL_CA_LOCATION)", 60)
    invalid = [f"{p['component']['name']}: {'; '.join(p['component'].get('validationErrors') or [])}"
               for p in _processors(client, group_id) if p["component"].get("validationStatus") == "INVALID"]
    if invalid:
        raise NiFiError("The deployed flow has invalid processors:\n" + "\n".join(invalid))
    if start:
        client.put(f"/flow/process-groups/{group_id}", {"id": group_id, "state": "RUNNING"})
    return group_id


def _set_sensitive_values(client: NiFiClient, group_id: str, settings: FlowSettings) -> None:
    """Sensitive parameters through an update request: an imported definition carries none."""
    context_id = client.get(f"/process-groups/{group_id}")["component"]["parameterContext"]["id"]
    context = client.get(f"/parameter-contexts/{context_id}")
    values = parameters(settings)
    sensitive = [{"parameter": {"name": p["parameter"]["name"], "sensitive": True,
                                "value": values[p["parameter"]["name"]] or None}}
                 for p in context["component"]["parameters"] if p["parameter"]["sensitive"]]
    body = {"revision": context["revision"], "id": context_id,
            "component": {"id": context_id, "name": context["component"]["name"], "parameters": sensitive}}
    request = client.post(f"/parameter-contexts/{context_id}/update-requests", body)["request"]
    done = client.wait(lambda: (lambda r: r if r["request"]["complete"] else None)(
        client.get(f"/parameter-contexts/{context_id}/update-requests/{request['requestId']}")),
        "apply the flow's sensitive parameters", 60)
    client.delete(f"/parameter-contexts/{context_id}/update-requests/{request['requestId']}")
    if done["request"].get("failureReason"):
        raise NiFiError(f"NiFi could not set the flow's sensitive parameters: {done['request']['failureReason']}")


def export(client: NiFiClient) -> dict[str, Any]:
    """The deployed flow as NiFi exports it ("Download flow definition")."""
    group = find_group(client)
    if group is None:
        raise NiFiError(f"No flow named {definition.FLOW_NAME!r} is deployed: run `python -m nifi deploy` first.")
    return client.get(f"/process-groups/{group['id']}/download")


def wait_running(client: NiFiClient, timeout: float = 60) -> None:
    group = find_group(client)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if group and all(p["component"]["state"] == "RUNNING" for p in _processors(client, group["id"])):
            return
        time.sleep(0.5)
    raise NiFiError("The flow's processors did not all start: see the bulletins in the NiFi UI.")
