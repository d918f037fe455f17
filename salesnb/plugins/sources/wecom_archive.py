"""The ``wecom_archive`` sync source: WeCom's chat archive (会话内容存档) → interactions and first responses.

WeCom offers archived chats only through its C SDK (``GetChatData``, ``DecryptData``), so a deployment runs
a small HTTP bridge next to the SDK; this source talks to the bridge.  Settings::

    [sync.wecom_chats]
    type = "wecom_archive"
    bridge_url = "http://127.0.0.1:8910"          # the bridge (below)
    headers = { Authorization = "Bearer ${WECOM_ARCHIVE_BRIDGE_TOKEN}" }   # optional
    private_keys = { "1" = "${WECOM_ARCHIVE_KEY_V1}" }   # PEM by publickey_ver (PKCS#1 or PKCS#8 RSA)
    # private_key_files = { "1" = "/etc/salesnb/msgaudit_v1.pem" }   # or files
    limit = 1000                                   # optional: messages a page (GetChatData allows 1000)
    retries = 4                                    # optional: per request, on 429 / 5xx / a dropped connection
    backoff = 0.5

The bridge (any language; a hundred lines around the SDK):

- ``GET {bridge_url}/chatdata?seq=N&limit=M`` calls ``GetChatData(sdk, seq, limit, …)`` and answers its JSON
  verbatim: ``{"errcode": 0, "errmsg": "ok", "chatdata": [{"seq", "msgid", "publickey_ver",
  "encrypt_random_key", "encrypt_chat_msg"}, …]}`` — the messages after ``seq``, in order.  A bridge that
  decrypts itself may add the decrypted message to each item as ``"message": {…}``; no key is needed then.
- ``POST {bridge_url}/decrypt`` with ``{"encrypt_key": …, "encrypt_chat_msg": …}`` calls
  ``DecryptData(encrypt_key, encrypt_chat_msg, …)`` and answers the decrypted message JSON verbatim.

For each item salesnb does what the specification leaves to the enterprise: ``encrypt_random_key`` is base64
of the message key encrypted (RSA, PKCS#1 v1.5) with the public key of version ``publickey_ver``; it is
decrypted here with that version's private key, which never leaves salesnb, and only the message key goes
to the bridge.  A decrypted message (``msgid``, ``action``, ``from``, ``tolist``, ``roomid``, ``msgtime`` in
ms, ``msgtype``, ``text.content``) that a team member (``users.wecom_userid`` = ``from``) sent to a
customer's contact (``customers.contact_ids`` lists a ``tolist`` id or the ``roomid``) becomes an
interaction and sets the first response of the customer's unanswered leads
(:func:`salesnb.plugins.sources.chats.apply_pulled`).  Recalls and the ``switch`` log are skipped.

One stream, ``messages``.  Each page is one batch, committed with the stream's cursor ``{"seq": N}`` (the
largest seq of the page), so a page that fails — the bridge down after the retries, an ``errcode``, a key
missing for a ``publickey_ver`` — stops the stream there and the next run starts again after the last
committed page.  ``--full`` reads the archive from seq 0 again; messages already applied change nothing.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import SyncError
from ...sync.base import Batch, ReadContext, Source, Stream
from ...sync.http import HttpClient
from ..hookspecs import hookimpl
from .chats import Pulled, apply_pulled

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

PLATFORM = "wecom"
STREAM = "messages"
MAX_LIMIT = 1000  # GetChatData refuses more
SKIPPED_TYPES = {"switch", "agree", "disagree"}  # not a message to anyone


class WecomArchiveSource(Source):
    type = "wecom_archive"

    def __init__(self, name: str, options: dict[str, Any]):
        super().__init__(name, options)
        self._keys: dict[str, rsa.RSAPrivateKey] | None = None

    def streams(self) -> list[Stream]:
        return [Stream(STREAM, "interactions", {})]

    def client(self) -> HttpClient:
        return HttpClient(self.option("bridge_url", required=True), headers=self.option("headers", {}),
                          retries=int(self.option("retries", 4)), backoff=float(self.option("backoff", 0.5)),
                          timeout=float(self.option("timeout", 30)))

    def secrets(self) -> list[str]:
        try:
            keys = list(self._pem_texts().values())
        except SyncError:  # reported when the keys are used
            keys = []
        return [*super().secrets(), *keys]

    # ------------------------------------------------------------ keys
    def _pem_texts(self) -> dict[str, str]:
        texts = {str(v): str(pem) for v, pem in (self.option("private_keys", {}) or {}).items() if pem}
        for version, path in (self.option("private_key_files", {}) or {}).items():
            try:
                texts[str(version)] = Path(str(path)).expanduser().read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as exc:
                raise SyncError("sync.bad_option", name=self.name, option=f"private_key_files.{version}",
                                detail=type(exc).__name__) from None
        return texts

    def keys(self) -> dict[str, rsa.RSAPrivateKey]:
        """The private keys by ``publickey_ver``."""
        # cryptography (≈ 7 MiB) loads when an archive is read, not when the plugin is registered
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if self._keys is None:
            keys = {}
            for version, pem in self._pem_texts().items():
                try:
                    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
                except (ValueError, TypeError, UnicodeEncodeError):
                    key = None
                if not isinstance(key, rsa.RSAPrivateKey):
                    raise SyncError("sync.bad_option", name=self.name, option=f"private_keys.{version}",
                                    detail="not an RSA private key in PEM")
                keys[version] = key
            self._keys = keys
        return self._keys

    def message_key(self, item: dict[str, Any]) -> str:
        """``encrypt_random_key`` decrypted: base64-decoded, RSA PKCS#1 v1.5 with the key of ``publickey_ver``."""
        version, msgid = str(item.get("publickey_ver", "")), str(item.get("msgid", ""))
        key = self.keys().get(version)
        if key is None:
            raise SyncError("sync.archive_no_key", name=self.name, version=version or "-", msgid=msgid)
        from cryptography.hazmat.primitives.asymmetric import padding

        try:
            wrapped = base64.b64decode(str(item.get("encrypt_random_key") or ""), validate=True)
            return key.decrypt(wrapped, padding.PKCS1v15()).decode("utf-8")
        except (ValueError, binascii.Error):  # cryptography raises ValueError for a wrong key or padding
            raise SyncError("sync.archive_decrypt", name=self.name, msgid=msgid, version=version) from None

    # ------------------------------------------------------------ reading
    def read(self, stream: Stream, cursor: dict[str, Any] | None, context: ReadContext) -> Iterator[Batch]:
        seq = 0 if context.full or not cursor else int(cursor.get("seq") or 0)
        limit = max(1, min(int(self.option("limit", MAX_LIMIT)), MAX_LIMIT))
        http = self.client()
        try:
            while True:
                data = self._checked(http.json("GET", "/chatdata", params={"seq": seq, "limit": limit}), "/chatdata")
                items = [i for i in data.get("chatdata") or [] if isinstance(i, dict)]
                if not items:
                    return
                pulled = [p for p in (self.pulled(http, item) for item in items) if p is not None]
                last = max(int(item.get("seq") or 0) for item in items)
                label = f"{self.name}/{STREAM} seq {seq + 1}–{last}"
                done = len(items) < limit
                yield Batch(None, {"seq": last}, label=label, done=done,
                            apply=partial(apply_pulled, platform=PLATFORM, label=label, pulled=pulled,
                                          read=len(items)))
                if done or last <= seq:
                    return
                seq = last
        finally:
            http.close()

    @staticmethod
    def _error_code(data: Any) -> Any:
        """The bridge's ``errcode`` when it answered one other than 0, else None."""
        code = data.get("errcode", 0) if isinstance(data, dict) else None
        return None if code in (0, None) else code

    def _checked(self, data: Any, path: str) -> dict[str, Any]:
        code = self._error_code(data)
        if code is not None:
            raise SyncError("sync.api_error", url=path, code=code, message=str(data.get("errmsg", ""))[:200])
        if not isinstance(data, dict):
            raise SyncError("sync.api_error", url=path, code="-", message="not a JSON object")
        return data

    def decrypted(self, http: HttpClient, item: dict[str, Any]) -> dict[str, Any]:
        """The item's message: as the bridge gave it, or decrypted by the bridge with the unwrapped key."""
        if isinstance(item.get("message"), dict):
            return item["message"]
        answer = http.json("POST", "/decrypt", json={"encrypt_key": self.message_key(item),
                                                     "encrypt_chat_msg": item.get("encrypt_chat_msg", "")})
        code = self._error_code(answer)
        if code is not None:
            # A wrong private key need not fail the RSA step: OpenSSL's implicit rejection (against padding
            # oracles) hands back a random message key instead, and the bridge is the first to notice.
            raise SyncError("sync.archive_bridge_decrypt", name=self.name, msgid=str(item.get("msgid", "")),
                            version=str(item.get("publickey_ver", "")) or "-", code=code,
                            message=str(answer.get("errmsg", ""))[:200])
        return self._checked(answer, "/decrypt")

    def pulled(self, http: HttpClient, item: dict[str, Any]) -> Pulled | None:
        """A sent message as :class:`Pulled`; None for a recall, the switch log or a consent notice."""
        message = self.decrypted(http, item)
        if message.get("action", "send") != "send" or message.get("msgtype") in SKIPPED_TYPES:
            return None
        sender = str(message.get("from") or "")
        msgid = str(message.get("msgid") or item.get("msgid") or "")
        try:
            at = datetime.fromtimestamp(int(message["msgtime"]) / 1000, tz=timezone.utc)
        except (KeyError, TypeError, ValueError):
            raise SyncError("sync.archive_bad_message", name=self.name, msgid=msgid, field="msgtime") from None
        if not sender or not msgid:
            raise SyncError("sync.archive_bad_message", name=self.name, msgid=msgid or "-",
                            field="from" if not sender else "msgid")
        recipients = [str(t) for t in message.get("tolist") or [] if t and str(t) != sender]
        if message.get("roomid"):
            recipients.append(str(message["roomid"]))
        body = message.get("text")
        text = str(body.get("content") or "") or None if isinstance(body, dict) else None
        return Pulled(msgid, (sender,), tuple(recipients), at, text)


@hookimpl
def salesnb_sync_sources():
    return [WecomArchiveSource]
