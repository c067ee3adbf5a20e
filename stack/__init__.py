"""The local stack: a real Kafka broker (KRaft) and PostgreSQL, run from `.stack/` without Docker."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Everything the stack writes (jars, data, logs, pids); another folder runs a second stack.
STACK_DIR = Path(os.environ.get("MATCHDAY_STACK_DIR") or ROOT / ".stack").resolve()


class StackError(Exception):
    """The stack cannot be brought to the state asked for; the message says what to do."""
