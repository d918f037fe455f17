"""The callback crypto WeCom and DingTalk share (WeCom's "WXBizMsgCrypt", DingTalk's "DingCallbackCrypto").

- ``msg_signature`` = hex SHA-1 of the sorted concatenation of token, timestamp, nonce and the encrypted text;
- the AES key is the base64 decoding of the 43-character EncodingAESKey plus ``"="`` (32 bytes), the IV its
  first 16 bytes, AES-256-CBC with PKCS#7 padding to 32-byte blocks;
- plaintext = 16 random bytes + 4-byte big-endian length + message + receiver id (WeCom: the corp id;
  DingTalk: the app key of an internal app's event subscription, or the corp id / suite key).

Pure functions: no I/O, no clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from ..errors import EventError
from . import cbc, messages  # noqa: F401  (messages registers the texts)

BLOCK = 32


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EventError("events.bad_aes_key") from exc
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise EventError("events.bad_aes_key")
    return key


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """Hex SHA-1 of the sorted concatenation of the four parts."""
    return hashlib.sha1("".join(sorted([token, str(timestamp), str(nonce), encrypted])).encode()).hexdigest()


def verify(token: str, timestamp: str, nonce: str, encrypted: str, given: str) -> None:
    """Raise ``events.bad_signature`` unless ``given`` is the signature of the parts (constant-time)."""
    expected = signature(token, timestamp, nonce, encrypted)
    if not hmac.compare_digest(expected.encode(), (given or "").lower().encode()):
        raise EventError("events.bad_signature")


def decrypt(encoding_aes_key: str, encrypted: str, receiver_id: str | None) -> str:
    """The message inside ``encrypted``; its receiver id must be ``receiver_id`` (when given)."""
    key = aes_key(encoding_aes_key)
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EventError("events.decrypt") from exc
    plain = cbc.unpad(cbc.decrypt(key, key[:16], raw), BLOCK)
    if len(plain) < 20:
        raise EventError("events.decrypt")
    (length,) = struct.unpack(">I", plain[16:20])
    if 20 + length > len(plain):
        raise EventError("events.decrypt")
    message, receiver = plain[20:20 + length], plain[20 + length:]
    if receiver_id is not None and not hmac.compare_digest(receiver, receiver_id.encode()):
        raise EventError("events.wrong_receiver")
    try:
        return message.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventError("events.decrypt") from exc


def encrypt(encoding_aes_key: str, message: str, receiver_id: str, random16: bytes | None = None) -> str:
    """``message`` encrypted for the platform (base64), as a reply is."""
    key = aes_key(encoding_aes_key)
    body = message.encode("utf-8")
    plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + receiver_id.encode()
    return base64.b64encode(cbc.encrypt(key, key[:16], cbc.pad(plain, BLOCK))).decode()
