"""WeCom (企业微信) web login for a self-built app: ``wwlogin/sso/login`` → code → ``auth/getuserinfo`` → userid.

``[sso.wecom]``: ``corp_id`` (the CorpID), ``agent_id`` (the app's AgentID),
``secret`` (the app's Secret; or ``SALESNB_SSO_WECOM_SECRET``), and for tests
or a private deployment ``api_base`` (``https://qyapi.weixin.qq.com``),
``authorize_base`` (``https://login.work.weixin.qq.com``) and ``oauth_base``
(``https://open.weixin.qq.com``).  The callback URL's host must be one of the
app's trusted domains (可信域名), or WeCom answers 50001.

The flow, as WeCom documents it:

1. a browser goes to the web login ``/wwlogin/sso/login?login_type=CorpApp&appid=CORPID
   &agentid=AGENTID&redirect_uri=…&state=…``; WeCom's own in-app browser (its
   User-Agent says ``wxwork``: a link in a WeCom message, a phone) goes to the
   OAuth page ``open.weixin.qq.com/connect/oauth2/authorize?appid=CORPID&redirect_uri=…
   &response_type=code&scope=snsapi_base&state=…&agentid=AGENTID#wechat_redirect``,
   which signs the member in without a QR code; both come back with
   ``?code=CODE&state=STATE`` (the code lives 5 minutes and works once);
2. ``GET /cgi-bin/gettoken?corpid&corpsecret`` → ``access_token`` (7200 s; cached,
   fetched again on 42001 expired / 40014 invalid);
3. ``GET /cgi-bin/auth/getuserinfo?access_token&code`` → ``{"userid"}`` for a member
   of the company, ``{"openid", "external_userid"}`` for anyone else; 40029 for a
   bad, used or expired code.
"""

from __future__ import annotations

import re

from ...config import Settings
from ...errors import AuthError
from ..hookspecs import hookimpl
from .base import AppTokens, SignInProvider, call_json, platform_error

IN_APP = re.compile(r"\bwxwork/", re.IGNORECASE)  # WeCom's in-app browser: "… wxwork/4.1.22 …"
TOKEN_EXPIRED_CODES = {42001, 40014}
INVALID_CODE = 40029

_tokens = AppTokens()


class WeComSignIn(SignInProvider):
    name = "wecom"
    labels = {"zh-CN": "企业微信", "en": "WeCom"}
    user_column = "wecom_userid"
    required_options = ("corp_id", "agent_id", "secret")
    secret_option = "secret"
    defaults = {"api_base": "https://qyapi.weixin.qq.com", "authorize_base": "https://login.work.weixin.qq.com",
                "oauth_base": "https://open.weixin.qq.com"}

    def authorize_url(self, settings: Settings, *, redirect_uri: str, state: str, user_agent: str = "") -> str:
        options = self.options(settings)
        if IN_APP.search(user_agent or ""):
            return self.url(options["oauth_base"], "/connect/oauth2/authorize", {
                "appid": options["corp_id"], "redirect_uri": redirect_uri, "response_type": "code",
                "scope": "snsapi_base", "state": state, "agentid": options["agent_id"]}) + "#wechat_redirect"
        return self.url(options["authorize_base"], "/wwlogin/sso/login", {
            "login_type": "CorpApp", "appid": options["corp_id"], "agentid": options["agent_id"],
            "redirect_uri": redirect_uri, "state": state})

    def exchange(self, settings: Settings, *, params: dict[str, str], redirect_uri: str) -> str:
        code = self.code_from(params, "code")
        options = self.options(settings)
        reply = self._getuserinfo(options, code, self._token(options))
        if _code(reply) in TOKEN_EXPIRED_CODES:
            reply = self._getuserinfo(options, code, self._token(options, refresh=True))
        errcode = _code(reply)
        if errcode == INVALID_CODE:
            raise AuthError("auth.sso.code_invalid")
        if errcode != 0:
            raise platform_error("WeCom auth/getuserinfo", errcode, reply.get("errmsg"))
        userid = str(reply.get("userid") or reply.get("UserId") or "")
        if not userid:  # an openid: someone from outside the company
            raise AuthError("auth.sso.not_member")
        return userid

    def _token(self, options: dict, *, refresh: bool = False) -> str:
        def fetch() -> tuple[str, float]:
            _, reply = call_json("GET", self.url(options["api_base"], "/cgi-bin/gettoken"), service="WeCom gettoken",
                                 params={"corpid": options["corp_id"], "corpsecret": options["secret"]})
            if _code(reply) != 0 or not reply.get("access_token"):
                raise platform_error("WeCom gettoken", reply.get("errcode"), reply.get("errmsg"))
            return str(reply["access_token"]), float(reply.get("expires_in") or 7200)

        key = AppTokens.key(options["api_base"], str(options["corp_id"]), secret=str(options["secret"]))
        return _tokens.get(key, fetch, refresh=refresh)

    def _getuserinfo(self, options: dict, code: str, token: str) -> dict:
        _, reply = call_json("GET", self.url(options["api_base"], "/cgi-bin/auth/getuserinfo"),
                             service="WeCom auth/getuserinfo", params={"access_token": token, "code": code})
        return reply

    @staticmethod
    def forget_tokens() -> None:
        _tokens.forget()


def _code(reply: dict) -> int | None:
    try:
        return int(reply.get("errcode", 0))
    except (TypeError, ValueError):
        return None


@hookimpl
def salesnb_signin_providers():
    return [WeComSignIn()]
