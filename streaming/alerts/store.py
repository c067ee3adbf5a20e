"""The alerts' record in PostgreSQL: which alerts went out, how far each partition was read, and
what each match's texts need (team names, shoot-out), per consumer group.

Offsets live here, not only in Kafka, so the reading position and the match memory move together
in one transaction: a restart resumes from a consistent point and derives the same alerts again,
and `alerts_sent` stops those already delivered.
"""

from __future__ import annotations

import json
from typing import Callable, Iterable

from .messages import Alert, MatchMemory

# Row states of alerts_sent: claimed before the POST, sent once the webhook accepted it (logged
# when no webhook is set). A restart finding `sending` cannot know whether the receiver got it.
SENDING, SENT, LOGGED = "sending", "sent", "logged"


def ddl(table: Callable[[str], str]) -> str:
    """CREATE statements of the alerts' tables; `table` qualifies a name (schema and prefix)."""
    return f"""-- `python -m streaming alerts`: every alert claimed or sent, once per consumer group and key.
CREATE TABLE IF NOT EXISTS {table('alerts_sent')} (
    consumer_group text NOT NULL,
    alert_key text NOT NULL,
    kind text NOT NULL,
    match_id text NOT NULL,
    event_id text NOT NULL,
    message text NOT NULL,
    payload jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('{SENDING}', '{SENT}', '{LOGGED}')),
    attempts integer NOT NULL DEFAULT 1,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    PRIMARY KEY (consumer_group, alert_key)
);
-- Next offset to read per partition, written in one transaction with the match memory below.
CREATE TABLE IF NOT EXISTS {table('alerts_offsets')} (
    consumer_group text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL CHECK (partition >= 0),
    next_offset bigint NOT NULL CHECK (next_offset >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition)
);
-- What the alert texts need from earlier messages of a match: team names, shoot-out goals.
CREATE TABLE IF NOT EXISTS {table('alerts_matches')} (
    consumer_group text NOT NULL,
    match_id text NOT NULL,
    memory jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, match_id)
);
"""


class AlertStore:
    """Reads and writes the alerts' tables for one consumer group over one connection."""

    def __init__(self, conn, table: Callable[[str], str], consumer_group: str) -> None:
        self.conn = conn
        self.group = consumer_group
        self.sent = table("alerts_sent")
        self.offsets = table("alerts_offsets")
        self.matches = table("alerts_matches")
        self._ddl = ddl(table)

    def create_tables(self) -> None:
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(self._ddl)

    def next_offsets(self, partitions: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """(topic, partition) -> next offset to read, for the partitions this group has read before."""
        wanted = list(partitions)
        if not wanted:
            return {}
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(
                f"SELECT topic, partition, next_offset FROM {self.offsets} WHERE consumer_group = %s",
                (self.group,),
            )
            known = {(topic, partition): offset for topic, partition, offset in cursor.fetchall()}
        return {key: known[key] for key in wanted if key in known}

    def memory(self, match_id: str) -> MatchMemory | None:
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(f"SELECT memory FROM {self.matches} WHERE consumer_group = %s AND match_id = %s",
                           (self.group, match_id))
            row = cursor.fetchone()
        return MatchMemory.from_dict(row[0]) if row else None

    def status(self, alert: Alert) -> str | None:
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(f"SELECT status FROM {self.sent} WHERE consumer_group = %s AND alert_key = %s",
                           (self.group, alert.key))
            row = cursor.fetchone()
        return row[0] if row else None

    def claim(self, alert: Alert) -> None:
        """Record the alert as being sent (committed before the POST); a second claim counts an attempt."""
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.sent} (consumer_group, alert_key, kind, match_id, event_id, message, payload, status)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                f" ON CONFLICT (consumer_group, alert_key) DO UPDATE SET attempts = {self.sent}.attempts + 1, claimed_at = now()",
                (self.group, alert.key, alert.kind, alert.match_id, alert.event_id, alert.text,
                 json.dumps(alert.webhook_body(), ensure_ascii=False), SENDING),
            )

    def mark(self, alert: Alert, status: str) -> None:
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.sent} SET status = %s, sent_at = now() WHERE consumer_group = %s AND alert_key = %s",
                (status, self.group, alert.key),
            )

    def save_progress(self, next_offsets: dict[tuple[str, int], int], memories: dict[str, MatchMemory]) -> None:
        """The reading position and the match memories it produced, in one transaction."""
        if not next_offsets and not memories:
            return
        with self.conn, self.conn.cursor() as cursor:
            for (topic, partition), offset in next_offsets.items():
                cursor.execute(
                    f"INSERT INTO {self.offsets} (consumer_group, topic, partition, next_offset) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (consumer_group, topic, partition)"
                    " DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()",
                    (self.group, topic, partition, offset),
                )
            for match_id, memory in memories.items():
                cursor.execute(
                    f"INSERT INTO {self.matches} (consumer_group, match_id, memory) VALUES (%s, %s, %s)"
                    " ON CONFLICT (consumer_group, match_id) DO UPDATE SET memory = EXCLUDED.memory, updated_at = now()",
                    (self.group, match_id, json.dumps(memory.to_dict(), ensure_ascii=False)),
                )
