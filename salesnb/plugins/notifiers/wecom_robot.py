"""WeCom (企业微信) group robot: ``POST /cgi-bin/webhook/send?key=KEY``.

Options: ``key`` (secret; the webhook key), ``base_url`` (default
``https://qyapi.weixin.qq.com``), ``msgtype`` (``markdown``, default, or
``text``), ``mention`` (``userid``, default: WeCom user id, else mobile;
``mobile``; ``both``; ``none``), ``rate_per_minute`` (default 20).  Text is
cut to 2048 bytes, markdown to 4096.
"""

from __future__ import annotations

from ...notify.http import check_code, request_json
from ...notify.notifier import Notification, Notifier, SendResult
from ...notify.recipients import addresses
from ...notify.textutil import json_bytes
from ..hookspecs import hookimpl
from .formatting import markdown_text, plain_text, room_for_body, with_tail

BASE_URL = "https://qyapi.weixin.qq.com"
TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096
RATE_CODES = {45009}
PERMANENT_CODES = {93000, 40008, 40058, 44004, 45033}  # bad key, bad msgtype, too long, empty, too many @


class WeComRobot(Notifier):
    type = "wecom_robot"
    description = "WeCom group robot (webhook key), markdown or text with @mentions"
    required_options = ("key",)
    default_rate_per_minute = 20

    def __init__(self, channel, context):
        super().__init__(channel, context)
        self.msgtype = self.choice_option("msgtype", ("markdown", "text"))
        self.mention = self.choice_option("mention", ("userid", "mobile", "both", "none"))

    def body_limit(self, subject: str) -> int:
        return room_for_body(TEXT_LIMIT if self.msgtype == "text" else MARKDOWN_LIMIT, subject)

    def send(self, notification: Notification) -> SendResult:
        userids, mobiles = self._mentions(notification)
        if self.msgtype == "text":
            body = {"msgtype": "text", "text": {
                "content": with_tail(plain_text(notification), "", TEXT_LIMIT),
                "mentioned_list": userids, "mentioned_mobile_list": mobiles}}
        else:
            tail = ("\n" + " ".join(f"<@{u}>" for u in userids)) if userids else ""
            body = {"msgtype": "markdown", "markdown": {
                "content": with_tail(markdown_text(notification), tail, MARKDOWN_LIMIT)}}
        url = self.url(BASE_URL, "/cgi-bin/webhook/send")
        reply = request_json(self.context.http, "POST", url, params={"key": self.option("key")},
                             content=json_bytes(body))
        check_code(reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                   permanent_codes=PERMANENT_CODES, service="WeCom robot")
        return SendResult(self.channel.name, response=reply)

    def _mentions(self, notification: Notification) -> tuple[list[str], list[str]]:
        mode = self.mention
        people = notification.everyone
        if mode == "none":
            return [], []
        if mode == "mobile":
            return [], addresses(people, "mobile")
        if mode == "both":
            return addresses(people, "wecom_userid"), addresses(people, "mobile")
        return (addresses(people, "wecom_userid"),
                addresses([p for p in people if not p.wecom_userid], "mobile"))


@hookimpl
def salesnb_channel_types():
    return [WeComRobot]
