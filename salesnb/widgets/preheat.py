"""A preheated app kernel waits here for its page request (Voila's request-info websocket).

Voila's helper, ``voila.utils.wait_for_request``, does the same, but importing
``voila.utils`` loads Jupyter Server, nbconvert, jsonschema and their kin into
the kernel: ≈ 50 MiB in every app kernel, for one websocket message.  This
speaks the same protocol (voila 0.5: ``RequestInfoSocketHandler`` at
``{ws base url}voila/query/{kernel id}`` sends the request's environment once,
as a JSON object of strings) with only ``websockets``, which Voila depends on.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import warnings
from collections.abc import MutableMapping

import websockets
from websockets.exceptions import InvalidStatus, InvalidURI, WebSocketException


def request_info_url(environ: MutableMapping[str, str] = os.environ) -> str:
    """Where this kernel's page request arrives (from the variables Voila gives a preheated kernel)."""
    base = environ.get("VOILA_WS_BASE_URL") or environ.get("VOILA_SERVER_URL", "/")
    return (f"{environ.get('VOILA_WS_PROTOCOL', 'ws')}://{environ.get('VOILA_APP_IP', '127.0.0.1')}:"
            f"{environ.get('VOILA_APP_PORT', '8866')}{base}voila/query/{environ.get('VOILA_KERNEL_ID')}")


# How long a preheated kernel keeps trying to reach the server, without a connection that holds, before it gives
# up on its request (the page then opens signed out).  The server owns its kernels: this only ends one whose
# server died.  The opening handshake may take as long: a client that gives up on a handshake the server accepts
# later leaves Voila two connections for one kernel, and it may then keep the dead one and lose the request.
PATIENCE_SECONDS = 600.0
STEADY_SECONDS = 5.0  # a connection that held this long starts the patience again when it drops
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)  # the pause before each new try (the last one repeats)
# Answers that trying again does not change (a wrong address, a refused upgrade): give up at once, as Voila does
FINAL = (InvalidURI, InvalidStatus)


async def _receive(url: str, patience: float) -> str | None:
    """The request's environment from ``url``: connect, wait for the one message; connect again while the
    connection fails or drops (Voila keeps a request that arrives in between for the next connection), until
    ``patience`` seconds pass without a connection that held."""
    loop = asyncio.get_running_loop()
    tries, failing_since = 0, loop.time()
    while True:
        opened = None
        try:
            # no keep-alive pings: the kernel may wait hours for its request, and a busy server that answers
            # a ping late would close the wait (websockets' default closes after 20 s without a pong)
            async with websockets.connect(url, open_timeout=patience, ping_interval=None) as socket:
                opened = loop.time()
                return await socket.recv()
        except FINAL as exc:
            warnings.warn(f"no page request from {url}: {exc}", stacklevel=1)
            return None
        except (TimeoutError, OSError, WebSocketException) as exc:
            if opened is not None and loop.time() - opened >= STEADY_SECONDS:
                tries, failing_since = 0, loop.time()
            pause = RETRY_SECONDS[min(tries, len(RETRY_SECONDS) - 1)]
            tries += 1
            if loop.time() + pause - failing_since > patience:
                warnings.warn(f"no page request from {url} after {tries} tries: {exc}", stacklevel=1)
                return None
            await asyncio.sleep(pause)


def wait_for_request(environ: MutableMapping[str, str] = os.environ, patience: float | None = None) -> None:
    """In a preheated kernel (``VOILA_PREHEAT=True``), block until the page is requested; put the request's
    variables (``QUERY_STRING``, ``HTTP_COOKIE`` …) in ``environ``.  Elsewhere return at once.

    A server too busy to answer, or a connection that drops, is tried again for up to ``patience`` seconds
    (default :data:`PATIENCE_SECONDS`).
    """
    if environ.get("VOILA_PREHEAT", "False") == "False":
        return
    received: list[str | None] = []
    # the kernel's own event loop is running this cell: the websocket gets a loop in a thread of its own
    url, patience = request_info_url(environ), PATIENCE_SECONDS if patience is None else patience
    thread = threading.Thread(target=lambda: received.append(asyncio.run(_receive(url, patience))))
    thread.start()
    thread.join()
    if received and received[0] is not None:
        environ.update({str(k): str(v) for k, v in json.loads(received[0]).items()})
