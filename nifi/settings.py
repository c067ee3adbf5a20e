"""Typed settings of the NiFi flow, read from the environment (documented in .env.example);
an explicit argument of `python -m nifi deploy` wins over the environment."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from ingest.errors import ConfigError
from ingest.providers.football_data import spec
from ingest.settings import KafkaSettings
from nifi import NiFiConfigError

_KAFKA_FIELDS = {f.name for f in fields(KafkaSettings)} - {"topics"}

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class FlowSettings:
    """What the flow's parameter context is filled with. Secrets are never printed."""

    api_key: str = field(repr=False)
    base_url: str = spec.BASE_URL
    competitions: str = ""
    poll_seconds: float = 60.0
    requests_per_minute: int = spec.FREE_PLAN_PER_MINUTE
    raw_archive_dir: str = str(ROOT / ".stack" / "raw")
    # The brokers and topic names, as every package reads them (KAFKA_*, ingest.settings).
    kafka: KafkaSettings = KafkaSettings()

    @property
    def min_poll_seconds(self) -> float:
        """One call per poll: a poll every 60 / (calls a minute) seconds at most."""
        return 60.0 / self.requests_per_minute

    def check(self) -> "FlowSettings":
        if not self.api_key:
            raise NiFiConfigError(f"{spec.KEY_SETTING} is not set: set it to your football-data.org API token "
                                  "(free at https://www.football-data.org/client/register).")
        if self.poll_seconds < self.min_poll_seconds:
            raise NiFiConfigError(
                f"NIFI_POLL_SECONDS is {self.poll_seconds:g}, more often than FOOTBALL_DATA_REQUESTS_PER_MINUTE="
                f"{self.requests_per_minute} allows: set it to {math.ceil(self.min_poll_seconds)} or more.")
        if self.kafka.security_protocol not in ("PLAINTEXT", "SASL_SSL"):
            raise NiFiConfigError(f"The flow publishes with PLAINTEXT or SASL_SSL, not {self.kafka.security_protocol}: "
                                  "set KAFKA_SECURITY_PROTOCOL to one of them.")
        try:
            self.kafka.check()
        except ConfigError as error:
            raise NiFiConfigError(str(error)) from None
        if "://" in self.raw_archive_dir:
            raise NiFiConfigError(f"NiFi archives raw responses on a local filesystem, not {self.raw_archive_dir}: "
                                  "set NIFI_RAW_ARCHIVE_DIR to a local folder.")
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "FlowSettings":
        env = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return (env.get(name) or default).strip()

        seconds_text = get("NIFI_POLL_SECONDS", "60")
        try:
            seconds = float(seconds_text)
        except ValueError:
            raise NiFiConfigError(f"NIFI_POLL_SECONDS must be a number of seconds, not {seconds_text!r}: set it in .env.") from None
        per_minute_text = get("FOOTBALL_DATA_REQUESTS_PER_MINUTE", str(spec.FREE_PLAN_PER_MINUTE))
        if not per_minute_text.isdigit() or int(per_minute_text) <= 0:
            raise NiFiConfigError(f"FOOTBALL_DATA_REQUESTS_PER_MINUTE must be a positive whole number, not "
                                  f"{per_minute_text!r}: set it in .env.")
        archive = get("NIFI_RAW_ARCHIVE_DIR")
        if not archive:
            parquet = get("STREAMING_PARQUET_ROOT", ".stack/parquet")
            archive = parquet if "://" in parquet else str((ROOT / parquet).resolve().parent / "raw")
        elif "://" not in archive:
            archive = str((ROOT / archive).resolve())
        try:
            kafka = KafkaSettings.from_env(env)
        except ConfigError as error:
            raise NiFiConfigError(str(error)) from None
        given = {name: value for name, value in overrides.items() if value is not None}
        kafka = replace(kafka, **{name: given.pop(name) for name in list(given) if name in _KAFKA_FIELDS})
        kafka = kafka.with_topics(**{name.removeprefix("topic_"): given.pop(name)
                                     for name in ("topic_live_matches", "topic_dead_letters") if name in given})
        # PublishKafka needs a mechanism even unused; NiFi resolves a relative CA path from its own folder.
        kafka = replace(kafka, sasl_mechanism=kafka.sasl_mechanism or "PLAIN",
                        ssl_ca_location=str((ROOT / kafka.ssl_ca_location).resolve()) if kafka.ssl_ca_location else "")
        return replace(cls(
            api_key=get(spec.KEY_SETTING),
            base_url=get("NIFI_PROVIDER_BASE_URL", spec.BASE_URL).rstrip("/"),
            competitions=get("NIFI_COMPETITIONS"),
            poll_seconds=seconds,
            requests_per_minute=int(per_minute_text),
            raw_archive_dir=archive,
            kafka=kafka,
        ), **given).check()
