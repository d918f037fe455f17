"""DingTalk (钉钉) HTTP event callbacks: signature, AES decryption, ``check_url`` and the encrypted reply.

Configured in ``[events.dingtalk]``: ``token``, ``aes_key`` (the 43-character 加密 aes_key) and ``app_key``
(the receiver id inside the encrypted text: an internal app's AppKey for event subscriptions; a corp id or a
suite key for older registrations — whatever DingTalk's console shows next to the key).

DingTalk POSTs ``?msg_signature&timeStamp&nonce`` (older: ``signature``, ``timestamp``; ``timeStamp`` in
milliseconds) with the body ``{"encrypt": "…"}``.  The signature and the crypto are WeCom's
(:mod:`salesnb.events.wxcrypt`).  The decrypted text is JSON with ``EventType``; ``check_url`` is the URL
check.  Every event, the check included, is answered with ``success`` encrypted:
``{"msg_signature", "timeStamp", "nonce", "encrypt"}``; without that answer DingTalk retries.

Group-chat messages reach an app as events carrying ``senderStaffId``, ``conversationId``, ``createAt`` (ms)
and ``msgId`` (the fields of DingTalk's chat-message callbacks); such an event is a
:class:`~salesnb.events.model.MessageEvent` whose contact is the conversation.  The id of an event is its
``msgId`` / ``EventId`` / ``eventId`` when it has one, else the SHA-256 of the decrypted text.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import EventError
from . import messages, wxcrypt  # noqa: F401  (messages registers the texts)
from .model import MessageEvent, Opened, check_fresh, check_size, content_id

SOURCE = "dingtalk"
CHECK_URL = "check_url"


@dataclass(frozen=True)
class DingtalkConfig:
    token: str
    aes_key: str
    app_key: str

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> DingtalkConfig:
        if not all(section.get(k) for k in ("token", "aes_key", "app_key")):
            raise EventError("events.not_configured", source=SOURCE)
        return cls(str(section["token"]), str(section["aes_key"]), str(section["app_key"]))


def open_event(cfg: DingtalkConfig, msg_signature: str, timestamp: str, nonce: str, body: bytes,
               now: float | None = None) -> Opened:
    """Check and decrypt a POSTed event; raises :class:`EventError` on any doubt."""
    check_size(body)
    check_fresh(timestamp, now)
    try:
        encrypted = json.loads(body)["encrypt"]
    except (ValueError, KeyError, TypeError) as exc:
        raise EventError("events.bad_body", reason="expected {\"encrypt\": …}") from exc
    if not isinstance(encrypted, str) or not encrypted:
        raise EventError("events.bad_body", reason="expected {\"encrypt\": …}")
    wxcrypt.verify(cfg.token, timestamp, nonce, encrypted, msg_signature)
    plaintext = wxcrypt.decrypt(cfg.aes_key, encrypted, cfg.app_key)
    try:
        payload = json.loads(plaintext)
    except ValueError as exc:
        raise EventError("events.bad_body", reason="the decrypted text is not JSON") from exc
    if not isinstance(payload, dict):
        raise EventError("events.bad_body", reason="the decrypted text is not a JSON object")
    event_type = str(payload.get("EventType") or payload.get("eventType") or "message")
    own_id = payload.get("msgId") or payload.get("EventId") or payload.get("eventId")
    event_id = f"id:{own_id}" if own_id else content_id(plaintext)
    if event_type == CHECK_URL:
        return Opened(SOURCE, event_id, event_type, payload, challenge="success")
    return Opened(SOURCE, event_id, event_type, payload, message=message_event(payload))


def message_event(payload: dict[str, Any]) -> MessageEvent | None:
    """A team member's chat message (``senderStaffId`` in ``conversationId``) as a :class:`MessageEvent`."""
    sender, conversation, created = payload.get("senderStaffId"), payload.get("conversationId"), payload.get("createAt")
    if not (sender and conversation and created):
        return None
    try:
        at = datetime.fromtimestamp(int(created) / 1000, tz=timezone.utc)
    except (TypeError, ValueError) as exc:
        raise EventError("events.bad_body", reason=f"createAt {created!r}") from exc
    text = payload.get("text", {}).get("content") if isinstance(payload.get("text"), dict) else None
    return MessageEvent(SOURCE, (str(sender),), str(conversation), at, text)


def reply(cfg: DingtalkConfig, now_ms: int, nonce: str | None = None, random16: bytes | None = None) -> dict[str, str]:
    """The encrypted ``success`` DingTalk expects back."""
    nonce = nonce or secrets.token_hex(4)
    encrypted = wxcrypt.encrypt(cfg.aes_key, "success", cfg.app_key, random16)
    timestamp = str(now_ms)
    return {"msg_signature": wxcrypt.signature(cfg.token, timestamp, nonce, encrypted), "timeStamp": timestamp,
            "nonce": nonce, "encrypt": encrypted}
