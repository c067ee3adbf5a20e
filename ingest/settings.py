"""Typed settings of the ingest package, read from environment variables (see .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Mapping

from ingest.errors import ConfigError

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")


@dataclass(frozen=True)
class Topics:
    """Kafka topic names, by contract."""

    live_matches: str = "live-matches"
    match_events: str = "match-events"
    player_live_stats: str = "player-live-stats"
    team_live_stats: str = "team-live-stats"
    dead_letters: str = "dead-letters"

    def for_contract(self, contract: str) -> str:
        return getattr(self, contract.replace("-", "_"))


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str = "localhost:9092"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)
    ssl_ca_location: str = ""
    topics: Topics = Topics()

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["sasl_password"] = "***" if self.sasl_password else ""
        return "KafkaSettings(" + ", ".join(f"{name}={value!r}" for name, value in shown.items()) + ")"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "KafkaSettings":
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return (env.get(name) or default).strip()

        settings = cls(
            bootstrap_servers=get("KAFKA_BOOTSTRAP_SERVERS", cls.bootstrap_servers),
            security_protocol=get("KAFKA_SECURITY_PROTOCOL", cls.security_protocol).upper(),
            sasl_mechanism=get("KAFKA_SASL_MECHANISM", ""),
            sasl_username=get("KAFKA_SASL_USERNAME", ""),
            sasl_password=env.get("KAFKA_SASL_PASSWORD", "") or "",
            ssl_ca_location=get("KAFKA_SSL_CA_LOCATION", ""),
            topics=Topics(
                live_matches=get("KAFKA_TOPIC_LIVE_MATCHES", Topics.live_matches),
                match_events=get("KAFKA_TOPIC_MATCH_EVENTS", Topics.match_events),
                player_live_stats=get("KAFKA_TOPIC_PLAYER_LIVE_STATS", Topics.player_live_stats),
                team_live_stats=get("KAFKA_TOPIC_TEAM_LIVE_STATS", Topics.team_live_stats),
                dead_letters=get("KAFKA_TOPIC_DEAD_LETTERS", Topics.dead_letters),
            ),
        )
        settings.check()
        return settings

    def with_topics(self, **names: str) -> "KafkaSettings":
        """A copy with some topic names replaced (an explicit argument wins over the environment)."""
        return replace(self, topics=replace(self.topics, **names))

    def check(self) -> None:
        if self.security_protocol not in SECURITY_PROTOCOLS:
            raise ConfigError(f"KAFKA_SECURITY_PROTOCOL is {self.security_protocol!r}: set it to one of {', '.join(SECURITY_PROTOCOLS)}.")
        if self.security_protocol.startswith("SASL") and not (self.sasl_mechanism and self.sasl_username and self.sasl_password):
            raise ConfigError("KAFKA_SECURITY_PROTOCOL is SASL: set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.")

    def client_config(self) -> dict[str, str]:
        """librdkafka settings for a client of these brokers."""
        config = {"bootstrap.servers": self.bootstrap_servers, "security.protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL"):
            config.update({"sasl.mechanism": self.sasl_mechanism, "sasl.username": self.sasl_username,
                           "sasl.password": self.sasl_password})
        if self.ssl_ca_location:
            config["ssl.ca.location"] = self.ssl_ca_location
        return config
