"""DingTalk (钉钉) group robot: ``POST /robot/send?access_token=T&timestamp=MS&sign=S``.

Options: ``access_token`` (secret), ``secret`` (the signing secret,
``SEC…``; when absent the request is unsigned), ``base_url`` (default
``https://oapi.dingtalk.com``), ``msgtype`` (``markdown``, default, or
``text``), ``rate_per_minute`` (default 20: over it DingTalk blocks the robot
for 10 minutes).  Recipients are @-mentioned by mobile.  Text is cut to 20000
bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from ...notify.http import check_code, request_json
from ...notify.notifier import Notification, Notifier, SendResult
from ...notify.recipients import addresses
from ...notify.textutil import json_bytes
from ..hookspecs import hookimpl
from .formatting import link_tail, markdown_text, plain_text, room_for_body, with_tail

BASE_URL = "https://oapi.dingtalk.com"
TEXT_LIMIT = 20000
BLOCK_SECONDS = 600.0  # DingTalk blocks a robot 10 minutes after 130101
RATE_CODES = {130101}
PERMANENT_CODES = {310000, 300001, 300005, 460101, 400013, 40035}


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """base64(HMAC-SHA256(key=secret, msg=f"{timestamp_ms}\\n{secret}")); URL-encode it when sending."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingTalkRobot(Notifier):
    type = "dingtalk"
    description = "DingTalk group robot with HMAC-SHA256 signing, @mentions by mobile"
    required_options = ("access_token",)
    default_rate_per_minute = 20

    def __init__(self, channel, context):
        super().__init__(channel, context)
        self.msgtype = self.choice_option("msgtype", ("markdown", "text"))

    def body_limit(self, subject: str) -> int:
        return room_for_body(TEXT_LIMIT, subject)

    def send(self, notification: Notification) -> SendResult:
        mobiles = addresses(notification.everyone, "mobile")
        tail = ("\n" + " ".join(f"@{m}" for m in mobiles)) if mobiles else ""
        at = {"atMobiles": mobiles, "isAtAll": False}
        if self.msgtype == "text":
            text = with_tail(plain_text(notification), link_tail(notification) + tail, TEXT_LIMIT)
            body = {"msgtype": "text", "text": {"content": text}, "at": at}
        else:
            text = with_tail(markdown_text(notification), link_tail(notification, markdown=True) + tail, TEXT_LIMIT)
            body = {"msgtype": "markdown", "markdown": {"title": notification.subject or "salesnb", "text": text}, "at": at}
        params = {"access_token": self.option("access_token")}
        secret = self.option("secret")
        if secret:
            timestamp = int(self.context.clock() * 1000)
            params.update(timestamp=str(timestamp), sign=dingtalk_sign(timestamp, str(secret)))
        reply = request_json(self.context.http, "POST", self.url(BASE_URL, "/robot/send"),
                             params=params, content=json_bytes(body))
        check_code(reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                   permanent_codes=PERMANENT_CODES, rate_pause=BLOCK_SECONDS, service="DingTalk")
        return SendResult(self.channel.name, response=reply)


@hookimpl
def salesnb_channel_types():
    return [DingTalkRobot]
