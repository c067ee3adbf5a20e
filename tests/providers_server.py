"""A local stand-in for football-data.org v4 and API-Football v3: a real HTTP server replaying
recorded responses (tests/data/) and scripted sequences, counting every request.

Standalone: `python -m tests.providers_server --port 8099` serves the recorded responses and
the in-play sequences (each request to a sequence's route returns its next step).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DATA = Path(__file__).resolve().parent / "data"
SEQUENCES = DATA / "sequences"

# Recorded responses, by route (path plus its sorted query).
RECORDED = {
    "/v4/matches": DATA / "football-data.org" / "v4_matches_2023-12-29_today_SA_ELC_PPL.json",
    "/v4/matches?competitions=WC": DATA / "football-data.org" / "v4_competitions_WC_matches_2022.json",
    "/v4/competitions/WC/matches?season=2022": DATA / "football-data.org" / "v4_competitions_WC_matches_2022.json",
    "/fixtures?live=all": DATA / "api-football" / "v3_fixtures_live_all_2024-02-28.json",
    "/fixtures?live=4": DATA / "api-football" / "v3_fixtures_league4_2024-07-02_to_10.json",
    "/fixtures?from=2024-07-02&league=4&season=2024&to=2024-07-16": DATA / "api-football" / "v3_fixtures_league4_2024-07-02_to_10.json",
    "/fixtures/events?fixture=1049765": DATA / "api-football" / "v3_fixtures_events_1049765_liga1-romania.json",
}


def route_of(target: str) -> str:
    """A request target as a route: the path and its query parameters sorted."""
    parts = urlsplit(target)
    query = "&".join(f"{name}={value}" for name, value in sorted(parse_qsl(parts.query)))
    return parts.path + (f"?{query}" if query else "")


@dataclass
class Step:
    """One scripted answer: a JSON body, raw bytes, or a status; `delay` makes the client time out."""

    body: Any = None
    raw: bytes | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def of(cls, spec: dict[str, Any]) -> "Step":
        if "file" in spec:
            return cls(body=json.loads(Path(spec["file"]).read_text()), status=spec.get("status", 200),
                       headers=spec.get("headers", {}), delay=spec.get("delay", 0.0))
        raw = spec.get("raw")
        return cls(body=spec.get("body"), raw=raw.encode() if isinstance(raw, str) else raw,
                   status=spec.get("status", 200), headers=spec.get("headers", {}), delay=spec.get("delay", 0.0))


class ProvidersServer:
    """Runs on 127.0.0.1 (port 0 = any free port) in a thread; `script()` queues answers per route."""

    def __init__(self, port: int = 0, rate_headers: dict[str, str] | None = None) -> None:
        self.lock = threading.Lock()
        self.scripts: dict[str, list[Step]] = {}
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.rate_headers = rate_headers or {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: tests read the counts instead

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "ProvidersServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def script(self, route: str, steps: list[dict[str, Any] | Step]) -> None:
        """Answers for `route`, one per request, in order; the last one repeats."""
        with self.lock:
            self.scripts[route_of(route)] = [step if isinstance(step, Step) else Step.of(step) for step in steps]

    def load_sequence(self, name: str, route: str | None = None) -> int:
        """Script a sequence file of tests/data/sequences/; returns its number of steps."""
        sequence = json.loads((SEQUENCES / name).read_text())
        self.script(route or sequence["route"], sequence["steps"])
        return len(sequence["steps"])

    def count(self, route_prefix: str = "") -> int:
        with self.lock:
            return sum(1 for _, route, _ in self.requests if route.startswith(route_prefix))

    def times(self) -> list[float]:
        with self.lock:
            return [moment for moment, _, _ in self.requests]

    def _next_step(self, route: str) -> Step | None:
        with self.lock:
            steps = self.scripts.get(route)
            if steps:
                return steps.pop(0) if len(steps) > 1 else steps[0]
        path = RECORDED.get(route)
        return Step(body=json.loads(path.read_text())) if path else None

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        route = route_of(handler.path)
        with self.lock:
            self.requests.append((time.monotonic(), route, dict(handler.headers)))
        step = self._next_step(route)
        if step is None:
            step = Step(status=404, body={"message": f"no recorded response for {route}", "errorCode": 404})
        if step.delay:
            time.sleep(step.delay)
        payload = step.raw if step.raw is not None else json.dumps(step.body).encode() if step.body is not None else b""
        try:
            handler.send_response(step.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in {**self.rate_headers, **step.headers}.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a scripted timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--sequence", action="append", default=[],
                        help="a file of tests/data/sequences/ to script on its route (repeatable)")
    args = parser.parse_args()
    with ProvidersServer(args.port) as server:
        for name in args.sequence:
            server.load_sequence(name)
        print(f"serving recorded provider responses at {server.url} (Ctrl-C stops)", flush=True)
        try:
            server.thread.join()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
