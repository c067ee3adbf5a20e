"""Helpers of the NiFi flow's tests."""

from __future__ import annotations

from pathlib import Path

from nifi.settings import FlowSettings


def flow_settings(base_url: str, topics: dict[str, str], archive: Path, poll_seconds: float, **kafka) -> FlowSettings:
    return FlowSettings.from_env(
        api_key="local-test-key", base_url=base_url, competitions="WC", poll_seconds=poll_seconds,
        requests_per_minute=10, raw_archive_dir=str(archive), topic_live_matches=topics["live_matches"],
        topic_dead_letters=topics["dead_letters"], **kafka)
