"""Fake WeCom (企业微信): group robot webhooks and the application message API.

Robot: ``POST /cgi-bin/webhook/send?key=KEY`` — 93000 for an unknown key,
45009 over 20 messages a minute per robot, 40058 when text > 2048 bytes or
markdown > 4096 bytes; ``file`` messages name a ``media_id`` from
``POST /cgi-bin/webhook/upload_media?key=KEY&type=file`` (multipart field
``media``, 5 bytes to 20 MB; 40006 otherwise, 40007 for an unknown media id).
App: ``POST /cgi-bin/media/upload?access_token=T&type=file`` likewise, and
``file`` messages.  App: ``GET /cgi-bin/gettoken`` (40013 bad corpid,
40001 bad secret; tokens live ``expires_in`` = 7200 s) and ``POST
/cgi-bin/message/send?access_token=T`` (40014 unknown token, 42001 expired,
``invaliduser`` for unknown users, duplicate check as documented: the same
content to the same users within ``duplicate_check_interval`` is dropped).

Web login (企业微信 Web 登录, self-built app): ``GET /wwlogin/sso/login?login_type=CorpApp
&appid=CORPID&agentid=AGENTID&redirect_uri=…&state=…`` redirects the browser of
``signed_in`` (a member's userid, or anyone else's account) straight back with
``?code=…&state=…``; so does the in-app OAuth page ``GET /connect/oauth2/authorize?appid
&redirect_uri&response_type=code&scope=snsapi_base&state&agentid`` (what WeCom's own
browser opens); ``GET /cgi-bin/auth/getuserinfo?access_token&code`` answers
``{"userid"}`` for a member (one of ``users``), ``{"openid", "external_userid"}``
for anyone else, 40029 for an unknown, used or expired code (5 minutes).
"""

from __future__ import annotations

import json
from itertools import count

from .base import FakeServer, RateWindow, Reply, Request, multipart_files
from .oauth import AuthCodes, back_to_app

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096
MEDIA_MIN, MEDIA_MAX = 5, 20 * 1024 * 1024


def _err(code: int, msg: str) -> Reply:
    return Reply({"errcode": code, "errmsg": msg})


class FakeWeCom(FakeServer):
    def __init__(self, *, keys=("robot-key",), corpid="ww-corp", corpsecret="corp-secret",
                 agentid=1000002, users=("zhangsan", "lisi", "wangwu"), rate_per_minute=20, clock=None):
        super().__init__(clock)
        self.keys = set(keys)
        self.corpid, self.corpsecret, self.agentid = corpid, corpsecret, agentid
        self.users = set(users)
        self.rate = RateWindow(rate_per_minute)
        self.tokens: dict[str, float] = {}  # token → expires at
        self.gettoken_calls = 0
        self.duplicates_dropped = 0
        self._recent: dict[str, float] = {}
        self._serial = count(1)
        self.signed_in: str | None = "zhangsan"  # who is signed in to WeCom in the browser
        self.consent = False  # True: a page with a confirm link instead of an immediate redirect
        self.codes = AuthCodes(self.clock, "wwcode")
        self.media: dict[str, tuple[str, bytes]] = {}  # media_id → (file name, content)

    def is_message(self, request: Request) -> bool:
        return request.path in ("/cgi-bin/webhook/send", "/cgi-bin/message/send")

    def expire_tokens(self) -> None:
        """Make every issued token expired (the next send gets 42001)."""
        for token in self.tokens:
            self.tokens[token] = self.clock() - 1

    def handle(self, request: Request) -> Reply:
        if request.path == "/cgi-bin/webhook/send":
            return self._robot(request)
        if request.path == "/cgi-bin/gettoken":
            return self._gettoken(request)
        if request.path == "/cgi-bin/message/send":
            return self._app_send(request)
        if request.path == "/wwlogin/sso/login":
            return self._login_page(request)
        if request.path == "/connect/oauth2/authorize":
            return self._in_app_oauth(request)
        if request.path == "/cgi-bin/auth/getuserinfo":
            return self._getuserinfo(request)
        if request.path == "/cgi-bin/webhook/upload_media":
            if request.query.get("key", "") not in self.keys:
                return _err(93000, "invalid webhook url")
            return self._upload(request)
        if request.path == "/cgi-bin/media/upload":
            token = request.query.get("access_token", "")
            if token not in self.tokens or self.tokens[token] <= self.clock():
                return _err(40014, "invalid access_token")
            return self._upload(request)
        return Reply({"errcode": 404, "errmsg": "not found"}, status=404)

    def _robot(self, request: Request) -> Reply:
        key = request.query.get("key", "")
        if key not in self.keys:
            return _err(93000, "invalid webhook url, hint: [1700000000_1_abc]")
        body = request.json or {}
        msgtype = body.get("msgtype")
        if msgtype == "file":
            return self._robot_file(key, body)
        if msgtype not in ("text", "markdown"):
            return _err(40008, "invalid message type")
        content = body.get(msgtype, {}).get("content", "")
        limit = TEXT_LIMIT if msgtype == "text" else MARKDOWN_LIMIT
        if len(content.encode("utf-8")) > limit:
            return _err(40058, f"{msgtype}.content exceed max length {limit}")
        now = self.clock()
        if self.rate.full(key, now):
            return _err(45009, "api freq out of limit")
        self.rate.add(key, now)
        delivered = {"robot": key, "msgtype": msgtype, "text": content,
                     "mentioned_list": body[msgtype].get("mentioned_list", []),
                     "mentioned_mobile_list": body[msgtype].get("mentioned_mobile_list", [])}
        return Reply({"errcode": 0, "errmsg": "ok"}, delivered=delivered)

    def _upload(self, request: Request) -> Reply:
        if request.query.get("type") != "file":
            return _err(40004, "invalid media type")
        media = multipart_files(request).get("media")
        if media is None or not MEDIA_MIN <= len(media[1]) <= MEDIA_MAX:
            return _err(40006, "invalid file size")
        media_id = f"media-{next(self._serial)}"
        self.media[media_id] = media
        return Reply({"errcode": 0, "errmsg": "ok", "type": "file", "media_id": media_id,
                      "created_at": str(int(self.clock()))})

    def _robot_file(self, key: str, body: dict) -> Reply:
        media_id = (body.get("file") or {}).get("media_id", "")
        if media_id not in self.media:
            return _err(40007, "invalid media_id")
        now = self.clock()
        if self.rate.full(key, now):
            return _err(45009, "api freq out of limit")
        self.rate.add(key, now)
        filename, content = self.media[media_id]
        return Reply({"errcode": 0, "errmsg": "ok"}, delivered={
            "robot": key, "msgtype": "file", "text": f"[file] {filename}", "filename": filename, "content": content})

    def _gettoken(self, request: Request) -> Reply:
        self.gettoken_calls += 1
        if request.query.get("corpid") != self.corpid:
            return _err(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.corpsecret:
            return _err(40001, "invalid credential")
        token = f"token-{next(self._serial)}"
        self.tokens[token] = self.clock() + 7200
        return Reply({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})

    def _token_error(self, request: Request) -> Reply | None:
        token = request.query.get("access_token", "")
        if token not in self.tokens:
            return _err(40014, "invalid access_token")
        if self.tokens[token] <= self.clock():
            return _err(42001, "access_token expired")
        return None

    def _login_page(self, request: Request) -> Reply:
        q = request.query
        if q.get("login_type") != "CorpApp" or q.get("appid") != self.corpid or q.get("agentid") != str(self.agentid):
            return Reply({"errcode": 40013, "errmsg": "invalid corpid or agentid (the login page shows an error)"},
                         status=400)
        if not q.get("redirect_uri", "").startswith(("http://", "https://")):
            return Reply({"errcode": 40001, "errmsg": "redirect_uri参数错误"}, status=400)
        if self.signed_in is None:  # nobody signed in: the page shows its QR code and waits
            return Reply({"page": "WeCom login QR code"})
        code = self.codes.issue(self.signed_in, q["redirect_uri"])
        return back_to_app(self.consent, q["redirect_uri"], code=code, state=q.get("state", ""))

    def _in_app_oauth(self, request: Request) -> Reply:
        q = request.query
        if q.get("appid") != self.corpid or q.get("response_type") != "code" or q.get("agentid") != str(self.agentid):
            return Reply({"errcode": 40013, "errmsg": "invalid appid or agentid (the page shows an error)"}, status=400)
        if q.get("scope") not in ("snsapi_base", "snsapi_privateinfo"):
            return Reply({"errcode": 40001, "errmsg": "invalid scope"}, status=400)
        if self.signed_in is None:
            return Reply({"page": "open this link in WeCom"})
        code = self.codes.issue(self.signed_in, q.get("redirect_uri", ""))
        return back_to_app(False, q.get("redirect_uri", ""), code=code, state=q.get("state", ""))

    def _getuserinfo(self, request: Request) -> Reply:
        refused = self._token_error(request)
        if refused is not None:
            return refused
        outcome, grant = self.codes.redeem(request.query.get("code", ""))
        if outcome != "ok":
            return _err(40029, "invalid code")
        if grant.person in self.users:
            return Reply({"errcode": 0, "errmsg": "ok", "userid": grant.person})
        return Reply({"errcode": 0, "errmsg": "ok", "openid": f"oOutsider-{grant.person}",
                      "external_userid": f"wmExternal-{grant.person}"})

    def _app_send(self, request: Request) -> Reply:
        refused = self._token_error(request)
        if refused is not None:
            return refused
        body = request.json or {}
        if body.get("agentid") != self.agentid:
            return _err(40056, "invalid agentid")
        msgtype = body.get("msgtype")
        if msgtype not in ("textcard", "text", "file"):
            return _err(40008, "invalid message type")
        if msgtype == "file" and (body.get("file") or {}).get("media_id") not in self.media:
            return _err(40007, "invalid media_id")
        users = [u for u in str(body.get("touser", "")).split("|") if u]
        valid = [u for u in users if u in self.users]
        invalid = [u for u in users if u not in self.users]
        if not valid:
            return Reply({"errcode": 81013, "errmsg": "user & party & tag all invalid", "invaliduser": "|".join(invalid)})
        content = body.get(msgtype, {})
        reply = {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid), "msgid": f"msg-{next(self._serial)}"}
        if body.get("enable_duplicate_check"):
            fingerprint = json.dumps([sorted(valid), msgtype, content], sort_keys=True, ensure_ascii=False)
            window = float(body.get("duplicate_check_interval") or 1800)
            last = self._recent.get(fingerprint)
            if last is not None and self.clock() - last < window:
                self.duplicates_dropped += 1
                return Reply(reply)  # WeCom answers ok and does not deliver again
            self._recent[fingerprint] = self.clock()
        if msgtype == "file":
            filename, data = self.media[content["media_id"]]
            return Reply(reply, delivered={"touser": valid, "msgtype": "file", "text": f"[file] {filename}",
                                           "filename": filename, "content": data})
        text = f"{content.get('title', '')}\n{content.get('description', '')}" if msgtype == "textcard" else content.get("content", "")
        return Reply(reply, delivered={"touser": valid, "msgtype": msgtype, "text": text, "card": content})
