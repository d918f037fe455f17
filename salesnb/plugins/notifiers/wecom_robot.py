"""WeCom (企业微信) group robot: ``POST /cgi-bin/webhook/send?key=KEY``.

Options: ``key`` (secret; the webhook key), ``base_url`` (default
``https://qyapi.weixin.qq.com``), ``msgtype`` (``markdown``, default, or
``text``), ``mention`` (``userid``, default: WeCom user id, else mobile;
``mobile``; ``both``; ``none``), ``rate_per_minute`` (default 20).  Text is
cut to 2048 bytes, markdown to 4096.  A message's attached files follow the
text: each is uploaded (``POST /cgi-bin/webhook/upload_media?key=KEY&type=file``,
multipart field ``media``) and sent as a ``file`` message with the returned
``media_id``.
"""

from __future__ import annotations

from ...notify.http import check_code, request_json
from ...notify.notifier import FileAttachment, Notification, Notifier, PermanentFailure, SendResult
from ...notify.recipients import addresses
from ...notify.textutil import json_bytes
from ..hookspecs import hookimpl
from .formatting import link_tail, markdown_text, plain_text, room_for_body, with_tail

BASE_URL = "https://qyapi.weixin.qq.com"
TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096
RATE_CODES = {45009}
PERMANENT_CODES = {93000, 40008, 40058, 44004, 45033}  # bad key, bad msgtype, too long, empty, too many @
UPLOAD_PERMANENT_CODES = {40004, 40005, 40006, 40007, 44001}  # bad media type / file, size, media id, empty


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
                "content": with_tail(plain_text(notification), link_tail(notification), TEXT_LIMIT),
                "mentioned_list": userids, "mentioned_mobile_list": mobiles}}
        else:
            tail = link_tail(notification, markdown=True) + (("\n" + " ".join(f"<@{u}>" for u in userids))
                                                              if userids else "")
            body = {"msgtype": "markdown", "markdown": {
                "content": with_tail(markdown_text(notification), tail, MARKDOWN_LIMIT)}}
        reply = self._post(body)
        for attachment in notification.attachments:
            self._post({"msgtype": "file", "file": {"media_id": self._upload(attachment)}})
        return SendResult(self.channel.name, response=reply)

    def _post(self, body: dict) -> dict:
        url = self.url(BASE_URL, "/cgi-bin/webhook/send")
        reply = request_json(self.context.http, "POST", url, params={"key": self.option("key")},
                             content=json_bytes(body))
        check_code(reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                   permanent_codes=PERMANENT_CODES, service="WeCom robot")
        return reply

    def _upload(self, attachment: FileAttachment) -> str:
        """Upload a file for the robot to send; return its media_id (valid three days)."""
        url = self.url(BASE_URL, "/cgi-bin/webhook/upload_media")
        reply = request_json(self.context.http, "POST", url, params={"key": self.option("key"), "type": "file"},
                             files={"media": (attachment.filename, attachment.content, "application/octet-stream")})
        check_code(reply, code_key="errcode", message_key="errmsg", rate_codes=RATE_CODES,
                   permanent_codes=PERMANENT_CODES | UPLOAD_PERMANENT_CODES, service="WeCom robot upload")
        media_id = str(reply.get("media_id") or "")
        if not media_id:
            raise PermanentFailure("WeCom robot upload_media returned no media_id")
        return media_id

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
