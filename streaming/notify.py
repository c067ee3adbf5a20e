"""What the landing job says when a micro-batch has landed: a PostgreSQL notification on the channel of
its table prefix, sent in the batch's own transaction (so delivered exactly when its rows are visible),
its payload the query's name (`land-live_matches`). The live dbt loop listens and builds the scoreboard
at once instead of waiting for its next cycle (dbt_project/transform_loop.py)."""

from __future__ import annotations

from psycopg2 import sql


def channel(table_prefix: str) -> str:
    """The channel of the tables behind `table_prefix` (tests isolate their tables by prefix)."""
    return f"matchday_{table_prefix}landed"


def landed(cursor, channel_name: str, query: str) -> None:
    """Notify `channel_name`, within the cursor's transaction, that a batch of `query` landed."""
    cursor.execute(sql.SQL("SELECT pg_notify(%s, %s)"), (channel_name, query))
