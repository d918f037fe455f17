"""A preheated kernel receives its page request over Voila's request-info websocket, without importing Voila."""

import asyncio
import json
import subprocess
import sys
import threading
import time
from http import HTTPStatus

import pytest
from websockets.asyncio.server import serve

from salesnb.web.background import free_port
from salesnb.widgets.preheat import request_info_url, wait_for_request


REQUEST = {"QUERY_STRING": "lang=en&item=C1", "HTTP_COOKIE": "snb=abc"}


class VoilaQuery:
    """A stand-in for Voila's ``RequestInfoSocketHandler`` in a thread: sends one request's environment to
    ``/voila/query/<kernel id>``; ``drop_first`` closes the first connection without it; ``after`` seconds
    pass before it listens (the port refuses until then)."""

    def __init__(self, *, drop_first: bool = False, after: float = 0.0, drop_all: bool = False,
                 refuse: bool = False):
        self.drop_first, self.after, self.drop_all, self.refuse = drop_first, after, drop_all, refuse
        self.asked: list[str] = []
        self.port = free_port()
        self._listening, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _handler(self, socket):
        self.asked.append(socket.request.path)
        if self.drop_all or (self.drop_first and len(self.asked) == 1):
            return  # closes the connection, nothing sent
        await socket.send(json.dumps(REQUEST))
        await socket.wait_closed()

    async def _main(self):
        await asyncio.sleep(self.after)
        def not_found(connection, request):
            self.asked.append(request.path)
            return connection.respond(HTTPStatus.NOT_FOUND, "no such kernel\n")

        async with serve(self._handler, "127.0.0.1", self.port, process_request=not_found if self.refuse else None):
            self._listening.set()
            while not self._stop.is_set():
                await asyncio.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        if not self.after:
            assert self._listening.wait(10)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)

    def environ(self, kernel_id: str = "k-1") -> dict[str, str]:
        """A preheated kernel's variables pointing at this server."""
        return {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(self.port), "VOILA_KERNEL_ID": kernel_id,
                "VOILA_SERVER_URL": "/base/"}


@pytest.fixture
def voila_query():
    with VoilaQuery() as server:
        yield server


def test_the_request_environment_arrives_from_voila(voila_query):
    environ = voila_query.environ()
    wait_for_request(environ)
    assert voila_query.asked == ["/base/voila/query/k-1"]
    assert environ["QUERY_STRING"] == "lang=en&item=C1" and environ["HTTP_COOKIE"] == "snb=abc"


def test_a_server_that_answers_late_is_tried_again():
    """A loaded server (many kernels starting) may not accept the kernel's connection for seconds."""
    with VoilaQuery(after=1.5) as server:
        environ = server.environ()
        wait_for_request(environ, patience=30)
    assert environ["HTTP_COOKIE"] == "snb=abc" and server.asked == ["/base/voila/query/k-1"]


def test_a_dropped_connection_is_opened_again():
    with VoilaQuery(drop_first=True) as server:
        environ = server.environ("k-3")
        wait_for_request(environ, patience=30)
    assert server.asked == ["/base/voila/query/k-3"] * 2
    assert environ["QUERY_STRING"] == "lang=en&item=C1"


def waited(environ: dict, patience: float, limit: float = 30.0) -> float:
    """Seconds ``wait_for_request`` took (failing, not hanging the suite, past ``limit``)."""
    started = time.monotonic()
    thread = threading.Thread(target=wait_for_request, args=(environ, patience), daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still waiting after {limit} s"
    return time.monotonic() - started


def test_a_server_that_closes_every_connection_at_once_is_given_up_on():
    """Connections that open and close at once do not start the patience again (it counts without a connection
    that held): the kernel stops trying instead of reconnecting forever."""
    with VoilaQuery(drop_all=True) as server:
        environ = server.environ("k-4")
        with pytest.warns(UserWarning, match="no page request"):
            took = waited(environ, patience=1.5)
    assert 0.5 < took < 10 and len(server.asked) >= 3
    assert "HTTP_COOKIE" not in environ


def test_a_refused_upgrade_is_final():
    """A wrong address (the server answers 404) is not tried again for the whole patience."""
    with VoilaQuery(refuse=True) as server:
        environ = server.environ("k-5")
        with pytest.warns(UserWarning, match="no page request"):
            took = waited(environ, patience=60)
    assert took < 10 and server.asked == ["/base/voila/query/k-5"]


def test_a_kernel_not_preheated_does_not_wait():
    environ = {"VOILA_PREHEAT": "False", "VOILA_APP_PORT": "1"}
    wait_for_request(environ)
    assert environ == {"VOILA_PREHEAT": "False", "VOILA_APP_PORT": "1"}


def test_no_server_leaves_the_environment_as_it_was():
    environ = {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(free_port()), "VOILA_KERNEL_ID": "k-2"}
    with pytest.warns(UserWarning, match="no page request"):
        wait_for_request(environ, patience=1)
    assert "QUERY_STRING" not in environ


def test_the_url_follows_voila_variables():
    assert request_info_url({"VOILA_KERNEL_ID": "k"}) == "ws://127.0.0.1:8866/voila/query/k"
    assert request_info_url({"VOILA_KERNEL_ID": "k", "VOILA_WS_PROTOCOL": "wss", "VOILA_APP_IP": "10.0.0.2",
                             "VOILA_APP_PORT": "9", "VOILA_SERVER_URL": "/a/", "VOILA_WS_BASE_URL": "/b/"}) \
        == "wss://10.0.0.2:9/b/voila/query/k"


def test_waiting_for_the_request_does_not_import_voila():
    """Voila's own helper would bring Jupyter Server and nbconvert into every app kernel (≈ 50 MiB)."""
    probe = ("import os, sys, warnings; warnings.simplefilter('ignore')\n"
             "os.environ.update(VOILA_PREHEAT='True', VOILA_APP_PORT='1', VOILA_KERNEL_ID='k')\n"
             "from salesnb.widgets import apps, preheat\n"
             "preheat.PATIENCE_SECONDS = 0.5\n"
             "print(apps._request_language('index'))\n"
             "print(sorted(m for m in ('voila', 'jupyter_server', 'nbconvert') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["(None, '', '')", "[]"]
