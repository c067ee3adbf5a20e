"""Secrets never show: a small run of every command (stack status, a replay, the Spark landing
job, the pollers, and misconfigured runs that fail), with distinctive secret values, leaves none
of them in any output or log file."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

sys.path.insert(0, str(Path(__file__).parent / "streaming"))  # the `pipeline` helpers
from pipeline import Pipeline  # noqa: E402

from tests.providers_server import ProvidersServer  # noqa: E402
from webhook_receiver import Receiver  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parent.parent
STACK_DIR = Path(os.environ.get("MATCHDAY_STACK_DIR") or ROOT / ".stack")
MATCH = 7558  # Uruguay 3-0 Russia, World Cup 2018 (bundled)


def distinctive(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex}"


@pytest.fixture
def writer_with_secret_password():
    """A login role with a distinctive password that acts as the pipeline's writer (its session
    role is the writer, so whatever it creates belongs to the writer); dropped after the test."""
    from stack.postgres import admin_connection
    from stack.settings import Settings

    settings = Settings.from_env().postgres
    role, password = f"secret_probe_{uuid.uuid4().hex[:8]}", distinctive("pg-password")
    conn = admin_connection(settings, "postgres")
    with conn.cursor() as cur:
        cur.execute("SET log_min_error_statement = panic")
        cur.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s IN ROLE {}").format(sql.Identifier(role), sql.Identifier(settings.user)), (password,))
        cur.execute(sql.SQL("ALTER ROLE {} SET role = {}").format(sql.Identifier(role), sql.Identifier(settings.user)))
    yield role, password
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    conn.close()


def log_files(*extra: Path) -> list[Path]:
    """Every log file of the stack (Kafka's topic data, also named *.log, is no log) and of dbt."""
    found = [p for p in STACK_DIR.rglob("*.log") if (STACK_DIR / "kafka" / "data") not in p.parents]
    found += [p for p in (ROOT / "logs").rglob("*") if p.is_file()]
    found += [p for folder in extra for p in folder.rglob("*") if p.is_file() and p.suffix in (".log", ".txt")]
    return found


def test_no_secret_in_any_output_or_log(new_topic, tmp_path, pg_conn, sasl_ssl_env, writer_with_secret_password):
    role, pg_password = writer_with_secret_password
    secrets = {
        "KAFKA_SASL_PASSWORD": sasl_ssl_env["KAFKA_SASL_PASSWORD"],
        "a wrong KAFKA_SASL_PASSWORD": distinctive("wrong-kafka-password"),
        "POSTGRES_PASSWORD": pg_password,
        "a wrong POSTGRES_PASSWORD": distinctive("wrong-pg-password"),
        "SUPERSET_ADMIN_PASSWORD": distinctive("superset-admin-password"),
        "SUPERSET_ANALYST_PASSWORD": distinctive("superset-analyst-password"),
        "SUPERSET_SECRET_KEY": distinctive("superset-secret-key"),
        "FOOTBALL_DATA_API_KEY": distinctive("football-data-key"),
        "API_FOOTBALL_KEY": distinctive("api-football-key"),
        "ALERTS_WEBHOOK_URL's secret path": distinctive("webhook-path"),
    }
    # Superset's own generated secrets, when this stack runs it.
    for name in ("admin_password", "analyst_password", "secret_key"):
        generated = STACK_DIR / "superset" / name
        if generated.exists():
            secrets[f"the generated Superset {name}"] = generated.read_text().strip()

    pipeline = Pipeline(new_topic, tmp_path, pg_conn)
    try:
        env = pipeline.env | sasl_ssl_env | {
            "POSTGRES_USER": role, "POSTGRES_PASSWORD": pg_password,
            **{name: secrets[name] for name in ("SUPERSET_ADMIN_PASSWORD", "SUPERSET_ANALYST_PASSWORD", "SUPERSET_SECRET_KEY",
                                                   "FOOTBALL_DATA_API_KEY", "API_FOOTBALL_KEY")},
        }
        outputs: list[str] = []

        def run(*command: str, expect_ok: bool | None = True, **changes: str) -> str:
            """Run `python -m <command>`; expect_ok None: whether it fails does not matter here."""
            done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, env=env | changes,
                                  capture_output=True, text=True, timeout=900)
            outputs.append(done.stdout + done.stderr)
            if expect_ok is not None:
                assert (done.returncode == 0) == expect_ok, f"{command}: {done.returncode}\n{done.stderr[-3000:]}"
            return done.stdout + done.stderr

        topic_args = [f"--topic-{name.replace('_', '-')}={topic}" for name, topic in pipeline.topics.items()]
        topic_args.append(f"--topic-dead-letters={pipeline.dead_letter_topic}")

        assert "kafka     healthy" in run("stack", "status", expect_ok=None)
        run("ingest", "replay", "--match-ids", str(MATCH), "--speed", "0", "--quiet", *topic_args)
        run("streaming", "run", "--available-now")
        assert sum(pipeline.counts_per_match("match_events").values()) > 0  # it did land, as the secret role
        with ProvidersServer() as server:
            run("ingest", "poll", "--provider", "football-data", "--competitions", "WC", "--base-url", server.url, "--once", *topic_args)
            run("ingest", "poll", "--provider", "api-football", "--competitions", "4", "--base-url", server.url, "--once", *topic_args)
            # A provider that refuses the key.
            server.script("/fixtures?live=all", [{"status": 403, "body": {"message": "Your key is not valid"}}])
            print(run("ingest", "poll", "--provider", "api-football", "--base-url", server.url, "--once", *topic_args, expect_ok=None))
        # Alerts of the landed match go to a webhook whose path is its secret, as Slack's and Discord's are.
        with Receiver() as receiver:
            webhook = receiver.url.rsplit("/", 1)[0] + "/" + secrets["ALERTS_WEBHOOK_URL's secret path"]
            run("streaming", "alerts", "--until-idle", "5", ALERTS_WEBHOOK_URL=webhook,
                ALERTS_CONSUMER_GROUP=f"secrets-{uuid.uuid4().hex[:8]}")
            assert receiver.accepted_texts()  # the goals of the match were sent to it
        # Misconfigurations: each fails, naming the setting, never showing the value.
        wrong_kafka = {"KAFKA_SASL_PASSWORD": secrets["a wrong KAFKA_SASL_PASSWORD"]}
        wrong_pg = {"POSTGRES_PASSWORD": secrets["a wrong POSTGRES_PASSWORD"]}
        assert "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD" in run("stack", "status", expect_ok=False, **wrong_kafka)
        assert "set POSTGRES_PASSWORD" in run("stack", "status", expect_ok=False, **wrong_pg)
        assert "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD" in run("ingest", "replay", "--match-ids", str(MATCH), "--quiet", *topic_args, expect_ok=False, **wrong_kafka)
        assert "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD" in run("streaming", "run", "--available-now", expect_ok=False, **wrong_kafka)
        assert "POSTGRES_PASSWORD" in run("streaming", "migrate", expect_ok=False, **wrong_pg)

        files = log_files(tmp_path)
        assert STACK_DIR / "kafka" / "broker.log" in files and STACK_DIR / "postgres" / "postgres.log" in files
        texts = {"the commands' output": "\n".join(outputs)} | {str(p): p.read_text(errors="replace") for p in files}
        leaks = [f"{name} in {where}" for where, text in texts.items() for name, value in secrets.items() if value in text]
        assert leaks == []
    finally:
        pipeline.drop_tables()



def test_no_secret_in_the_repr_of_any_settings():
    """A settings object printed in a log line or a traceback shows no secret."""
    from ingest.polling.settings import PollSettings
    from ingest.settings import KafkaSettings as IngestKafka
    from stack.settings import Settings as StackSettings
    from stack.superset import SupersetSettings
    from streaming.alerts.settings import AlertsSettings
    from streaming.settings import Settings as StreamingSettings

    secrets = {name: distinctive(name.lower()) for name in (
        "KAFKA_SASL_PASSWORD", "KAFKA_LOCAL_SASL_PASSWORD", "POSTGRES_PASSWORD", "POSTGRES_ANALYST_PASSWORD",
        "POSTGRES_SUPERSET_PASSWORD", "POSTGRES_ADMIN_PASSWORD", "SUPERSET_ADMIN_PASSWORD", "SUPERSET_SECRET_KEY",
        "FOOTBALL_DATA_API_KEY", "API_FOOTBALL_KEY", "ALERTS_WEBHOOK_URL")}
    env = {"KAFKA_BOOTSTRAP_SERVERS": "pkc-xxxxx.europe-west1.gcp.confluent.cloud:9092", "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
           "KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "api-key", **secrets,
           "ALERTS_WEBHOOK_URL": "https://hooks.slack.com/services/" + secrets["ALERTS_WEBHOOK_URL"]}
    shown = [repr(IngestKafka.from_env(env)), repr(StackSettings.from_env(env)), repr(StreamingSettings.from_env(env)),
             repr(SupersetSettings.from_env(env)), repr(PollSettings.from_env("football-data", env)),
             repr(PollSettings.from_env("api-football", env)), repr(AlertsSettings.from_env(env))]
    assert "api-key" in shown[0]  # the representations do show the settings that are not secret
    assert [name for name, value in secrets.items() if any(value in text for text in shown)] == []
