"""The stack's Kafka broker: topics exist with the seed's retention; messages keep keys and order."""

import os

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource

pytestmark = pytest.mark.integration

TOPIC_SETTINGS = (
    "KAFKA_TOPIC_LIVE_MATCHES",
    "KAFKA_TOPIC_MATCH_EVENTS",
    "KAFKA_TOPIC_PLAYER_LIVE_STATS",
    "KAFKA_TOPIC_TEAM_LIVE_STATS",
    "KAFKA_TOPIC_DEAD_LETTERS",
)


@pytest.mark.parametrize("setting", TOPIC_SETTINGS)
def test_topic_exists_with_24_hour_retention(kafka_config, setting):
    topic = os.environ[setting]
    admin = AdminClient(kafka_config)
    metadata = admin.list_topics(topic, timeout=10).topics[topic]
    assert metadata.error is None, f"{topic}: {metadata.error}"
    assert len(metadata.partitions) >= 1
    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    config = admin.describe_configs([resource])[resource].result(timeout=10)
    assert config["retention.ms"].value == str(24 * 3600 * 1000)


@pytest.mark.parametrize("setting", TOPIC_SETTINGS)
def test_roundtrip_keeps_keys_and_order_within_a_partition(kafka_config, new_topic, setting):
    # A topic of this test's own, shaped like the real one, so the real topics stay clean.
    topic = new_topic(os.environ[setting], partitions=3)
    sent = [(f"statsbomb:{match}".encode(), f"{match}-{seq}".encode()) for seq in range(20) for match in (3943077, 3869685, 7546)]
    producer = Producer(kafka_config | {"enable.idempotence": True, "acks": "all"})
    for key, value in sent:
        producer.produce(topic, key=key, value=value)
    assert producer.flush(30) == 0

    consumer = Consumer(kafka_config | {"group.id": f"{topic}-reader", "auto.offset.reset": "earliest"})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(3)])
    received = []
    while len(received) < len(sent):
        message = consumer.poll(10)
        assert message is not None, f"only {len(received)} of {len(sent)} messages came back"
        assert message.error() is None
        received.append((message.key(), message.value(), message.partition()))
    consumer.close()

    for key, _ in sent:
        per_key = [value for k, value, _ in received if k == key]
        assert per_key == [value for k, value in sent if k == key]
        assert len({partition for k, _, partition in received if k == key}) == 1
