"""A WeCom chat-archive bridge, answering like one in front of the SDK: ``GET /chatdata`` gives GetChatData's JSON
(items after ``seq``, at most ``limit``, each with its own message key RSA-encrypted with the enterprise's public
key, PKCS#1 v1.5, base64), ``POST /decrypt`` gives DecryptData's message JSON for the right key only.

The SDK's own message cipher is not published; the bridge stands in with AES-256-CBC keyed by the SHA-256 of the
message key, so a key unwrapped wrongly fails to decrypt, as it does with the SDK."""

from __future__ import annotations

import base64
import hashlib
import json
import os

from cryptography.hazmat.primitives import padding as sympadding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.fakeservers.base import FakeServer, Reply, Request

TOKEN = "bridge-t0ken-7781"


def new_key() -> tuple[rsa.RSAPrivateKey, str]:
    """An enterprise key pair: the private key object and its PEM (PKCS#1, as WeCom's guide makes it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption()).decode()
    return key, pem


def _cipher(message_key: str, iv: bytes) -> Cipher:
    return Cipher(algorithms.AES(hashlib.sha256(message_key.encode()).digest()), modes.CBC(iv))


def seal(message_key: str, message: dict) -> str:
    padder = sympadding.PKCS7(128).padder()
    data = padder.update(json.dumps(message, ensure_ascii=False).encode()) + padder.finalize()
    iv = os.urandom(16)
    encryptor = _cipher(message_key, iv).encryptor()
    return base64.b64encode(iv + encryptor.update(data) + encryptor.finalize()).decode()


def unseal(message_key: str, sealed: str) -> dict | None:
    raw = base64.b64decode(sealed)
    decryptor = _cipher(message_key, raw[:16]).decryptor()
    data = decryptor.update(raw[16:]) + decryptor.finalize()
    try:
        unpadder = sympadding.PKCS7(128).unpadder()
        return json.loads(unpadder.update(data) + unpadder.finalize())
    except ValueError:
        return None


def text_message(msgid: str, sender: str, to: list[str], msgtime_ms: int, content: str, roomid: str = "") -> dict:
    """A decrypted text message as DecryptData gives it."""
    return {"msgid": msgid, "action": "send", "from": sender, "tolist": to, "roomid": roomid, "msgtime": msgtime_ms,
            "msgtype": "text", "text": {"content": content}}


class FakeArchiveBridge(FakeServer):
    def __init__(self, public_keys: dict[int, rsa.RSAPublicKey]):
        super().__init__()
        self.public_keys = public_keys
        self.items: list[dict] = []  # GetChatData items, by seq
        self.fail_at: dict[int, int] = {}  # a page starting after this seq → how many more times it answers 500
        self.decrypts = 0

    def add(self, message: dict, version: int = 1, *, sealed_with_another_key: bool = False) -> None:
        """Archive a message (seq follows the last), its key wrapped with public key ``version``
        (``sealed_with_another_key``: the message sealed with some other key, as a wrong private key makes it
        look when RSA decryption hands back a random key)."""
        message_key = os.urandom(16).hex()
        wrapped = self.public_keys[version].encrypt(message_key.encode(), padding.PKCS1v15())
        self.items.append({"seq": len(self.items) + 1, "msgid": message["msgid"], "publickey_ver": version,
                           "encrypt_random_key": base64.b64encode(wrapped).decode(),
                           "encrypt_chat_msg": seal(os.urandom(16).hex() if sealed_with_another_key else message_key,
                                                    message)})

    def is_message(self, request: Request) -> bool:
        return False

    def handle(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply({"errcode": 401, "errmsg": "bridge: unauthorized"}, status=401)
        if request.method == "GET" and request.path == "/chatdata":
            seq, limit = int(request.query.get("seq", 0)), int(request.query.get("limit", 100))
            if limit > 1000:
                return Reply({"errcode": 10000, "errmsg": "limit exceeds 1000"})
            if self.fail_at.get(seq, 0) > 0:
                self.fail_at[seq] -= 1
                return Reply({"errcode": 10001, "errmsg": "network error"}, status=502)
            return Reply({"errcode": 0, "errmsg": "ok",
                          "chatdata": [i for i in self.items if i["seq"] > seq][:limit]})
        if request.method == "POST" and request.path == "/decrypt":
            self.decrypts += 1
            body = request.json or {}
            message = unseal(str(body.get("encrypt_key", "")), str(body.get("encrypt_chat_msg", "")))
            if message is None:
                return Reply({"errcode": 10005, "errmsg": "decrypt failed"})
            return Reply(message)
        return Reply({"errcode": 404, "errmsg": "not found"}, status=404)
