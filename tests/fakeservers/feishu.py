"""Fake Feishu group bot: ``POST /open-apis/bot/v2/hook/TOKEN`` with timestamp and sign in the body.

19001 for an unknown token; for a bot with a signing secret, 19021 when the
timestamp is more than an hour off or the sign does not match; 9499 when the
request body is over 20 KB; 11232 over ``rate_per_minute`` (100) a minute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from .base import FakeServer, RateWindow, Reply, Request

BODY_LIMIT = 20 * 1024
HOOK = "/open-apis/bot/v2/hook/"


def expected_sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FakeFeishu(FakeServer):
    def __init__(self, *, bots=None, rate_per_minute=100, clock=None):
        super().__init__(clock)
        self.bots = dict(bots or {"feishu-token": "testsecret"})  # token → signing secret or None
        self.rate = RateWindow(rate_per_minute)

    def handle(self, request: Request) -> Reply:
        if not request.path.startswith(HOOK):
            return Reply({"code": 404, "msg": "not found"}, status=404)
        token = request.path[len(HOOK):]
        if token not in self.bots:
            return Reply({"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
        if len(request.body) > BODY_LIMIT:
            return Reply({"code": 9499, "msg": "Bad Request: request body too large"})
        body = request.json or {}
        secret = self.bots[token]
        now = self.clock()
        if secret:
            stamp = str(body.get("timestamp", ""))
            if (not stamp.isdigit() or abs(now - int(stamp)) > 3600
                    or body.get("sign") != expected_sign(stamp, secret)):
                return Reply({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"})
        if self.rate.full(token, now):
            return Reply({"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]"})
        self.rate.add(token, now)
        kind = body.get("msg_type")
        content = body.get("content", {})
        if kind == "text":
            text = content.get("text", "")
        elif kind == "post":
            post = content.get("post", {}).get("zh_cn", {})
            text = post.get("title", "") + "\n" + "".join(
                part.get("text", "") for line in post.get("content", []) for part in line)
        else:
            return Reply({"code": 9499, "msg": "Bad Request: msg_type"})
        return Reply({"code": 0, "data": {}, "msg": "success"}, delivered={"bot": token, "msg_type": kind, "text": text})
