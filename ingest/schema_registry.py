"""A Confluent-compatible Schema Registry for the topic contracts: registers a topic's contract as
subject `<topic>-value` and frames messages in the JSON Schema serializer's wire format (magic byte
0, the schema id as 4 big-endian bytes, then the JSON), which consumers with a registry expect."""

from __future__ import annotations

import json
import struct
from typing import Any

import requests

from ingest.errors import SchemaRegistryError

MAGIC_BYTE = 0
# The magic byte and the schema id that precede the JSON of a framed message.
HEADER = struct.Struct(">bI")
CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


def subject_of(topic: str) -> str:
    """The subject of a topic's message values (Confluent's TopicNameStrategy)."""
    return f"{topic}-value"


def frame(schema_id: int, payload: bytes) -> bytes:
    """A JSON message in the wire format: magic byte, schema id, the JSON unchanged."""
    return HEADER.pack(MAGIC_BYTE, schema_id) + payload


def unframe(message: bytes) -> tuple[int | None, bytes]:
    """(schema id, JSON) of a message in the wire format; (None, message) for plain JSON, which never
    starts with a zero byte."""
    if len(message) >= HEADER.size and message[0] == MAGIC_BYTE:
        return HEADER.unpack_from(message)[1], message[HEADER.size:]
    return None, message


class SchemaRegistry:
    """The registry's REST API at `url` (`SCHEMA_REGISTRY_URL`); `session` is the HTTP transport."""

    def __init__(self, url: str, *, session: requests.Session | None = None, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.session.request(method, self.url + path, timeout=self.timeout,
                                            headers={"Accept": CONTENT_TYPE, "Content-Type": CONTENT_TYPE}, **kwargs)
        except requests.RequestException as error:
            raise SchemaRegistryError(f"cannot reach the schema registry at {self.url} ({type(error).__name__}): "
                                      "check SCHEMA_REGISTRY_URL") from None
        if not response.ok:
            raise SchemaRegistryError(f"the schema registry at {self.url} answered {method} {path} with HTTP "
                                      f"{response.status_code}: {response.text[:300]}")
        return response.json()

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        """The id of `schema` (JSON Schema) under `subject`, registered as a new version if it is new."""
        body = {"schemaType": "JSON", "schema": json.dumps(schema)}
        return int(self._call("POST", f"/subjects/{subject}/versions", json=body)["id"])

    def latest(self, subject: str) -> dict[str, Any]:
        """The newest version of a subject: its `id`, `version` and `schema` (JSON text)."""
        return self._call("GET", f"/subjects/{subject}/versions/latest")
