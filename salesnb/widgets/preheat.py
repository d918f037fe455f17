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


def request_info_url(environ: MutableMapping[str, str] = os.environ) -> str:
    """Where this kernel's page request arrives (from the variables Voila gives a preheated kernel)."""
    base = environ.get("VOILA_WS_BASE_URL") or environ.get("VOILA_SERVER_URL", "/")
    return (f"{environ.get('VOILA_WS_PROTOCOL', 'ws')}://{environ.get('VOILA_APP_IP', '127.0.0.1')}:"
            f"{environ.get('VOILA_APP_PORT', '8866')}{base}voila/query/{environ.get('VOILA_KERNEL_ID')}")


async def _receive(url: str) -> str | None:
    try:
        async with websockets.connect(url, open_timeout=5) as socket:
            return await socket.recv()
    except (TimeoutError, OSError, websockets.exceptions.WebSocketException) as exc:
        warnings.warn(f"no page request from {url}: {exc}", stacklevel=1)
        return None


def wait_for_request(environ: MutableMapping[str, str] = os.environ) -> None:
    """In a preheated kernel (``VOILA_PREHEAT=True``), block until the page is requested; put the request's
    variables (``QUERY_STRING``, ``HTTP_COOKIE`` …) in ``environ``.  Elsewhere return at once."""
    if environ.get("VOILA_PREHEAT", "False") == "False":
        return
    received: list[str | None] = []
    # the kernel's own event loop is running this cell: the websocket gets a loop in a thread of its own
    thread = threading.Thread(target=lambda: received.append(asyncio.run(_receive(request_info_url(environ)))))
    thread.start()
    thread.join()
    if received and received[0] is not None:
        environ.update({str(k): str(v) for k, v in json.loads(received[0]).items()})
