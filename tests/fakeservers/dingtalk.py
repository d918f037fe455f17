"""Fake DingTalk group robot: ``POST /robot/send?access_token=T&timestamp=MS&sign=S``.

300001 for an unknown token; for a robot with a signing secret, 310000 when
the timestamp is more than an hour off or the sign does not match; 460101
when the text is over 20000 bytes; 130101 over 20 messages a minute, after
which the robot stays blocked for 10 minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from .base import FakeServer, RateWindow, Reply, Request

TEXT_LIMIT = 20000


def expected_sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FakeDingTalk(FakeServer):
    def __init__(self, *, robots=None, rate_per_minute=20, clock=None):
        super().__init__(clock)
        # access_token → signing secret (None: unsigned robot)
        self.robots = dict(robots or {"ding-token": "SECtestsecret0123456789"})
        self.rate = RateWindow(rate_per_minute)
        self.blocked_until: dict[str, float] = {}

    def handle(self, request: Request) -> Reply:
        if request.path != "/robot/send":
            return Reply({"errcode": 404, "errmsg": "not found"}, status=404)
        token = request.query.get("access_token", "")
        if token not in self.robots:
            return Reply({"errcode": 300001, "errmsg": "token is not exist"})
        secret = self.robots[token]
        now = self.clock()
        if secret:
            stamp = request.query.get("timestamp", "")
            if not stamp.isdigit() or abs(now * 1000 - int(stamp)) > 3600 * 1000:
                return Reply({"errcode": 310000, "errmsg": "invalid timestamp"})
            # parse_qs already URL-decoded the sign
            if request.query.get("sign") != expected_sign(stamp, secret):
                return Reply({"errcode": 310000, "errmsg": "sign not match"})
        body = request.json or {}
        msgtype = body.get("msgtype")
        if msgtype == "markdown":
            text = body.get("markdown", {}).get("text", "")
        elif msgtype == "text":
            text = body.get("text", {}).get("content", "")
        else:
            return Reply({"errcode": 40035, "errmsg": "缺少参数 msgtype"})
        if len(text.encode("utf-8")) > TEXT_LIMIT:
            return Reply({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
        if now < self.blocked_until.get(token, 0) or self.rate.full(token, now):
            self.blocked_until.setdefault(token, now + 600)
            return Reply({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        self.rate.add(token, now)
        at = body.get("at", {})
        return Reply({"errcode": 0, "errmsg": "ok"}, delivered={
            "robot": token, "msgtype": msgtype, "text": text, "title": body.get(msgtype, {}).get("title"),
            "at_mobiles": at.get("atMobiles", [])})
