"""A preheated kernel receives its page request over Voila's request-info websocket, without importing Voila."""

import asyncio
import json
import subprocess
import sys
import threading

import pytest
from websockets.asyncio.server import serve

from salesnb.widgets.preheat import request_info_url, wait_for_request


@pytest.fixture
def voila_query():
    """A stand-in for Voila's ``RequestInfoSocketHandler``: sends one request's environment to
    ``/voila/query/<kernel id>``; yields (port, the paths asked for)."""
    asked: list[str] = []
    ready, stop = threading.Event(), threading.Event()
    found: dict[str, int] = {}

    async def handler(socket):
        asked.append(socket.request.path)
        await socket.send(json.dumps({"QUERY_STRING": "lang=en&item=C1", "HTTP_COOKIE": "snb=abc"}))
        await socket.wait_closed()

    async def main():
        async with serve(handler, "127.0.0.1", 0) as server:
            found["port"] = server.sockets[0].getsockname()[1]
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield found["port"], asked
    stop.set()
    thread.join(10)


def test_the_request_environment_arrives_from_voila(voila_query):
    port, asked = voila_query
    environ = {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": "k-1",
               "VOILA_SERVER_URL": "/base/"}
    wait_for_request(environ)
    assert asked == ["/base/voila/query/k-1"]
    assert environ["QUERY_STRING"] == "lang=en&item=C1" and environ["HTTP_COOKIE"] == "snb=abc"


def test_a_kernel_not_preheated_does_not_wait():
    environ = {"VOILA_PREHEAT": "False", "VOILA_APP_PORT": "1"}
    wait_for_request(environ)
    assert environ == {"VOILA_PREHEAT": "False", "VOILA_APP_PORT": "1"}


def test_no_server_leaves_the_environment_as_it_was():
    environ = {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": "1", "VOILA_KERNEL_ID": "k-2"}
    with pytest.warns(UserWarning, match="no page request"):
        wait_for_request(environ)
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
             "from salesnb.widgets import apps\n"
             "print(apps._request_language('index'))\n"
             "print(sorted(m for m in ('voila', 'jupyter_server', 'nbconvert') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["(None, '', '')", "[]"]
