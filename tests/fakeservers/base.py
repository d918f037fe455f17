"""A local HTTP server in a thread that answers like a messenger API, with scripted faults.

Subclasses implement :meth:`FakeServer.handle`.  Tests read what was
*delivered* (``messages``) — what a person in the chat would have seen — and
every request that came in (``requests``).  Faults:

* ``script(reply, times)`` — answer the next requests with ``reply`` (e.g. an error code).
* ``drop_after(n)`` — after ``n`` delivered messages, close every connection
  without answering and without delivering (the server went away), until
  ``recover()``.
* ``deliver_then_drop(n)`` — deliver the next ``n`` messages but close the
  connection before answering (the client cannot know it arrived).
* ``hold_after(n)`` — after ``n`` delivered messages, keep the next request
  waiting (``holding`` is set) until ``release()``; it is then dropped
  undelivered, as when the client died while waiting.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    json: Any = None
    target: str = ""  # the request target as sent (path and raw query string)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    body: dict[str, Any] | None = None
    status: int = 200
    delivered: dict[str, Any] | None = None  # what reached the chat, if anything
    headers: dict[str, str] | None = None  # extra response headers (a redirect's Location)
    html: str | None = None  # a page for a browser instead of a JSON body


@dataclass
class _Faults:
    scripted: list[dict[str, Any]] = field(default_factory=list)
    drop_after: int | None = None
    deliver_then_drop: int = 0
    hold_after: int | None = None


class FakeServer:
    """Base of the fake messenger servers (start/stop, recording, faults)."""

    def __init__(self, clock: Callable[[], float] | None = None):
        self.clock = clock or time.time
        self.messages: list[dict[str, Any]] = []
        self.requests: list[Request] = []
        self.faults = _Faults()
        self.holding = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle
    def start(self) -> FakeServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm the body waits for the
            # client's delayed ACK (~40 ms per request).  Real servers answer at once.
            disable_nagle_algorithm = True

            def do_GET(self):
                server._serve(self, "GET")

            def do_POST(self):
                server._serve(self, "POST")

            def log_message(self, *args):  # keep test output quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------ faults
    def script(self, reply: dict[str, Any], times: int = 1) -> None:
        """Answer the next ``times`` message requests with ``reply`` (nothing delivered)."""
        with self._lock:
            self.faults.scripted.extend([reply] * times)

    def drop_after(self, n: int) -> None:
        self.faults.drop_after = n

    def deliver_then_drop(self, n: int = 1) -> None:
        self.faults.deliver_then_drop = n

    def hold_after(self, n: int) -> None:
        self.faults.hold_after = n

    def release(self) -> None:
        self._release.set()

    def recover(self) -> None:
        """Back to normal service."""
        with self._lock:
            self.faults = _Faults()
        self.holding.clear()
        self._release.clear()

    # ------------------------------------------------------------ queries
    def texts(self) -> list[str]:
        """The text of every delivered message, in order."""
        return [m["text"] for m in self.messages]

    def count(self, fragment: str) -> int:
        """How many delivered messages contain ``fragment``."""
        return sum(fragment in m["text"] for m in self.messages)

    # ------------------------------------------------------------ serving
    def is_message(self, request: Request) -> bool:
        """Whether ``request`` sends a message (faults apply to those only)."""
        return request.method == "POST"

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            body = None
        request = Request(method, parts.path, query, raw, body, target=handler.path,
                          headers={k.lower(): v for k, v in handler.headers.items()})
        with self._lock:
            self.requests.append(request)
        if self.is_message(request):
            action = self._fault_action()
            if action == "drop":
                return self._drop(handler)
            if action == "hold":
                self.holding.set()
                self._release.wait(timeout=30)
                return self._drop(handler)
            if isinstance(action, dict):
                return self._answer(handler, Reply(action))
        with self._lock:
            reply = self.handle(request)
            if reply.delivered is not None:
                self.messages.append(reply.delivered)
                if self.faults.deliver_then_drop > 0:
                    self.faults.deliver_then_drop -= 1
                    return self._drop(handler)
        self._answer(handler, reply)

    def _fault_action(self):
        with self._lock:
            f = self.faults
            if f.scripted:
                return f.scripted.pop(0)
            if f.drop_after is not None and len(self.messages) >= f.drop_after:
                return "drop"
            if f.hold_after is not None and len(self.messages) >= f.hold_after:
                return "hold"
        return None

    @staticmethod
    def _drop(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        try:
            handler.connection.shutdown(2)
        except OSError:
            pass

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        redirect = 300 <= reply.status < 400 and reply.body is None
        if reply.html is not None:
            data, kind = reply.html.encode("utf-8"), "text/html; charset=utf-8"
        else:
            data, kind = b"" if redirect else json.dumps(reply.body or {}, ensure_ascii=False).encode("utf-8"), \
                "application/json; charset=utf-8"
        handler.send_response(reply.status)
        if not redirect:
            handler.send_header("Content-Type", kind)
        for name, value in (reply.headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


class RateWindow:
    """Accepted-message times per robot, to answer "too fast" like the real services."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self.times: dict[str, list[float]] = {}

    def full(self, robot: str, now: float) -> bool:
        recent = [t for t in self.times.get(robot, []) if now - t < 60]
        self.times[robot] = recent
        return len(recent) >= self.per_minute

    def add(self, robot: str, now: float) -> None:
        self.times.setdefault(robot, []).append(now)


def multipart_files(request: Request) -> dict[str, tuple[str, bytes]]:
    """The files of a multipart/form-data request: field name → (file name, content)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return {}
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.body)
    files = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        if name and filename is not None:
            files[name] = (filename, part.get_payload(decode=True) or b"")
    return files
