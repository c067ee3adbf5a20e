"""Sends replayed or polled messages to Kafka: idempotent, acks=all, compressed, contract-checked.

A message that breaks its contract goes to the dead-letter topic with the reason in a header; a
valid message with schema drift (a new event type, extra fields) goes to its topic with a
`schema_drift` header saying what is new.
"""

from __future__ import annotations

import json
import signal
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import orjson
from confluent_kafka import KafkaError, Producer

from ingest import contracts, kafka_probe, schema_registry
from ingest.errors import BrokerRefusedError, BrokerUnreachableError, DeliveryError
from ingest.settings import KafkaSettings


# How long a message may wait for Kafka's acknowledgement, retries included (librdkafka's
# default, stated): a broker that is back within 5 minutes loses nothing.
DELIVERY_TIMEOUT_MS = 300_000
# Delivery reports are served (poll(0)) once every this many messages rather than after each: a
# poll costs about as much as a produce, and the reports wait in their queue meanwhile.
POLL_EVERY = 100
# How long the client holds a message to fill a batch (linger.ms). A live feed sends each message
# within 20 ms of its event; a replay at speed 0 is a bulk load, whose fuller batches (100 ms)
# halve the broker's work per message (measured: 8.0 -> 3.9 CPU-s for the 552,093 messages of
# 126 matches).
LIVE_LINGER_MS = 20
BULK_LINGER_MS = 100


def encode(value: dict[str, Any]) -> bytes:
    """A message as compact UTF-8 JSON, by orjson: the same document as
    `json.dumps(value, ensure_ascii=False, separators=(",", ":"))`, several times faster (a tiny
    float may be written without an exponent, NaN is written null). What orjson cannot write
    (an integer beyond 64 bits, a non-string key) the standard library writes, as before."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def check_broker(settings: KafkaSettings, timeout: float = 10.0) -> None:
    """Fail fast, with one sentence, when no broker answers at the bootstrap servers or one refuses us."""
    unusable = kafka_probe.probe(settings.client_config(), timeout)
    if unusable is not None:
        raise (BrokerRefusedError if unusable.refused else BrokerUnreachableError)(unusable.sentence)


@dataclass
class DeliveryReport:
    """Counts of what was sent, per topic, as Kafka confirmed it."""

    delivered: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    dead_lettered: Counter = field(default_factory=Counter)
    drifted: Counter = field(default_factory=Counter)  # sent with a schema_drift header
    errors: list[str] = field(default_factory=list)

    @property
    def total_delivered(self) -> int:
        return sum(self.delivered.values())


class MatchProducer:
    """Produces JSON messages keyed by match id to the topics of `settings`; with a schema registry
    (`settings.schema_registry_url`), in its wire format. Dead letters stay as they came."""

    def __init__(self, settings: KafkaSettings, *, name: str = "ingest.replay", linger_ms: int = LIVE_LINGER_MS,
                 compression: str = "lz4") -> None:
        self.settings = settings
        # Who produced a dead letter (its `producer` header): ingest.replay, ingest.poll.<provider>.
        self.name = name
        self.report = DeliveryReport()
        self._producer = Producer({
            **settings.client_config(),
            # A broker restart or a leader change is ridden out: the idempotent producer retries
            # (in order, without duplicates) until the delivery timeout, then reports a failure.
            "enable.idempotence": True,
            "acks": "all",
            "delivery.timeout.ms": DELIVERY_TIMEOUT_MS,
            "compression.type": compression,
            "linger.ms": linger_ms,
            "queue.buffering.max.messages": 200_000,
        })
        self.stopping = threading.Event()
        self._registry = schema_registry.SchemaRegistry(settings.schema_registry_url) if settings.schema_registry_url else None
        self._schema_ids: dict[str, int] = {}  # topic -> id of its contract in the registry
        # Kafka topic of each contract, looked up once rather than per message.
        self._topics = {contract: settings.topics.for_contract(contract) for contract in contracts.TOPICS}
        self._unpolled = 0  # messages produced since the last poll
        # Delivery reports are counted by group: `mark()` closes the open group and opens the next.
        # One callback per topic and group rather than one bound to each message's number: the
        # client's whole cost of a message fell from 4.9-7.4 to 3.0-3.1 µs of CPU (271,955 replayed
        # messages to the broker, measured alone).
        self._group_sizes: list[int] = []  # messages produced in each closed group
        self._group_reports: list[int] = [0]  # delivery reports of each group, the open one last
        self._settled_groups = 0  # every group below this one has all its reports
        self._group_opened_at = 0  # self.produced when the open group was opened
        self._callbacks: dict[str, Callable[[KafkaError | None, Any], None]] = {}  # topic -> open group's
        self.produced = 0  # messages handed to the client so far

    def _schema_id(self, contract: str, topic: str) -> int:
        """The registry's id of a contract under `<topic>-value`, registered on first use."""
        if topic not in self._schema_ids:
            subject = schema_registry.subject_of(topic)
            self._schema_ids[topic] = self._registry.register(subject, contracts.load_schema(contract))
        return self._schema_ids[topic]

    def _callback(self, topic: str) -> Callable[[KafkaError | None, Any], None]:
        """The delivery callback of `topic`'s messages in the open group."""
        group, reports, report = len(self._group_sizes), self._group_reports, self.report
        delivered = report.delivered

        def on_delivery(error: KafkaError | None, message) -> None:
            reports[group] += 1
            if error is None:
                delivered[topic] += 1
            else:
                report.failed[topic] += 1
                if len(report.errors) < 20:
                    report.errors.append(f"{topic}: {error.str()}")

        self._callbacks[topic] = on_delivery
        return on_delivery

    def mark(self) -> int:
        """Close the open group of messages and open the next; returns the new group's number, for
        `delivered_before`."""
        self._group_sizes.append(self.produced - self._group_opened_at)
        self._group_reports.append(0)
        self._group_opened_at = self.produced
        self._callbacks = {}
        return len(self._group_sizes)

    def delivered_before(self, group: int) -> bool:
        """Whether every message produced before group `group` was opened has its delivery report
        (served by `wait`, `flush` and, now and then, `send`)."""
        sizes, reports = self._group_sizes, self._group_reports
        while self._settled_groups < len(sizes) and reports[self._settled_groups] == sizes[self._settled_groups]:
            self._settled_groups += 1
        return self._settled_groups >= group

    def _produce(self, topic: str, key: str, value: bytes, headers: list[tuple[str, bytes]] | None = None) -> None:
        while True:
            try:
                self._producer.produce(topic, value=value, key=key.encode(), headers=headers,
                                       on_delivery=self._callbacks.get(topic) or self._callback(topic))
                break
            except BufferError:
                # The local queue is full: let deliveries drain rather than drop anything.
                self._producer.poll(0.1)
        self.produced += 1
        self._unpolled += 1
        if self._unpolled >= POLL_EVERY:
            self._unpolled = 0
            self._producer.poll(0)

    def send(self, contract: str, key: str, value: dict[str, Any]) -> bool:
        """Validate and send one message; returns False when it went to the dead-letter topic."""
        payload = encode(value)
        reason, drift = contracts.verdict(contract, value)
        if reason is None:
            # Schema drift (a new event type, extra fields) is sent, marked for the consumers.
            topic = self._topics[contract]
            if drift:
                self.report.drifted[topic] += 1
            if self._registry is not None:
                payload = schema_registry.frame(self._schema_id(contract, topic), payload)
            self._produce(topic, key, payload, [("schema_drift", drift.encode())] if drift else None)
            return True
        self.dead_letter(contract, key, payload, reason)
        return False

    def dead_letter(self, contract: str, key: str, payload: bytes, reason: str) -> None:
        """Send a rejected message, unchanged, to the dead-letter topic with why it was rejected."""
        source_topic = self.settings.topics.for_contract(contract) if contract in contracts.TOPICS else contract
        headers = [("reason", reason.encode()), ("source_topic", source_topic.encode()),
                   ("contract", contract.encode()), ("producer", self.name.encode())]
        self.report.dead_lettered[source_topic] += 1
        self._produce(self.settings.topics.dead_letters, key, payload, headers)

    def wait(self, seconds: float) -> None:
        """Serve delivery reports while waiting (used to pace a replay)."""
        self._producer.poll(seconds)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait for every queued message; raise DeliveryError if some were not confirmed."""
        remaining = self._producer.flush(timeout)
        if remaining:
            raise DeliveryError(f"{remaining} messages were not delivered within {timeout:.0f} s")
        if self.report.failed:
            detail = "; ".join(self.report.errors[:3])
            raise DeliveryError(f"{sum(self.report.failed.values())} messages failed: {detail}")

    def stop_on_signals(self) -> None:
        """On SIGINT/SIGTERM, stop producing new messages; the caller then flushes what is queued."""
        def handler(signum, frame):
            self.stopping.set()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, handler)
