"""WeCom (企业微信) application message: ``gettoken`` then ``message/send`` as a text card.

Options: ``corpid``, ``corpsecret`` (secret), ``agentid``, ``base_url``
(default ``https://qyapi.weixin.qq.com``), ``msgtype`` (``textcard``, default,
or ``text``), ``url`` (the card's link; a message's ``payload["url"]`` wins),
``rate_per_minute``.  Recipients are users' ``wecom_userid`` joined as
``touser = "a|b"``.

The access token (valid ``expires_in`` = 7200 s) is cached per process,
fetched again 5 minutes before it expires and at once on errcode 42001
(expired) or 40014 (invalid).  Messages are sent with WeCom's duplicate
check on (4 hours, the maximum), so a message re-sent after an in-doubt
failure is dropped by WeCom instead of arriving twice.
"""

from __future__ import annotations

import hashlib
import html
import threading
from typing import ClassVar

from ...notify.http import check_code, request_json
from ...notify.notifier import FileAttachment, Notification, Notifier, PermanentFailure, SendResult
from ...notify.recipients import addresses
from ...notify.redact import register_secrets
from ...notify.textutil import json_bytes, truncate_utf8
from ..hookspecs import hookimpl
from .formatting import plain_text, room_for_body

BASE_URL = "https://qyapi.weixin.qq.com"
TITLE_LIMIT = 128
DESCRIPTION_LIMIT = 512
ESCAPE_RESERVE = 64  # html.escape may lengthen a digest's body a little
TEXT_LIMIT = 2048
REFRESH_MARGIN = 300.0  # seconds before expiry when the token is fetched again
DUPLICATE_CHECK_SECONDS = 4 * 3600
TOKEN_EXPIRED_CODES = {42001, 40014}
RATE_CODES = {45009, 45033}
PERMANENT_CODES = {40001, 40013, 40056, 40091, 81013, 82001, 60020, 301002}


class WeComApp(Notifier):
    type = "wecom_app"
    description = "WeCom application message (corpid/corpsecret/agentid) to users' wecom_userid"
    required_options = ("corpid", "corpsecret", "agentid")
    idempotent = True

    _tokens: ClassVar[dict[tuple[str, str, str], tuple[str, float]]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, channel, context):
        super().__init__(channel, context)
        self.msgtype = self.choice_option("msgtype", ("textcard", "text"))
        self.agentid = self.int_option("agentid", None)

    @property
    def _cache_key(self) -> tuple[str, str, str]:
        secret_hash = hashlib.sha256(str(self.option("corpsecret")).encode()).hexdigest()
        return (self.url(BASE_URL, ""), str(self.option("corpid")), secret_hash)

    def access_token(self, *, refresh: bool = False) -> str:
        """The cached access token, fetched when missing, near expiry or when ``refresh``."""
        with self._lock:
            cached = self._tokens.get(self._cache_key)
            if cached and not refresh and self.context.clock() < cached[1] - REFRESH_MARGIN:
                return cached[0]
            reply = request_json(self.context.http, "GET", self.url(BASE_URL, "/cgi-bin/gettoken"),
                                 params={"corpid": self.option("corpid"), "corpsecret": self.option("corpsecret")})
            check_code(reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                       permanent_codes=PERMANENT_CODES, service="WeCom gettoken")
            token = str(reply.get("access_token") or "")
            if not token:
                raise PermanentFailure("WeCom gettoken returned no access_token")
            register_secrets([token])
            expires_in = float(reply.get("expires_in") or 7200)
            self._tokens[self._cache_key] = (token, self.context.clock() + expires_in)
            return token

    def body_limit(self, subject: str) -> int:
        if self.msgtype == "textcard":  # the subject is the card's title; escaping may lengthen the body
            return DESCRIPTION_LIMIT - ESCAPE_RESERVE
        return room_for_body(TEXT_LIMIT, subject, extra=0)

    def send(self, notification: Notification) -> SendResult:
        users = addresses(notification.everyone, "wecom_userid")
        if not users:
            ids = ", ".join(p.user_id for p in notification.everyone) or "(none)"
            raise PermanentFailure(f"no recipient has a wecom_userid (users: {ids})")
        body = {"touser": "|".join(users), "msgtype": self.msgtype, "agentid": self.agentid,
                "enable_duplicate_check": 1, "duplicate_check_interval": DUPLICATE_CHECK_SECONDS}
        if self.msgtype == "textcard":
            body["textcard"] = {
                "title": truncate_utf8(notification.subject or "salesnb", TITLE_LIMIT),
                "description": truncate_utf8(html.escape(notification.body, quote=False), DESCRIPTION_LIMIT),
                "url": self._card_url(notification),
                "btntxt": "详情",
            }
        else:
            body["text"] = {"content": truncate_utf8(plain_text(notification), TEXT_LIMIT)}
        content = json_bytes(body)
        reply = self._post(content, self.access_token())
        if _code(reply) in TOKEN_EXPIRED_CODES:
            reply = self._post(content, self.access_token(refresh=True))
        check_code(reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                   permanent_codes=PERMANENT_CODES | TOKEN_EXPIRED_CODES, service="WeCom app")
        for attachment in notification.attachments:
            media_id = self._upload(attachment)
            file_body = {**{k: body[k] for k in ("touser", "agentid", "enable_duplicate_check",
                                                 "duplicate_check_interval")},
                         "msgtype": "file", "file": {"media_id": media_id}}
            file_reply = self._post(json_bytes(file_body), self.access_token())
            check_code(file_reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                       permanent_codes=PERMANENT_CODES | TOKEN_EXPIRED_CODES, service="WeCom app")
        invalid = reply.get("invaliduser") or ""
        detail = f"ok (invalid users: {invalid})" if invalid else "ok"
        return SendResult(self.channel.name, detail=detail, response=reply)

    def _upload(self, attachment: FileAttachment) -> str:
        """``POST /cgi-bin/media/upload?type=file`` (multipart field ``media``); return the media_id."""
        reply = request_json(self.context.http, "POST", self.url(BASE_URL, "/cgi-bin/media/upload"),
                             params={"access_token": self.access_token(), "type": "file"},
                             files={"media": (attachment.filename, attachment.content, "application/octet-stream")})
        check_code(reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                   permanent_codes=PERMANENT_CODES | TOKEN_EXPIRED_CODES, service="WeCom app upload")
        media_id = str(reply.get("media_id") or "")
        if not media_id:
            raise PermanentFailure("WeCom media/upload returned no media_id")
        return media_id

    def _post(self, content: bytes, token: str) -> dict:
        return request_json(self.context.http, "POST", self.url(BASE_URL, "/cgi-bin/message/send"),
                            params={"access_token": token}, content=content)

    def _card_url(self, notification: Notification) -> str:
        # The dedup key's hash in the fragment makes two different messages with
        # the same text distinct for WeCom's duplicate check, and a re-send of
        # the same message identical.
        base = str(notification.payload.get("url") or self.option("url", "https://work.weixin.qq.com/"))
        ref = hashlib.sha256(notification.dedup_key.encode()).hexdigest()[:16]
        return f"{base}#salesnb-{ref}"

    @classmethod
    def forget_tokens(cls) -> None:
        """Drop every cached access token (tests, or after rotating a secret)."""
        with cls._lock:
            cls._tokens.clear()


def _code(reply: dict) -> int | None:
    try:
        return int(reply.get("errcode", 0))
    except (TypeError, ValueError):
        return None


@hookimpl
def salesnb_channel_types():
    return [WeComApp]
