"""Feishu (飞书) group bot: ``POST /open-apis/bot/v2/hook/TOKEN`` with timestamp and sign in the body.

Options: ``token`` (secret; the last part of the webhook URL), ``secret``
(signing secret; unsigned when absent), ``base_url`` (default
``https://open.feishu.cn``), ``msgtype`` (``post``, default: rich text with
the subject as title, or ``text``), ``rate_per_minute`` (default 100, Feishu's
limit for a group bot).  Feishu limits the *request body* to 20 KB, so the
text is cut until the whole JSON body fits 20 × 1024 bytes.  Recipients are
named as plain ``@name`` text: a real Feishu @-mention needs an open_id,
which the users table does not hold.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from ...notify.http import check_code, request_json
from ...notify.notifier import Notification, Notifier, SendResult
from ...notify.textutil import fit_json
from ..hookspecs import hookimpl
from .formatting import item_link, link_tail, plain_text, room_for_body

BASE_URL = "https://open.feishu.cn"
BODY_LIMIT = 20 * 1024
ENVELOPE_BYTES = 2048  # JSON structure, signature, title and the escaping of the text, for digests
RATE_CODES = {11232}
PERMANENT_CODES = {19021, 19001, 19022, 19024, 9499}  # bad sign, bad token, IP, keyword, bad request


def feishu_sign(timestamp_s: int, secret: str) -> str:
    """base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FeishuBot(Notifier):
    type = "feishu"
    description = "Feishu group bot with signing (timestamp and sign in the JSON body)"
    required_options = ("token",)
    default_rate_per_minute = 100

    def __init__(self, channel, context):
        super().__init__(channel, context)
        self.msgtype = self.choice_option("msgtype", ("post", "text"))

    def body_limit(self, subject: str) -> int:
        return room_for_body(BODY_LIMIT - ENVELOPE_BYTES, subject)

    def send(self, notification: Notification) -> SendResult:
        envelope: dict = {}
        secret = self.option("secret")
        if secret:
            timestamp = int(self.context.clock())
            envelope = {"timestamp": str(timestamp), "sign": feishu_sign(timestamp, str(secret))}
        names = " ".join(f"@{p.label}" for p in notification.everyone)
        link, tail = item_link(notification), link_tail(notification) + (f"\n{names}" if names else "")
        if self.msgtype == "text":  # the link and the names come after the cut text, whole
            text = plain_text(notification)
            content = fit_json(lambda t: {**envelope, "msg_type": "text", "content": {"text": t + tail}}, text,
                               BODY_LIMIT)
        else:
            text = notification.body + (f"\n{names}" if names else "")
            lines = [[{"tag": "a", "text": link, "href": link}]] if link and link not in notification.body else []
            content = fit_json(lambda t: {**envelope, "msg_type": "post", "content": {"post": {"zh_cn": {
                "title": notification.subject, "content": [[{"tag": "text", "text": t}], *lines]}}}}, text,
                BODY_LIMIT)
        url = self.url(BASE_URL, f"/open-apis/bot/v2/hook/{self.option('token')}")
        reply = request_json(self.context.http, "POST", url, content=content)
        if "code" not in reply and "StatusCode" in reply:  # the older reply shape
            reply = {"code": reply["StatusCode"], "msg": reply.get("StatusMessage"), **reply}
        check_code(reply, code_key="code", message_key="msg", rate_codes=RATE_CODES,
                   permanent_codes=PERMANENT_CODES, service="Feishu")
        return SendResult(self.channel.name, response=reply)


@hookimpl
def salesnb_channel_types():
    return [FeishuBot]
