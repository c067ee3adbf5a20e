"""Kafka topics of a test's (or a test module's) own, created on demand and deleted after it."""

from __future__ import annotations

import uuid
from contextlib import contextmanager


@contextmanager
def topic_factory(kafka_config: dict[str, str], prefix: str):
    """Yields `create(base, partitions=1)`, which makes the topic `<prefix>-<base>-<random>`; every
    topic made is deleted when the block ends."""
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient(kafka_config)
    created: list[str] = []

    def create(base: str = "topic", partitions: int = 1) -> str:
        name = f"{prefix}-{base}-{uuid.uuid4().hex[:8]}"
        for future in admin.create_topics([NewTopic(name, partitions, 1)]).values():
            future.result(timeout=30)
        created.append(name)
        return name

    try:
        yield create
    finally:
        if created:
            for future in admin.delete_topics(created).values():
                future.result(timeout=30)
