"""Byte-limited text: cut message bodies to a channel's limit without breaking a UTF-8 character."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

ELLIPSIS = "…"


def utf8_len(text: str) -> int:
    """Length of ``text`` in UTF-8 bytes (what the messenger APIs count)."""
    return len(text.encode("utf-8"))


def truncate_utf8(text: str, max_bytes: int, marker: str = ELLIPSIS) -> str:
    """Cut ``text`` to at most ``max_bytes`` UTF-8 bytes, ending with ``marker`` when cut.

    The cut never splits a multi-byte character: a partial trailing character
    is dropped whole.  Text that fits is returned unchanged.
    """
    if max_bytes < 0:
        raise ValueError("max_bytes must be >= 0")
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return text
    room = max_bytes - utf8_len(marker)
    if room < 0:  # not even the marker fits
        marker, room = "", max_bytes
    # errors="ignore" drops the bytes of a character cut in half at the end.
    return raw[:room].decode("utf-8", errors="ignore") + marker


def json_bytes(body: Any) -> bytes:
    """The request body as sent: compact JSON, UTF-8, non-ASCII kept as is."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fit_json(build: Callable[[str], Any], text: str, max_bytes: int) -> bytes:
    """Encode ``build(text)`` as JSON, cutting ``text`` until the whole body fits ``max_bytes``.

    For APIs whose limit applies to the request body (Feishu) rather than to
    one field: JSON escapes make the body longer than the text, so shrink the
    text in proportion to the overshoot until the body fits.
    """
    body = json_bytes(build(text))
    budget = utf8_len(text)
    while len(body) > max_bytes and budget > 0:
        # scale the text by how much the body is over (escapes grow roughly in proportion)
        budget = max(0, min(budget - 1, budget * max_bytes // len(body)))
        body = json_bytes(build(truncate_utf8(text, budget)))
    if len(body) > max_bytes:
        raise ValueError(f"message envelope alone exceeds {max_bytes} bytes")
    return body
