"""DingTalk sign-in against the fake DingTalk: oauth2/auth → authCode → user token → unionId → app token → userid."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy.orm import Session

from salesnb.auth.sessions import resolve_session
from salesnb.auth.sso import sign_in_with_provider
from salesnb.errors import AuthError
from salesnb.plugins.signin.dingtalk import DingTalkSignIn

from .conftest import CALLBACK, settings_for, walk_to_callback

REDIRECT = CALLBACK.format(name="dingtalk")
SECRET = "ding-client-secret"


@pytest.fixture
def dingtalk(dingtalk_server):
    DingTalkSignIn.forget_tokens()
    yield dingtalk_server
    DingTalkSignIn.forget_tokens()


def configured(server, **extra):
    return settings_for("dingtalk", {"client_id": "dingfakeclientid", "client_secret": SECRET,
                                     "authorize_base": server.url, "api_base": server.url, "oapi_base": server.url,
                                     **extra})


def sign_in_code(server, settings, state="st-ding-1"):
    params = walk_to_callback(DingTalkSignIn().authorize_url(settings, redirect_uri=REDIRECT, state=state), REDIRECT)
    assert params["state"] == state
    return params


def test_the_authorize_url_is_dingtalks_oauth2_login():
    settings = settings_for("dingtalk", {"client_id": "dingabc", "client_secret": "s" * 8})
    url = urlsplit(DingTalkSignIn().authorize_url(settings, redirect_uri=REDIRECT, state="abc"))
    assert (url.scheme, url.netloc, url.path) == ("https", "login.dingtalk.com", "/oauth2/auth")
    assert dict(parse_qsl(url.query)) == {"redirect_uri": REDIRECT, "response_type": "code", "client_id": "dingabc",
                                          "scope": "openid", "state": "abc", "prompt": "consent"}


def test_a_member_signs_in_with_the_authcode_and_gets_a_session(dingtalk, team):
    settings = configured(dingtalk)
    params = sign_in_code(dingtalk, settings)
    assert "authCode" in params and "code" not in params  # DingTalk's name for the code
    provider = DingTalkSignIn()
    userid = provider.exchange(settings, params=params, redirect_uri=REDIRECT)
    assert userid == "zhangsan-dt"
    with Session(team) as session, session.begin():
        token = sign_in_with_provider(session, provider, userid, hours=8)
    with Session(team) as session:
        assert resolve_session(session, token).user_id == "U1"
    assert [r.path for r in dingtalk.requests][-4:] == [
        "/v1.0/oauth2/userAccessToken", "/v1.0/contact/users/me", "/v1.0/oauth2/accessToken",
        "/topapi/user/getbyunionid"]


def test_a_used_expired_or_unknown_authcode_is_refused(dingtalk, fake_clock):
    settings = configured(dingtalk)
    used = sign_in_code(dingtalk, settings)
    DingTalkSignIn().exchange(settings, params=used, redirect_uri=REDIRECT)
    expired = sign_in_code(dingtalk, settings)
    fake_clock.advance(301)
    for params in (used, expired, {"authCode": "made-up", "state": "st"}):
        with pytest.raises(AuthError) as refused:
            DingTalkSignIn().exchange(settings, params=params, redirect_uri=REDIRECT)
        assert refused.value.key == "auth.sso.code_invalid"


def test_declining_on_dingtalk_is_not_a_sign_in(dingtalk):
    dingtalk.declines = True
    settings = configured(dingtalk)
    params = sign_in_code(dingtalk, settings)
    assert params["error"] == "access_denied"
    with pytest.raises(AuthError) as refused:
        DingTalkSignIn().exchange(settings, params=params, redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.denied"


@pytest.mark.parametrize("who", ["union-stranger", "union-partner"])
def test_someone_outside_the_company_is_refused(dingtalk, who):
    dingtalk.externals["union-partner"] = "partner-contact"  # an external contact: contact_type 1
    dingtalk.signed_in = who  # union-stranger: getbyunionid answers 60121
    settings = configured(dingtalk)
    with pytest.raises(AuthError) as refused:
        DingTalkSignIn().exchange(settings, params=sign_in_code(dingtalk, settings), redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.not_member"


def test_a_disabled_user_is_refused_like_an_unknown_one(dingtalk, team):
    dingtalk.members["union-wangwu"] = "wangwu-dt"  # a member of the company with no user row here
    settings = configured(dingtalk)
    texts = []
    for who in ("union-lisi", "union-wangwu"):
        dingtalk.signed_in = who
        userid = DingTalkSignIn().exchange(settings, params=sign_in_code(dingtalk, settings), redirect_uri=REDIRECT)
        with Session(team) as session, pytest.raises(AuthError) as refused:
            sign_in_with_provider(session, DingTalkSignIn(), userid, hours=8)
        texts.append((refused.value.key, refused.value.render("zh-CN"), refused.value.render("en")))
    assert texts[0] == texts[1] and texts[0][0] == "auth.sso.no_user"


def test_the_app_token_is_cached_and_fetched_again_when_refused(dingtalk):
    settings = configured(dingtalk)
    for _ in range(2):
        DingTalkSignIn().exchange(settings, params=sign_in_code(dingtalk, settings), redirect_uri=REDIRECT)
    assert dingtalk.app_token_calls == 1
    dingtalk.expire_tokens()  # getbyunionid now answers errcode 88 / sub_code 40014
    assert DingTalkSignIn().exchange(settings, params=sign_in_code(dingtalk, settings),
                                     redirect_uri=REDIRECT) == "zhangsan-dt"
    assert dingtalk.app_token_calls == 2


def test_a_wrong_secret_is_a_platform_error_without_the_secret(dingtalk, caplog):
    settings = configured(dingtalk, client_secret="not-the-right-one")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as refused:
        DingTalkSignIn().exchange(settings, params=sign_in_code(dingtalk, settings), redirect_uri=REDIRECT)
    text = refused.value.render("en")
    assert refused.value.key == "auth.sso.platform_error" and "invalidClientIdOrSecret" in text
    assert "not-the-right-one" not in text and "not-the-right-one" not in caplog.text


def test_the_secret_comes_from_the_environment(dingtalk, monkeypatch):
    monkeypatch.setenv("SALESNB_SSO_DINGTALK_SECRET", SECRET)
    settings = configured(dingtalk, client_secret="")
    assert DingTalkSignIn().configured(settings)
    assert DingTalkSignIn().exchange(settings, params=sign_in_code(dingtalk, settings),
                                     redirect_uri=REDIRECT) == "zhangsan-dt"
