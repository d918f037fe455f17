"""DingTalk (钉钉) sign-in for an internal app: ``oauth2/auth`` → authCode → user token → unionId → userid.

``[sso.dingtalk]``: ``client_id`` (the app's Client ID, formerly AppKey),
``client_secret`` (or ``SALESNB_SSO_DINGTALK_SECRET``), and for tests or a
private deployment ``authorize_base`` (``https://login.dingtalk.com``),
``api_base`` (``https://api.dingtalk.com``, the new API) and ``oapi_base``
(``https://oapi.dingtalk.com``, the old one, which alone maps a unionId to a
userid).  The app needs the personal permission ``Contact.User.Read`` and the
app permission ``qyapi_get_member``; the callback URL must be registered as
a redirect URL of the app.

The flow, as DingTalk documents it:

1. the browser goes to ``login.dingtalk.com/oauth2/auth?client_id&redirect_uri&response_type=code
   &scope=openid&state&prompt=consent`` and comes back with ``?authCode=CODE&state=STATE``
   (not the usual ``code``); ``?error=…`` when the person declines;
2. ``POST /v1.0/oauth2/userAccessToken`` ``{clientId, clientSecret, code, grantType}`` →
   ``{accessToken, expireIn, …}``; a bad, used or expired code is HTTP 400
   ``{"code": "invalidParameter.authCode.notFound"}``;
3. ``GET /v1.0/contact/users/me`` with header ``x-acs-dingtalk-access-token`` → ``{unionId, nick, …}``;
4. the app token: ``POST /v1.0/oauth2/accessToken`` ``{appKey, appSecret}`` → ``{accessToken, expireIn}``
   (cached; fetched again when the old API calls it invalid: errcode 88 with
   sub_code 40014, or 40014 / 42001);
5. ``POST oapi …/topapi/user/getbyunionid?access_token=…`` ``{"unionid"}`` →
   ``{"errcode": 0, "result": {"userid", "contact_type"}}``; 60121 when the person
   is not in the company, ``contact_type`` 1 for an external contact.
"""

from __future__ import annotations

from ...config import Settings
from ...errors import AuthError
from ..hookspecs import hookimpl
from .base import AppTokens, SignInProvider, call_json, platform_error

INVALID_CODE = "invalidParameter.authCode.notFound"
NOT_IN_COMPANY = 60121
TOKEN_REJECTED = {"40014", "42001"}
EMPLOYEE = 0  # contact_type of a member of the company (1: external contact)

_tokens = AppTokens()


class DingTalkSignIn(SignInProvider):
    name = "dingtalk"
    labels = {"zh-CN": "钉钉", "en": "DingTalk"}
    user_column = "dingtalk_userid"
    required_options = ("client_id", "client_secret")
    secret_option = "client_secret"
    defaults = {"authorize_base": "https://login.dingtalk.com", "api_base": "https://api.dingtalk.com",
                "oapi_base": "https://oapi.dingtalk.com"}

    def authorize_url(self, settings: Settings, *, redirect_uri: str, state: str) -> str:
        options = self.options(settings)
        return self.url(options["authorize_base"], "/oauth2/auth", {
            "redirect_uri": redirect_uri, "response_type": "code", "client_id": options["client_id"],
            "scope": "openid", "state": state, "prompt": "consent"})

    def exchange(self, settings: Settings, *, params: dict[str, str], redirect_uri: str) -> str:
        code = self.code_from(params, "authCode", "code")
        options = self.options(settings)
        union_id = self._union_id(options, self._user_token(options, code))
        reply = self._getbyunionid(options, union_id, self._app_token(options))
        if _token_rejected(reply):
            reply = self._getbyunionid(options, union_id, self._app_token(options, refresh=True))
        errcode = _int(reply.get("errcode"))
        if errcode == NOT_IN_COMPANY:
            raise AuthError("auth.sso.not_member")
        if errcode != 0:
            raise platform_error("DingTalk getbyunionid", reply.get("sub_code") or errcode,
                                 reply.get("sub_msg") or reply.get("errmsg"))
        result = reply.get("result") or {}
        if not result.get("userid") or _int(result.get("contact_type", EMPLOYEE)) != EMPLOYEE:
            raise AuthError("auth.sso.not_member")
        return str(result["userid"])

    def _user_token(self, options: dict, code: str) -> str:
        service = "DingTalk oauth2/userAccessToken"
        status, reply = call_json("POST", self.url(options["api_base"], "/v1.0/oauth2/userAccessToken"),
                                  service=service, json={"clientId": options["client_id"],
                                                         "clientSecret": options["client_secret"],
                                                         "code": code, "grantType": "authorization_code"})
        if reply.get("code") == INVALID_CODE:
            raise AuthError("auth.sso.code_invalid")
        if status != 200 or not reply.get("accessToken"):
            raise platform_error(service, reply.get("code") or f"HTTP {status}", reply.get("message"))
        return str(reply["accessToken"])

    def _union_id(self, options: dict, user_token: str) -> str:
        service = "DingTalk contact/users/me"
        status, reply = call_json("GET", self.url(options["api_base"], "/v1.0/contact/users/me"), service=service,
                                  headers={"x-acs-dingtalk-access-token": user_token})
        if status != 200 or not reply.get("unionId"):
            raise platform_error(service, reply.get("code") or f"HTTP {status}", reply.get("message"))
        return str(reply["unionId"])

    def _app_token(self, options: dict, *, refresh: bool = False) -> str:
        service = "DingTalk oauth2/accessToken"

        def fetch() -> tuple[str, float]:
            status, reply = call_json("POST", self.url(options["api_base"], "/v1.0/oauth2/accessToken"),
                                      service=service, json={"appKey": options["client_id"],
                                                             "appSecret": options["client_secret"]})
            if status != 200 or not reply.get("accessToken"):
                raise platform_error(service, reply.get("code") or f"HTTP {status}", reply.get("message"))
            return str(reply["accessToken"]), float(reply.get("expireIn") or 7200)

        key = AppTokens.key(options["api_base"], str(options["client_id"]), secret=str(options["client_secret"]))
        return _tokens.get(key, fetch, refresh=refresh)

    def _getbyunionid(self, options: dict, union_id: str, token: str) -> dict:
        _, reply = call_json("POST", self.url(options["oapi_base"], "/topapi/user/getbyunionid"),
                             service="DingTalk getbyunionid", params={"access_token": token},
                             json={"unionid": union_id})
        return reply

    @staticmethod
    def forget_tokens() -> None:
        _tokens.forget()


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _token_rejected(reply: dict) -> bool:
    code = str(reply.get("errcode", 0))
    return code in TOKEN_REJECTED or (code == "88" and str(reply.get("sub_code")) in TOKEN_REJECTED)


@hookimpl
def salesnb_signin_providers():
    return [DingTalkSignIn()]
