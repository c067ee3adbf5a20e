"""A local webhook receiver for the alert tests: a real HTTP server in a thread that records every
POST and answers as the test scripts it (a status, a Retry-After, or holding the answer back)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Post:
    number: int  # 1 for the first POST the receiver got
    at: float  # time.monotonic() when it arrived
    body: dict
    headers: dict[str, str]
    answered: int | None = None  # the status sent back; None if the client was gone first


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # answer only once this is set


class Receiver:
    """`Receiver(script)`: script(n) gives the Answer to the n-th POST (default: 200 to all)."""

    def __init__(self, script: Callable[[int], Answer] | None = None) -> None:
        self.script = script or (lambda n: Answer())
        self.posts: list[Post] = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                with receiver.lock:
                    post = Post(len(receiver.posts) + 1, time.monotonic(), body, dict(self.headers))
                    receiver.posts.append(post)
                answer = receiver.script(post.number)
                if answer.hold is not None:
                    answer.hold.wait(timeout=120)
                    if receiver.released.is_set():
                        return
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                    post.answered = answer.status
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/test-secret"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def accepted_texts(self) -> list[str]:
        """`text` of every POST answered with a 2xx, in arrival order."""
        with self.lock:
            return [p.body["text"] for p in self.posts if p.answered is not None and 200 <= p.answered < 300]

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.posts) >= count:
                    return True
            time.sleep(0.05)
        return False
