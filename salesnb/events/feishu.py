"""Feishu (飞书) event callbacks: ``X-Lark-Signature``, AES decryption, ``url_verification``.

Configured in ``[events.feishu]``: ``encrypt_key`` and ``verification_token``.

The body is ``{"encrypt": "…"}``: base64 of a 16-byte IV followed by AES-256-CBC (PKCS#7) ciphertext, the
key being the SHA-256 of the encrypt key.  Every event push carries ``X-Lark-Request-Timestamp``,
``X-Lark-Request-Nonce`` and ``X-Lark-Signature`` = hex SHA-256 of timestamp + nonce + encrypt key + raw
body.  The URL check (``type = url_verification``, sent when the address is saved in the console) is
answered with its ``challenge`` once its token is the verification token; it changes nothing.  Events use
schema 2.0 (``header.event_id``, ``header.event_type``, ``header.token``); the 1.0 shape (``uuid``,
``event.type``, ``token``) is read too.

``im.message.receive_v1`` from a person (``sender_type = user``) is a
:class:`~salesnb.events.model.MessageEvent`: the sender's ``user_id`` / ``open_id`` / ``union_id``
(matched against ``users.feishu_user_id``) writing in ``chat_id`` (the chat with the customer; a customer's
contact id).  Pure functions; ``now`` is the caller's clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import EventError
from . import cbc, messages  # noqa: F401  (messages registers the texts)
from .model import MessageEvent, Opened, check_fresh, check_size

SOURCE = "feishu"
MESSAGE_EVENT = "im.message.receive_v1"


@dataclass(frozen=True)
class FeishuConfig:
    encrypt_key: str
    verification_token: str

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> FeishuConfig:
        if not all(section.get(k) for k in ("encrypt_key", "verification_token")):
            raise EventError("events.not_configured", source=SOURCE)
        return cls(str(section["encrypt_key"]), str(section["verification_token"]))


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """Hex SHA-256 of timestamp + nonce + encrypt key + raw body."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def decrypt(encrypt_key: str, encrypted: str) -> str:
    key = hashlib.sha256(encrypt_key.encode()).digest()
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EventError("events.decrypt") from exc
    if len(raw) < 32:
        raise EventError("events.decrypt")
    plain = cbc.unpad(cbc.decrypt(key, raw[:16], raw[16:]), 16)
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventError("events.decrypt") from exc


def open_event(cfg: FeishuConfig, headers: dict[str, str], body: bytes, now: float | None = None) -> Opened:
    """Check and decrypt a POSTed event (``headers`` with lower-case names); raises :class:`EventError`."""
    check_size(body)
    try:
        outer = json.loads(body)
    except ValueError as exc:
        raise EventError("events.bad_body", reason="not JSON") from exc
    encrypted = outer.get("encrypt") if isinstance(outer, dict) else None
    if not isinstance(encrypted, str) or not encrypted:
        raise EventError("events.bad_body", reason="expected {\"encrypt\": …}")
    given = headers.get("x-lark-signature", "")
    if given:
        timestamp = headers.get("x-lark-request-timestamp", "")
        check_fresh(timestamp, now)
        expected = signature(timestamp, headers.get("x-lark-request-nonce", ""), cfg.encrypt_key, body)
        if not hmac.compare_digest(expected.encode(), given.lower().encode()):
            raise EventError("events.bad_signature")
    try:
        payload = json.loads(decrypt(cfg.encrypt_key, encrypted))
    except ValueError as exc:
        raise EventError("events.bad_body", reason="the decrypted text is not JSON") from exc
    if not isinstance(payload, dict):
        raise EventError("events.bad_body", reason="the decrypted text is not a JSON object")
    header = payload.get("header") if isinstance(payload.get("header"), dict) else {}
    token = header.get("token") or payload.get("token") or ""
    if not hmac.compare_digest(str(token).encode(), cfg.verification_token.encode()):
        raise EventError("events.bad_token")
    if payload.get("type") == "url_verification":
        return Opened(SOURCE, "", "url_verification", payload, challenge=str(payload.get("challenge", "")))
    if not given:  # only the URL check comes unsigned
        raise EventError("events.bad_signature")
    event = payload.get("event") if isinstance(payload.get("event"), dict) else {}
    event_type = str(header.get("event_type") or event.get("type") or "unknown")
    event_id = str(header.get("event_id") or payload.get("uuid") or "")
    if not event_id:
        raise EventError("events.bad_body", reason="no header.event_id")
    message = message_event(event) if event_type == MESSAGE_EVENT else None
    return Opened(SOURCE, event_id, event_type, payload, message=message)


def message_event(event: dict[str, Any]) -> MessageEvent | None:
    sender = event.get("sender") or {}
    message = event.get("message") or {}
    if sender.get("sender_type") not in (None, "user") or not message.get("chat_id"):
        return None
    ids = tuple(str(v) for k in ("user_id", "open_id", "union_id") if (v := (sender.get("sender_id") or {}).get(k)))
    if not ids:
        return None
    try:
        at = datetime.fromtimestamp(int(message.get("create_time")) / 1000, tz=timezone.utc)
    except (TypeError, ValueError) as exc:
        raise EventError("events.bad_body", reason=f"create_time {message.get('create_time')!r}") from exc
    text = None
    try:
        content = json.loads(message.get("content") or "{}")
        text = content.get("text") if isinstance(content, dict) else None
    except ValueError:
        pass
    return MessageEvent(SOURCE, ids, str(message["chat_id"]), at, text)
