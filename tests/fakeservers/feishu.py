"""Fake Feishu group bot: ``POST /open-apis/bot/v2/hook/TOKEN`` with timestamp and sign in the body.

19001 for an unknown token; for a bot with a signing secret, 19021 when the
timestamp is more than an hour off or the sign does not match; 9499 when the
request body is over 20 KB; 11232 over ``rate_per_minute`` (100) a minute.

Sign-in of a self-built app (one fake for accounts.feishu.cn and open.feishu.cn):
``GET /open-apis/authen/v1/authorize?client_id&response_type=code&redirect_uri&scope&state``
redirects the browser of ``signed_in`` (an open_id) back with ``?code=…&state=…``
(``?error=access_denied`` when ``declines``); ``POST /open-apis/authen/v2/oauth/token``
trades the code for a user token or answers HTTP 400 with ``code`` 20002 (bad
secret), 20003 (no such code), 20004 (expired), 20065 (used), 20071 (another
redirect_uri) or 20010 (the person may not use the app: not one of ``people``);
``GET /open-apis/authen/v1/user_info`` (``Authorization: Bearer``) answers the
person's ``user_id`` (left out without ``user_id_permission``), ``open_id``,
``union_id`` and ``tenant_key``, 20005 for a bad token, 20021 for someone who left.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from itertools import count

from .base import FakeServer, RateWindow, Reply, Request
from .oauth import AuthCodes, back_to_app, redirect

BODY_LIMIT = 20 * 1024
HOOK = "/open-apis/bot/v2/hook/"


def expected_sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _token_error(code: int, error: str, description: str) -> Reply:
    """The v2 token endpoint's refusal: HTTP 400 with code, error and error_description (RFC 6749 style)."""
    return Reply({"code": code, "error": error, "error_description": description}, status=400)


class FakeFeishu(FakeServer):
    def __init__(self, *, bots=None, rate_per_minute=100, app_id="cli_fakeappid0001", app_secret="feishu-app-secret",
                 tenant_key="fake-tenant", people=None, clock=None):
        super().__init__(clock)
        self.bots = dict(bots or {"feishu-token": "testsecret"})  # token → signing secret or None
        self.rate = RateWindow(rate_per_minute)
        self.app_id, self.app_secret, self.tenant_key = app_id, app_secret, tenant_key
        # open_id → user_id of the people who may use the app; resigned: open_ids of people who left
        self.people = dict(people if people is not None else {"ou_zhangsan": "zhangsan-fs", "ou_lisi": "lisi-fs"})
        self.resigned: set[str] = set()
        self.user_id_permission = True  # the app has contact:user.employee_id:readonly
        self.signed_in: str | None = "ou_zhangsan"  # the open_id signed in to Feishu in the browser
        self.declines = False
        self.consent = False  # True: a page with a confirm link instead of an immediate redirect
        self.codes = AuthCodes(self.clock, "fscode")
        self.user_tokens: dict[str, str] = {}  # user token → open_id
        self._serial = count(1)

    def is_message(self, request: Request) -> bool:
        return request.path.startswith(HOOK)

    def handle(self, request: Request) -> Reply:
        routes = {"/open-apis/authen/v1/authorize": self._authorize_page,
                  "/open-apis/authen/v2/oauth/token": self._oauth_token,
                  "/open-apis/authen/v1/user_info": self._user_info}
        if request.path in routes:
            return routes[request.path](request)
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

    # ------------------------------------------------------------ sign-in
    def _authorize_page(self, request: Request) -> Reply:
        q = request.query
        if q.get("client_id") != self.app_id or q.get("response_type") != "code":
            return Reply({"code": 20001, "msg": "invalid client_id or response_type (the page shows an error)"},
                         status=400)
        if not q.get("redirect_uri", "").startswith(("http://", "https://")):
            return Reply({"code": 20029, "msg": "redirect_uri is not one of the app's redirect URLs"}, status=400)
        if self.declines:
            return redirect(q["redirect_uri"], error="access_denied", state=q.get("state", ""))
        if self.signed_in is None:
            return Reply({"page": "Feishu login QR code"})
        code = self.codes.issue(self.signed_in, q["redirect_uri"])
        return back_to_app(self.consent, q["redirect_uri"], code=code, state=q.get("state", ""))

    def _oauth_token(self, request: Request) -> Reply:
        body = request.json or {}
        if body.get("grant_type") != "authorization_code":
            return _token_error(20036, "unsupported_grant_type", "The specified grant_type is not supported.")
        if body.get("client_id") != self.app_id or body.get("client_secret") != self.app_secret:
            return _token_error(20002, "invalid_client", "The client secret is invalid.")
        if not body.get("code"):
            return _token_error(20001, "invalid_request", "The request is missing a required parameter.")
        grant = self.codes.grants.get(str(body["code"]))
        if grant is not None and not grant.used and grant.redirect_uri != body.get("redirect_uri"):
            return _token_error(20071, "invalid_grant",
                                "The provided redirect URI does not match the one used during authorization.")
        outcome, grant = self.codes.redeem(str(body["code"]))
        if outcome == "unknown":
            return _token_error(20003, "invalid_grant", "The authorization code is not found. "
                                "Please note that an authorization code can only be used once.")
        if outcome == "expired":
            return _token_error(20004, "invalid_grant", "The authorization code has expired.")
        if outcome == "used":
            return _token_error(20065, "invalid_grant", "The authorization code has been used. "
                                "Please note that an authorization code can only be used once.")
        if grant.person not in self.people:
            return _token_error(20010, "invalid_grant", "The user does not have permission to use this app.")
        token = f"u-fake{next(self._serial):06d}"
        self.user_tokens[token] = grant.person
        return Reply({"code": 0, "access_token": token, "expires_in": 7200, "token_type": "Bearer",
                      "scope": "auth:user.id:read contact:user.employee_id:readonly"})

    def _user_info(self, request: Request) -> Reply:
        auth = request.headers.get("authorization", "")
        open_id = self.user_tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if open_id is None:
            return Reply({"code": 20005, "msg": "The user access token passed is invalid. Please check the value"})
        if open_id in self.resigned:
            return Reply({"code": 20021, "msg": "User resigned"})
        data = {"name": open_id.removeprefix("ou_"), "en_name": open_id.removeprefix("ou_"), "open_id": open_id,
                "union_id": f"on_{open_id}", "tenant_key": self.tenant_key}
        if self.user_id_permission:
            data["user_id"] = self.people[open_id]
        return Reply({"code": 0, "msg": "success", "data": data})
