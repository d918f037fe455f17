"""WeCom (企业微信) event callbacks: URL verification, ``msg_signature`` and AES decryption.

Configured in ``[events.wecom]``: ``token``, ``encoding_aes_key`` (43 characters), ``corp_id``.

- ``GET ?msg_signature&timestamp&nonce&echostr`` verifies the URL: the answer is the decrypted echostr;
- ``POST ?msg_signature&timestamp&nonce`` carries ``<xml><Encrypt>…</Encrypt></xml>``; the signature is
  checked over the encrypted text, then the message (XML) is decrypted and read.

A rep reaching a customer shows as ``change_external_contact`` / ``add_external_contact`` (the rep's
``UserID`` added the customer's ``ExternalUserID``); that is a :class:`~salesnb.events.model.MessageEvent`.
Events carry no id of their own unless they are messages (``MsgId``): the id is then the SHA-256 of the
decrypted content, the same for every redelivery.  Pure functions; ``now`` is the caller's clock.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import EventError
from . import messages, wxcrypt  # noqa: F401  (messages registers the texts)
from .model import MessageEvent, Opened, check_fresh, check_size, content_id

SOURCE = "wecom"
CONTACT_CHANGES = ("add_external_contact", "add_half_external_contact")


@dataclass(frozen=True)
class WecomConfig:
    token: str
    encoding_aes_key: str
    corp_id: str

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> WecomConfig:
        if not all(section.get(k) for k in ("token", "encoding_aes_key", "corp_id")):
            raise EventError("events.not_configured", source=SOURCE)
        return cls(str(section["token"]), str(section["encoding_aes_key"]), str(section["corp_id"]))


def parse_xml(text: str | bytes) -> dict[str, str]:
    """The child elements of a WeCom XML document as ``{tag: text}`` (no DTDs, no entities)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise EventError("events.bad_body", reason="DTD not allowed")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise EventError("events.bad_body", reason=f"XML: {exc}") from exc
    return {child.tag: (child.text or "") for child in root}


def verify_url(cfg: WecomConfig, msg_signature: str, timestamp: str, nonce: str, echostr: str,
               now: float | None = None) -> str:
    """The answer to a URL verification: the decrypted ``echostr``."""
    check_fresh(timestamp, now)
    wxcrypt.verify(cfg.token, timestamp, nonce, echostr, msg_signature)
    return wxcrypt.decrypt(cfg.encoding_aes_key, echostr, cfg.corp_id)


def open_event(cfg: WecomConfig, msg_signature: str, timestamp: str, nonce: str, body: bytes,
               now: float | None = None) -> Opened:
    """Check and decrypt a POSTed event; raises :class:`EventError` on any doubt."""
    check_size(body)
    check_fresh(timestamp, now)
    encrypted = parse_xml(body).get("Encrypt", "")
    if not encrypted:
        raise EventError("events.bad_body", reason="no <Encrypt>")
    wxcrypt.verify(cfg.token, timestamp, nonce, encrypted, msg_signature)
    plaintext = wxcrypt.decrypt(cfg.encoding_aes_key, encrypted, cfg.corp_id)
    fields = parse_xml(plaintext)
    event_type = fields.get("Event") or fields.get("MsgType") or "unknown"
    if fields.get("ChangeType"):
        event_type += "." + fields["ChangeType"]
    event_id = f"msg:{fields['MsgId']}" if fields.get("MsgId") else content_id(plaintext)
    return Opened(SOURCE, event_id, event_type, fields, message=message_event(fields))


def _at(create_time: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(create_time), tz=timezone.utc)
    except (TypeError, ValueError) as exc:
        raise EventError("events.bad_body", reason=f"CreateTime {create_time!r}") from exc


def message_event(fields: dict[str, str]) -> MessageEvent | None:
    """A rep adding a customer's WeChat (``change_external_contact``) as a :class:`MessageEvent`; else None."""
    if fields.get("Event") == "change_external_contact" and fields.get("ChangeType") in CONTACT_CHANGES:
        if fields.get("UserID") and fields.get("ExternalUserID"):
            return MessageEvent(SOURCE, (fields["UserID"],), fields["ExternalUserID"],
                                _at(fields.get("CreateTime", "")))
    return None


def reply_text() -> str:
    """WeCom needs no encrypted reply to an event: ``success`` (or an empty body) stops its retries."""
    return "success"
