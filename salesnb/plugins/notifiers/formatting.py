"""Message text shared by the chat notifiers."""

from __future__ import annotations

from ...notify.notifier import Notification
from ...notify.textutil import truncate_utf8, utf8_len


def plain_text(notification: Notification) -> str:
    """Subject line, then the body."""
    if not notification.subject:
        return notification.body
    return f"{notification.subject}\n{notification.body}" if notification.body else notification.subject


def markdown_text(notification: Notification) -> str:
    """Subject in bold, then the body (the markdown dialect the robots share)."""
    if not notification.subject:
        return notification.body
    return f"**{notification.subject}**\n{notification.body}"


def item_link(notification: Notification) -> str:
    """The page of the item the message is about (``payload["url"]``, see :mod:`salesnb.links`), or ``""``."""
    url = (notification.payload or {}).get("url")
    return str(url) if url else ""


def link_tail(notification: Notification, markdown: bool = False) -> str:
    """A last line with the item's link, unless the body already carries it (kept whole when text is cut)."""
    url = item_link(notification)
    if not url or url in notification.body:
        return ""
    return f"\n[{url}]({url})" if markdown else f"\n{url}"


def body_with_link(notification: Notification) -> str:
    """The body, ending with the item's link when it does not carry it yet."""
    return notification.body + link_tail(notification)


MENTION_RESERVE = 128  # bytes kept for the @mentions of the person a digest is for


def room_for_body(limit: int, subject: str, extra: int = MENTION_RESERVE) -> int:
    """Bytes left for the body when ``subject`` (as a bold first line) and ``extra`` share ``limit``."""
    return max(0, limit - utf8_len(f"**{subject}**\n") - extra)


def with_tail(text: str, tail: str, max_bytes: int) -> str:
    """``text`` cut so that ``text + tail`` fits ``max_bytes`` (the tail, e.g. @mentions, is kept whole)."""
    if not tail:
        return truncate_utf8(text, max_bytes)
    room = max_bytes - utf8_len(tail)
    if room <= 0:
        return truncate_utf8(text + tail, max_bytes)
    return truncate_utf8(text, room) + tail
