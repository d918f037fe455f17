"""Feishu (飞书) sign-in for a self-built app: ``authen/v1/authorize`` → code → v2 token → ``user_info`` → user_id.

``[sso.feishu]``: ``app_id`` (``cli_…``), ``app_secret`` (or
``SALESNB_SSO_FEISHU_SECRET``), ``scope`` (default
``contact:user.employee_id:readonly``, the permission without which
``user_info`` leaves ``user_id`` out; the app must have it enabled), and for
tests, Lark or a private deployment ``authorize_base``
(``https://accounts.feishu.cn``) and ``api_base`` (``https://open.feishu.cn``).
The callback URL must be one of the app's redirect URLs (重定向 URL).

The flow, as Feishu documents it:

1. the browser goes to ``accounts.feishu.cn/open-apis/authen/v1/authorize?client_id&response_type=code
   &redirect_uri&scope&state`` and comes back with ``?code=CODE&state=STATE`` (5 minutes,
   once), or ``?error=access_denied`` when the person declines;
2. ``POST /open-apis/authen/v2/oauth/token`` ``{grant_type: authorization_code, client_id,
   client_secret, code, redirect_uri}`` → ``{"code": 0, "access_token", …}`` — no app token
   needed; failures are HTTP 400 with ``code`` 20003 (no such code), 20004 (expired),
   20065 (used), 20010 (the person may not use the app: outside its availability or
   the company), 20071 (redirect_uri differs) …;
3. ``GET /open-apis/authen/v1/user_info`` with ``Authorization: Bearer <user token>`` →
   ``{"code": 0, "data": {"user_id", "open_id", "union_id", "tenant_key", …}}``;
   20021 / 20022 / 20023 for a person who left, is frozen or never registered.
"""

from __future__ import annotations

from ...config import Settings
from ...errors import AuthError
from ..hookspecs import hookimpl
from .base import SignInProvider, call_json, platform_error

USER_ID_PERMISSION = "contact:user.employee_id:readonly"
INVALID_CODE = {20003, 20004, 20065}
NOT_MEMBER = {20008, 20010, 20066, 20021, 20022, 20023}


class FeishuSignIn(SignInProvider):
    name = "feishu"
    labels = {"zh-CN": "飞书", "en": "Feishu"}
    user_column = "feishu_user_id"
    required_options = ("app_id", "app_secret")
    secret_option = "app_secret"
    defaults = {"authorize_base": "https://accounts.feishu.cn", "api_base": "https://open.feishu.cn",
                "scope": USER_ID_PERMISSION}

    def authorize_url(self, settings: Settings, *, redirect_uri: str, state: str) -> str:
        options = self.options(settings)
        query = {"client_id": options["app_id"], "response_type": "code", "redirect_uri": redirect_uri}
        if options.get("scope"):
            query["scope"] = options["scope"]
        query["state"] = state
        return self.url(options["authorize_base"], "/open-apis/authen/v1/authorize", query)

    def exchange(self, settings: Settings, *, params: dict[str, str], redirect_uri: str) -> str:
        code = self.code_from(params, "code")
        options = self.options(settings)
        token = self._user_token(options, code, redirect_uri)
        service = "Feishu authen/v1/user_info"
        status, reply = call_json("GET", self.url(options["api_base"], "/open-apis/authen/v1/user_info"),
                                  service=service, headers={"Authorization": f"Bearer {token}"})
        errcode = _int(reply.get("code"))
        if errcode in NOT_MEMBER:
            raise AuthError("auth.sso.not_member")
        if errcode != 0:
            raise platform_error(service, errcode if errcode is not None else f"HTTP {status}", reply.get("msg"))
        user_id = str((reply.get("data") or {}).get("user_id") or "")
        if not user_id:
            raise AuthError("auth.sso.no_user_id", service=service, permission=USER_ID_PERMISSION)
        return user_id

    def _user_token(self, options: dict, code: str, redirect_uri: str) -> str:
        service = "Feishu authen/v2/oauth/token"
        status, reply = call_json("POST", self.url(options["api_base"], "/open-apis/authen/v2/oauth/token"),
                                  service=service, json={
                                      "grant_type": "authorization_code", "client_id": options["app_id"],
                                      "client_secret": options["app_secret"], "code": code,
                                      "redirect_uri": redirect_uri})
        errcode = _int(reply.get("code"))
        if errcode in INVALID_CODE:
            raise AuthError("auth.sso.code_invalid")
        if errcode in NOT_MEMBER:
            raise AuthError("auth.sso.not_member")
        if errcode != 0 or not reply.get("access_token"):
            raise platform_error(service, errcode if errcode is not None else f"HTTP {status}",
                                 reply.get("error_description") or reply.get("error"))
        return str(reply["access_token"])


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


@hookimpl
def salesnb_signin_providers():
    return [FeishuSignIn()]
