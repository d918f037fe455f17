"""What the platform modules hand to the store: an opened event and, when it shows one, a rep's message."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import EventError
from . import messages  # noqa: F401  (registers the texts)

MAX_AGE_SECONDS = 300  # a timestamp further than this from the server's clock is refused
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class MessageEvent:
    """A person of the team writing to a customer's contact on a platform.

    ``sender`` is the platform's user id (matched against ``users.wecom_userid`` /
    ``dingtalk_userid`` / ``feishu_user_id``), ``contact`` the platform's id of the
    conversation partner (matched against ``customers.contact_ids``).
    """

    platform: str
    sender: tuple[str, ...]
    contact: str
    at: datetime
    text: str | None = None


@dataclass
class Opened:
    """A verified, decrypted event: its id (for replay), type and content, and the message it shows (if any)."""

    source: str
    event_id: str
    event_type: str
    payload: Any
    message: MessageEvent | None = None
    challenge: str | None = None  # a URL verification to answer, nothing to store
    extra: dict[str, Any] = field(default_factory=dict)


def content_id(text: str | bytes) -> str:
    """An event id for platforms whose events carry none: the SHA-256 of the decrypted content
    (a redelivery is the same content)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return "sha256:" + hashlib.sha256(data).hexdigest()


def check_fresh(timestamp: str | int | float | None, now: float | None = None, max_age: int = MAX_AGE_SECONDS) -> float:
    """The timestamp in seconds; raises ``events.stale`` when it is more than ``max_age`` s from ``now``.

    Values above 10¹¹ are milliseconds (DingTalk's ``timeStamp``).
    """
    if timestamp in (None, ""):
        raise EventError("events.no_timestamp")
    try:
        value = float(timestamp)
    except (TypeError, ValueError) as exc:
        raise EventError("events.stale", timestamp=str(timestamp)[:40], seconds=max_age) from exc
    seconds = value / 1000 if value > 1e11 else value
    current = time.time() if now is None else now
    if abs(current - seconds) > max_age:
        raise EventError("events.stale", timestamp=str(timestamp)[:40], seconds=max_age)
    return seconds


def check_size(body: bytes) -> None:
    if len(body) > MAX_BODY_BYTES:
        raise EventError("events.bad_body", reason=f"{len(body)} bytes > {MAX_BODY_BYTES}")
