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
from itertools import count

from .base import FakeServer, RateWindow, Reply, Request
from .oauth import AuthCodes, back_to_app, redirect

TEXT_LIMIT = 20000


def expected_sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _api_error(code: str, message: str, status: int = 400) -> Reply:
    """The new API's refusal: HTTP 4xx with code, message and requestid."""
    return Reply({"code": code, "message": message, "requestid": "FAKE-REQUEST-ID"}, status=status)


class FakeDingTalk(FakeServer):
    def __init__(self, *, robots=None, rate_per_minute=20, client_id="dingfakeclientid",
                 client_secret="ding-client-secret", corp_id="dingfakecorp", members=None, externals=None, clock=None):
        super().__init__(clock)
        # access_token → signing secret (None: unsigned robot)
        self.robots = dict(robots or {"ding-token": "SECtestsecret0123456789"})
        self.rate = RateWindow(rate_per_minute)
        self.blocked_until: dict[str, float] = {}
        self.client_id, self.client_secret, self.corp_id = client_id, client_secret, corp_id
        # unionId → userid in this company; externals: unionId → userid of an external contact
        self.members = dict(members if members is not None else {
            "union-zhangsan": "zhangsan-dt", "union-lisi": "lisi-dt"})
        self.externals = dict(externals or {})
        self.signed_in: str | None = "union-zhangsan"  # the unionId signed in to DingTalk in the browser
        self.declines = False
        self.consent = False  # True: a page with a confirm link instead of an immediate redirect
        self.codes = AuthCodes(self.clock, "dtauth")
        self.user_tokens: dict[str, str] = {}  # user token → unionId
        self.app_tokens: dict[str, float] = {}  # app token → expires at
        self.app_token_calls = 0
        self._serial = count(1)

    def is_message(self, request: Request) -> bool:
        return request.path == "/robot/send"

    def expire_tokens(self) -> None:
        """Make every app token expired (the next getbyunionid is refused)."""
        for token in self.app_tokens:
            self.app_tokens[token] = self.clock() - 1

    def handle(self, request: Request) -> Reply:
        routes = {"/oauth2/auth": self._auth_page, "/v1.0/oauth2/userAccessToken": self._user_access_token,
                  "/v1.0/contact/users/me": self._users_me, "/v1.0/oauth2/accessToken": self._app_access_token,
                  "/topapi/user/getbyunionid": self._getbyunionid}
        if request.path in routes:
            return routes[request.path](request)
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

    # ------------------------------------------------------------ sign-in
    def _auth_page(self, request: Request) -> Reply:
        q = request.query
        if q.get("client_id") != self.client_id:
            return Reply({"error": "invalid client_id (the page shows an error)"}, status=400)
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return Reply({"error": "invalid response_type or scope"}, status=400)
        if not q.get("redirect_uri", "").startswith(("http://", "https://")):
            return Reply({"error": "invalid redirect_uri"}, status=400)
        if self.declines:
            return redirect(q["redirect_uri"], error="access_denied", state=q.get("state", ""))
        if self.signed_in is None:
            return Reply({"page": "DingTalk login QR code"})
        code = self.codes.issue(self.signed_in, q["redirect_uri"])
        return back_to_app(self.consent, q["redirect_uri"], authCode=code, state=q.get("state", ""))

    def _user_access_token(self, request: Request) -> Reply:
        body = request.json or {}
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return _api_error("invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        if body.get("grantType") != "authorization_code":
            return _api_error("invalidParameter.grantType.invalid", "grantType不合法")
        outcome, grant = self.codes.redeem(str(body.get("code") or ""))
        if outcome != "ok":
            return _api_error("invalidParameter.authCode.notFound", "不合法的临时授权码")
        token = f"user-token-{next(self._serial)}"
        self.user_tokens[token] = grant.person
        return Reply({"accessToken": token, "refreshToken": f"refresh-{token}", "expireIn": 7200,
                      "corpId": self.corp_id})

    def _users_me(self, request: Request) -> Reply:
        union_id = self.user_tokens.get(request.headers.get("x-acs-dingtalk-access-token", ""))
        if union_id is None:
            return _api_error("InvalidAuthentication", "不合法的access_token")
        return Reply({"nick": union_id.removeprefix("union-"), "unionId": union_id, "openId": f"open-{union_id}",
                      "avatarUrl": "", "stateCode": "86"})

    def _app_access_token(self, request: Request) -> Reply:
        self.app_token_calls += 1
        body = request.json or {}
        if body.get("appKey") != self.client_id or body.get("appSecret") != self.client_secret:
            return _api_error("invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        token = f"app-token-{next(self._serial)}"
        self.app_tokens[token] = self.clock() + 7200
        return Reply({"accessToken": token, "expireIn": 7200})

    def _getbyunionid(self, request: Request) -> Reply:
        token = request.query.get("access_token", "")
        if self.app_tokens.get(token, 0) <= self.clock():
            return Reply({"errcode": 88, "sub_code": "40014", "sub_msg": "不合法的access_token",
                          "errmsg": "ding talk error[subcode=40014,submsg=不合法的access_token]",
                          "request_id": "fakerequest"})
        union_id = str((request.json or {}).get("unionid") or "")
        if union_id in self.members:
            result = {"contact_type": 0, "userid": self.members[union_id]}
        elif union_id in self.externals:
            result = {"contact_type": 1, "userid": self.externals[union_id]}
        else:
            return Reply({"errcode": 60121, "errmsg": "找不到该用户", "request_id": "fakerequest"})
        return Reply({"errcode": 0, "errmsg": "ok", "result": result, "request_id": "fakerequest"})
