"""Reading a Kafka topic back in tests, up to the end offsets it has when the read starts."""

from __future__ import annotations

import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition


def read_to_end(config: dict, topic: str, timeout: float = 60.0) -> list:
    """Every message of a topic, read up to its end offsets (the producer has finished).

    Partitions are assigned directly rather than through a consumer group: a first group
    join on a fresh broker can take longer than any idle wait, and would end the read early.
    """
    consumer = Consumer({**config, "group.id": f"test-{uuid.uuid4().hex}", "enable.auto.commit": False})
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    messages, positions = [], dict.fromkeys(partitions, 0)
    deadline = time.monotonic() + timeout
    try:
        while any(positions[p] < ends[p] for p in partitions):
            assert time.monotonic() < deadline, f"{topic}: read {len(messages)} messages, not up to {ends}"
            for message in consumer.consume(1000, timeout=0.5):
                assert message.error() is None, message.error()
                messages.append(message)
                positions[message.partition()] = message.offset() + 1
    finally:
        consumer.close()
    return messages
