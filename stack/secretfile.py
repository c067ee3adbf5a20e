"""Secrets the stack generates once into its folder when the settings leave them empty."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def generated(path: Path, size: int) -> str:
    """The secret kept in `path`, made there on first use (`size` random bytes, URL-safe)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(size)
    # Created with 0600 from the start: the secret is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value
