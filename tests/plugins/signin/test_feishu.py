"""Feishu sign-in against the fake Feishu: authen/v1/authorize → code → authen/v2/oauth/token → user_info → user_id."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy.orm import Session

from salesnb.auth.sessions import resolve_session
from salesnb.auth.sso import sign_in_with_provider
from salesnb.errors import AuthError
from salesnb.plugins.signin.feishu import USER_ID_PERMISSION, FeishuSignIn

from .conftest import CALLBACK, settings_for, walk_to_callback

REDIRECT = CALLBACK.format(name="feishu")
SECRET = "feishu-app-secret"


def configured(server, **extra):
    return settings_for("feishu", {"app_id": "cli_fakeappid0001", "app_secret": SECRET,
                                   "authorize_base": server.url, "api_base": server.url, **extra})


def sign_in_code(server, settings, state="st-feishu-1", redirect_uri=REDIRECT):
    params = walk_to_callback(FeishuSignIn().authorize_url(settings, redirect_uri=redirect_uri, state=state),
                              redirect_uri)
    assert params["state"] == state
    return params


def test_the_authorize_url_is_feishus_authorize_page():
    settings = settings_for("feishu", {"app_id": "cli_abc", "app_secret": "s" * 8})
    url = urlsplit(FeishuSignIn().authorize_url(settings, redirect_uri=REDIRECT, state="abc"))
    assert (url.scheme, url.netloc, url.path) == ("https", "accounts.feishu.cn", "/open-apis/authen/v1/authorize")
    assert dict(parse_qsl(url.query)) == {"client_id": "cli_abc", "response_type": "code", "redirect_uri": REDIRECT,
                                          "scope": USER_ID_PERMISSION, "state": "abc"}


def test_a_member_signs_in_and_gets_a_session(feishu_server, team):
    settings = configured(feishu_server)
    provider = FeishuSignIn()
    user_id = provider.exchange(settings, params=sign_in_code(feishu_server, settings), redirect_uri=REDIRECT)
    assert user_id == "zhangsan-fs"
    with Session(team) as session, session.begin():
        token = sign_in_with_provider(session, provider, user_id, hours=8)
    with Session(team) as session:
        assert resolve_session(session, token).user_id == "U1"
    token_request = next(r for r in feishu_server.requests if r.path == "/open-apis/authen/v2/oauth/token")
    assert token_request.json["redirect_uri"] == REDIRECT and token_request.json["grant_type"] == "authorization_code"


def test_a_used_expired_or_unknown_code_is_refused(feishu_server, fake_clock):
    settings = configured(feishu_server)
    used = sign_in_code(feishu_server, settings)
    FeishuSignIn().exchange(settings, params=used, redirect_uri=REDIRECT)
    expired = sign_in_code(feishu_server, settings)
    fake_clock.advance(301)
    seen = []
    for params in (used, expired, {"code": "made-up", "state": "st"}):
        with pytest.raises(AuthError) as refused:
            FeishuSignIn().exchange(settings, params=params, redirect_uri=REDIRECT)
        assert refused.value.key == "auth.sso.code_invalid"
        seen.append(feishu_server.requests[-1].path)
    assert seen == ["/open-apis/authen/v2/oauth/token"] * 3


def test_the_redirect_uri_must_be_the_one_signed_in_with(feishu_server):
    settings = configured(feishu_server)
    params = sign_in_code(feishu_server, settings)
    with pytest.raises(AuthError) as refused:
        FeishuSignIn().exchange(settings, params=params, redirect_uri="https://elsewhere.example/cb")
    assert refused.value.key == "auth.sso.platform_error" and "20071" in refused.value.render("en")


def test_declining_on_feishu_is_not_a_sign_in(feishu_server):
    feishu_server.declines = True
    settings = configured(feishu_server)
    params = sign_in_code(feishu_server, settings)
    with pytest.raises(AuthError) as refused:
        FeishuSignIn().exchange(settings, params=params, redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.denied"


def test_someone_outside_the_company_or_who_left_is_refused(feishu_server):
    settings = configured(feishu_server)
    feishu_server.signed_in = "ou_other_tenant"  # may not use the app: the token endpoint answers 20010
    with pytest.raises(AuthError) as refused:
        FeishuSignIn().exchange(settings, params=sign_in_code(feishu_server, settings), redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.not_member"
    feishu_server.signed_in = "ou_lisi"
    feishu_server.resigned.add("ou_lisi")  # user_info answers 20021
    with pytest.raises(AuthError) as refused:
        FeishuSignIn().exchange(settings, params=sign_in_code(feishu_server, settings), redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.not_member"


def test_a_disabled_user_is_refused_like_an_unknown_one(feishu_server, team):
    feishu_server.people["ou_wangwu"] = "wangwu-fs"  # may use the app, has no user row here
    settings = configured(feishu_server)
    texts = []
    for who in ("ou_lisi", "ou_wangwu"):
        feishu_server.signed_in = who
        user_id = FeishuSignIn().exchange(settings, params=sign_in_code(feishu_server, settings), redirect_uri=REDIRECT)
        with Session(team) as session, pytest.raises(AuthError) as refused:
            sign_in_with_provider(session, FeishuSignIn(), user_id, hours=8)
        texts.append((refused.value.key, refused.value.render("zh-CN"), refused.value.render("en")))
    assert texts[0] == texts[1] and texts[0][0] == "auth.sso.no_user"


def test_without_the_user_id_permission_the_error_says_which_permission(feishu_server):
    feishu_server.user_id_permission = False
    settings = configured(feishu_server)
    with pytest.raises(AuthError) as refused:
        FeishuSignIn().exchange(settings, params=sign_in_code(feishu_server, settings), redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.no_user_id" and USER_ID_PERMISSION in refused.value.render("zh-CN")


def test_a_wrong_secret_is_a_platform_error_without_the_secret(feishu_server, caplog):
    settings = configured(feishu_server, app_secret="wrong-feishu-secret")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as refused:
        FeishuSignIn().exchange(settings, params=sign_in_code(feishu_server, settings), redirect_uri=REDIRECT)
    text = refused.value.render("en")
    assert "20002" in text and "wrong-feishu-secret" not in text and "wrong-feishu-secret" not in caplog.text


def test_scope_can_be_left_out(feishu_server):
    settings = configured(feishu_server, scope="")
    url = FeishuSignIn().authorize_url(settings, redirect_uri=REDIRECT, state="s")
    assert "scope" not in dict(parse_qsl(urlsplit(url).query))
