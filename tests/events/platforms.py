"""The platforms' side, written from their specifications (not from salesnb's code): encrypt and sign an event
the way WeCom, DingTalk and Feishu do, and a signed generic webhook the way a CRM would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

WECOM = {"token": "wecomToken123", "encoding_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
         "corp_id": "ww-corp-01"}
DINGTALK = {"token": "dingToken456", "aes_key": "o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus",
            "app_key": "dingappkey01"}
FEISHU = {"encrypt_key": "feishu-encrypt-key", "verification_token": "feishu-verify-token"}
GENERIC = {"secret": "crm-shared-secret"}


def _aes_cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return e.update(data) + e.finalize()


def _aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return d.update(data) + d.finalize()


def _pkcs7(data: bytes, block: int) -> bytes:
    n = block - len(data) % block
    return data + bytes([n] * n)


def wx_encrypt(encoding_aes_key: str, text: str, receiver: str) -> str:
    """WeCom / DingTalk: base64(AES-256-CBC(random16 + len(4, BE) + msg + receiver), pad to 32)."""
    key = base64.b64decode(encoding_aes_key + "=")
    msg = text.encode()
    plain = os.urandom(16) + struct.pack(">I", len(msg)) + msg + receiver.encode()
    return base64.b64encode(_aes_cbc(key, key[:16], _pkcs7(plain, 32))).decode()


def wx_decrypt(encoding_aes_key: str, encrypted: str) -> tuple[str, str]:
    key = base64.b64decode(encoding_aes_key + "=")
    plain = _aes_cbc_decrypt(key, key[:16], base64.b64decode(encrypted))
    plain = plain[:-plain[-1]]
    length = struct.unpack(">I", plain[16:20])[0]
    return plain[20:20 + length].decode(), plain[20 + length:].decode()


def wx_sign(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def wecom_post(xml: str, *, timestamp: int | None = None, cfg=WECOM, tamper: bool = False) -> tuple[dict, bytes]:
    """Query parameters and body of a WeCom event POST."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    nonce = "n" + os.urandom(4).hex()
    encrypted = wx_encrypt(cfg["encoding_aes_key"], xml, cfg["corp_id"])
    sig = wx_sign(cfg["token"], ts, nonce, encrypted)
    if tamper:
        sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    body = (f"<xml><ToUserName><![CDATA[{cfg['corp_id']}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
    return {"msg_signature": sig, "timestamp": ts, "nonce": nonce}, body.encode()


def wecom_url_check(echo: str, cfg=WECOM) -> dict:
    ts, nonce = str(int(time.time())), "echo1"
    encrypted = wx_encrypt(cfg["encoding_aes_key"], echo, cfg["corp_id"])
    return {"msg_signature": wx_sign(cfg["token"], ts, nonce, encrypted), "timestamp": ts, "nonce": nonce,
            "echostr": encrypted}


def wecom_contact_added(user_id: str, external_id: str, create_time: int) -> str:
    return ("<xml><ToUserName><![CDATA[ww-corp-01]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[change_external_contact]]></Event>"
            "<ChangeType><![CDATA[add_external_contact]]></ChangeType>"
            f"<UserID><![CDATA[{user_id}]]></UserID><ExternalUserID><![CDATA[{external_id}]]></ExternalUserID>"
            "<State><![CDATA[]]></State><WelcomeCode><![CDATA[WC01]]></WelcomeCode></xml>")


def dingtalk_post(event: dict, *, timestamp_ms: int | None = None, cfg=DINGTALK) -> tuple[dict, bytes]:
    ts = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    nonce = os.urandom(4).hex()
    encrypted = wx_encrypt(cfg["aes_key"], json.dumps(event), cfg["app_key"])
    return ({"msg_signature": wx_sign(cfg["token"], ts, nonce, encrypted), "timeStamp": ts, "nonce": nonce},
            json.dumps({"encrypt": encrypted}).encode())


def feishu_encrypt(encrypt_key: str, text: str) -> str:
    key = hashlib.sha256(encrypt_key.encode()).digest()
    iv = os.urandom(16)
    return base64.b64encode(iv + _aes_cbc(key, iv, _pkcs7(text.encode(), 16))).decode()


def feishu_post(event: dict, *, timestamp: int | None = None, cfg=FEISHU, signed: bool = True) -> tuple[dict, bytes]:
    body = json.dumps({"encrypt": feishu_encrypt(cfg["encrypt_key"], json.dumps(event))}).encode()
    headers = {"Content-Type": "application/json"}
    if signed:
        ts, nonce = str(timestamp if timestamp is not None else int(time.time())), os.urandom(6).hex()
        sig = hashlib.sha256((ts + nonce + cfg["encrypt_key"]).encode() + body).hexdigest()
        headers.update({"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce, "X-Lark-Signature": sig})
    return headers, body


def feishu_message(event_id: str, sender_user_id: str, chat_id: str, create_ms: int, cfg=FEISHU) -> dict:
    return {"schema": "2.0",
            "header": {"event_id": event_id, "event_type": "im.message.receive_v1", "create_time": str(create_ms),
                       "token": cfg["verification_token"], "app_id": "cli_x", "tenant_key": "t1"},
            "event": {"sender": {"sender_id": {"user_id": sender_user_id, "open_id": "ou_" + sender_user_id},
                                 "sender_type": "user", "tenant_key": "t1"},
                      "message": {"message_id": "om_" + event_id, "chat_id": chat_id, "chat_type": "group",
                                  "create_time": str(create_ms), "message_type": "text",
                                  "content": json.dumps({"text": "您好，资料已发您"})}}}


def generic_post(payload: dict, *, timestamp: int | None = None, secret: str = GENERIC["secret"]) -> tuple[dict, bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    ts = str(timestamp if timestamp is not None else int(time.time()))
    sig = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Salesnb-Timestamp": ts, "X-Salesnb-Signature": f"sha256={sig}", "Content-Type": "application/json"}, body
