"""The alerts process: reads `match-events` (and `live-matches` for the team names) with a plain
Kafka consumer, turns messages into alerts with the pure `messages` module, and delivers each once.

Once each, across restarts: before the POST an alert is claimed in `alerts_sent`, after the
receiver's 2xx it is marked sent; the next offset of each partition is saved in PostgreSQL with
the match memory after every batch, and read back when partitions are assigned. A restart re-reads
at most one batch and finds the alerts of that batch already sent. The one window left: a crash
after the receiver accepted an alert and before it was marked sent; the restart sends it again
(with the same Idempotency-Key header), so the receiver may see that one alert twice, never none.
"""

from __future__ import annotations

import logging
import signal
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException
from confluent_kafka.admin import AdminClient

from ..errors import AlertError
from .messages import Alert, MalformedMessage, MatchMemory, decode, match_id_of, remember_event, remember_snapshot, to_alert
from .settings import AlertsSettings
from .store import LOGGED, SENDING, SENT, AlertStore
from .webhook import WebhookSender, check_url

log = logging.getLogger("streaming.alerts")

# librdkafka logs every failed connection attempt; the start-up check reports once instead.
_quiet = logging.getLogger("streaming.alerts.kafka")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False

BATCH_SIZE = 500


def check_kafka(settings: AlertsSettings, timeout: float = 10.0) -> None:
    """Fail fast, in one sentence, when no broker answers or the topics are missing."""
    admin = AdminClient({**settings.kafka.client_config(), "socket.connection.setup.timeout.ms": int(timeout * 1000)},
                        logger=_quiet)
    try:
        metadata = admin.list_topics(timeout=timeout)
    except KafkaException:
        metadata = None
    if metadata is None or not metadata.brokers:
        raise AlertError(f"Cannot reach Kafka at {settings.kafka.bootstrap_servers}: set KAFKA_BOOTSTRAP_SERVERS to a reachable broker (is `make up` running?).")
    for setting, topic in (("KAFKA_TOPIC_MATCH_EVENTS", settings.match_events_topic),
                           ("KAFKA_TOPIC_LIVE_MATCHES", settings.live_matches_topic)):
        if topic not in metadata.topics:
            raise AlertError(f"The topic {topic!r} does not exist on {settings.kafka.bootstrap_servers}: run `make up` or set {setting}.")


class AlertsProcess:
    """One consumer, its store and its sender; `run()` until stopped or idle."""

    def __init__(self, settings: AlertsSettings, store: AlertStore, sender: WebhookSender | None) -> None:
        self.settings = settings
        self.store = store
        self.sender = sender
        self.memories: dict[str, MatchMemory] = {}
        self.stopping = False
        self.delivered = 0
        self.last_activity: float | None = None  # last message or assignment; None before joining
        self.consumer = Consumer({
            **settings.kafka.client_config(),
            "group.id": settings.consumer_group,
            # Positions come from PostgreSQL (on_assign); Kafka's copy is only for lag tools.
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }, logger=_quiet)

    def _on_assign(self, consumer: Consumer, partitions) -> None:
        known = self.store.next_offsets((p.topic, p.partition) for p in partitions)
        for p in partitions:
            p.offset = known.get((p.topic, p.partition), OFFSET_BEGINNING)
        # Another member may have moved these matches on meanwhile: re-read memories from PostgreSQL.
        self.memories.clear()
        consumer.assign(partitions)
        self.last_activity = time.monotonic()
        log.info("reading %s", ", ".join(f"{p.topic}[{p.partition}]@{'start' if p.offset == OFFSET_BEGINNING else p.offset}"
                                         for p in partitions) or "no partitions")

    def _on_revoke(self, consumer: Consumer, partitions) -> None:
        self.memories.clear()

    def _memory(self, match_id: str) -> MatchMemory:
        memory = self.memories.get(match_id)
        if memory is None:
            memory = self.memories[match_id] = self.store.memory(match_id) or MatchMemory()
        return memory

    def deliver(self, alert: Alert) -> None:
        status = self.store.status(alert)
        if status in (SENT, LOGGED):
            log.debug("already sent: %s", alert.key)
            return
        if status == SENDING:
            log.warning("%s was being sent when an earlier run stopped; sending it again (the receiver may see it twice)", alert.key)
        self.store.claim(alert)
        if self.sender is None:
            self.store.mark(alert, LOGGED)
            log.info("alert (log only): %s", alert.text)
        else:
            self.sender.send(alert)
            self.store.mark(alert, SENT)
            log.info("alert sent: %s", alert.text)
        self.delivered += 1

    def handle(self, message) -> tuple[str, MatchMemory] | None:
        """Handle one Kafka message; returns its match and memory when the memory changed."""
        value = decode(message.value())
        match_id = match_id_of(value)
        memory = self._memory(match_id)
        if message.topic() == self.settings.live_matches_topic:
            return (match_id, memory) if remember_snapshot(value, memory) else None
        changed = remember_event(value, memory)
        alert = to_alert(value, memory)
        if alert is not None:
            self.deliver(alert)
        return (match_id, memory) if changed else None

    def run(self, until_idle: float | None = None) -> int:
        """Consume until SIGTERM/SIGINT (or `until_idle` seconds without a message); returns alerts delivered."""
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        self.consumer.subscribe([self.settings.match_events_topic, self.settings.live_matches_topic],
                                on_assign=self._on_assign, on_revoke=self._on_revoke)
        try:
            while not self.stopping:
                batch = self.consumer.consume(BATCH_SIZE, timeout=1.0)
                if not batch:
                    # Idle counts from joining the group: a rebalance takes seconds of its own.
                    if until_idle is not None and self.last_activity is not None and time.monotonic() - self.last_activity >= until_idle:
                        break
                    continue
                self.last_activity = time.monotonic()
                self._handle_batch(batch)
        finally:
            self.consumer.close()
        return self.delivered

    def _handle_batch(self, batch) -> None:
        next_offsets: dict[tuple[str, int], int] = {}
        changed: dict[str, MatchMemory] = {}
        for message in batch:
            if message.error() is not None:
                log.warning("Kafka reports %s", message.error())
                continue
            next_offsets[(message.topic(), message.partition())] = message.offset() + 1
            try:
                update = self.handle(message)
            except MalformedMessage as error:
                log.warning("skipped %s[%s]@%s: %s", message.topic(), message.partition(), message.offset(), error)
                continue
            if update is not None:
                changed[update[0]] = update[1]
        self.store.save_progress(next_offsets, changed)
        try:
            self.consumer.commit(offsets=None, asynchronous=True)
        except KafkaException:
            pass  # Kafka's copy of the offsets is informational; PostgreSQL's is the one read back


def run(settings: AlertsSettings, until_idle: float | None = None) -> int:
    """Check everything that can be misconfigured, then deliver alerts until stopped."""
    from ..sinks import connect  # the landing job's connection, with its one-sentence error

    if settings.webhook_url:
        check_url(settings.webhook_url)
    check_kafka(settings)
    conn = connect(settings.postgres)
    try:
        store = AlertStore(conn, settings.table, settings.consumer_group)
        store.create_tables()
        sender = WebhookSender(settings.webhook_url) if settings.webhook_url else None
        log.info("alerts from %s to %s (consumer group %s)", settings.match_events_topic,
                 "the webhook" if sender else "the log only (ALERTS_WEBHOOK_URL is empty)", settings.consumer_group)
        return AlertsProcess(settings, store, sender).run(until_idle)
    finally:
        conn.close()
