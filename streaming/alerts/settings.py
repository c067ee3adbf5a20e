"""Settings of `python -m streaming alerts`: the landing job's Kafka, PostgreSQL and topic settings,
plus ALERTS_WEBHOOK_URL and ALERTS_CONSUMER_GROUP (documented in `.env.example`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Mapping

from ..errors import AlertError
from ..settings import KafkaSettings, PostgresSettings, Settings


@dataclass(frozen=True)
class AlertsSettings:
    kafka: KafkaSettings
    postgres: PostgresSettings
    match_events_topic: str
    live_matches_topic: str
    table_prefix: str
    consumer_group: str = "matchday-alerts"
    # Empty: alerts are only logged. The URL's path holds the webhook's secret: never logged.
    webhook_url: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "AlertsSettings":
        env = os.environ if env is None else env
        base = Settings.from_env(env)
        group = (env.get("ALERTS_CONSUMER_GROUP") or "matchday-alerts").strip()
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,200}", group):
            raise AlertError(f"ALERTS_CONSUMER_GROUP must be letters, digits, '.', '_' or '-', not {group!r}: set it in .env.")
        return cls(
            kafka=base.kafka,
            postgres=base.postgres,
            match_events_topic=base.topics["match_events"],
            live_matches_topic=base.topics["live_matches"],
            table_prefix=base.table_prefix,
            consumer_group=group,
            webhook_url=(env.get("ALERTS_WEBHOOK_URL") or "").strip(),
        )

    def table(self, name: str) -> str:
        return f"streaming.{self.table_prefix}{name}"
