"""docker-compose.yml, which no test can start (CI has no Docker engine): it follows the Compose
Specification, and the README's Docker section says what it starts and how to use it.

The schema is the Compose Specification's own JSON Schema (Apache-2.0), vendored unchanged in
tests/data/compose-spec/ from the PyPI package check-jsonschema 0.39.0; its README there says
where it comes from and how to update it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = ROOT / "tests" / "data" / "compose-spec" / "compose-spec.json"


def compose_errors(path: Path) -> list[str]:
    """Every rule of the Compose Specification that the file breaks, with where."""
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    document = yaml.safe_load(path.read_text())
    return [f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]


def docker_section() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("\n### Docker\n", 1)[1].split("\n## ", 1)[0]


def settings_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line))


def published(service: dict) -> dict[int, int]:
    """Host port -> container port of a service's `ports` (the short syntax the file uses)."""
    return {int(host): int(container) for host, container in (str(port).split(":")[-2:] for port in service["ports"])}


def test_the_compose_file_follows_the_compose_specification():
    assert compose_errors(COMPOSE) == []


@pytest.mark.parametrize("breakage", [
    pytest.param(lambda text: text.replace("    image: postgres:15", "    imagee: postgres:15"), id="unknown-service-key"),
    pytest.param(lambda text: text.replace('      - "5433:5432"', "      published: 5433"), id="ports-not-a-list"),
    pytest.param(lambda text: text.replace("services:", "service:"), id="unknown-top-level-key"),
    pytest.param(lambda text: text.replace("      KAFKA_NODE_ID: 1", "      KAFKA_NODE_ID: [1]"), id="environment-value-a-list"),
])
def test_a_broken_copy_of_the_compose_file_is_refused(tmp_path, breakage):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(breakage(COMPOSE.read_text()))
    assert broken.read_text() != COMPOSE.read_text()
    assert compose_errors(broken) != []


def test_the_readme_says_what_the_compose_file_starts():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert set(services) == {"kafka", "postgres"}
    section = docker_section()
    kafka_port = int(re.search(r"a Kafka broker \(PLAINTEXT on (\d+)\)", section)[1])
    postgres_port = int(re.search(r"PostgreSQL \(on (\d+)\)", section)[1])

    kafka = services["kafka"]
    assert published(kafka) == {kafka_port: kafka_port}
    assert kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://localhost:{kafka_port}"
    # "The compose broker has no SASL_SSL listener"
    assert "SASL" not in kafka["environment"]["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    assert published(services["postgres"]) == {postgres_port: 5432}

    # The ports the README names are the settings' defaults, so the stack finds both unchanged.
    example = settings_example()
    assert example["KAFKA_BOOTSTRAP_SERVERS"] == f"localhost:{kafka_port}"
    assert example["POSTGRES_PORT"] == str(postgres_port)


def test_the_readme_and_the_compose_file_give_the_same_command_and_it_fits():
    """`make up KAFKA_MODE=external ...` after `docker compose up -d`: the same line in both, its
    settings are documented ones, and its administrator password is the container's."""
    (command,) = re.findall(r"^make up .*$", docker_section(), re.MULTILINE)
    assert f"#   {command}\n" in COMPOSE.read_text()
    given = dict(part.split("=", 1) for part in command.split()[2:])
    assert set(given) <= set(settings_example())
    postgres = yaml.safe_load(COMPOSE.read_text())["services"]["postgres"]["environment"]
    assert given["POSTGRES_ADMIN_PASSWORD"] == postgres["POSTGRES_PASSWORD"]
    assert given.get("POSTGRES_ADMIN_USER", settings_example()["POSTGRES_ADMIN_USER"]) == postgres["POSTGRES_USER"]
    assert given["KAFKA_MODE"] == given["POSTGRES_MODE"] == "external"


def test_the_compose_broker_is_the_kafka_version_of_the_stack():
    pom = (ROOT / "stack" / "maven" / "kafka" / "pom.xml").read_text()
    version = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom)[1]
    assert yaml.safe_load(COMPOSE.read_text())["services"]["kafka"]["image"] == f"apache/kafka:{version}"
