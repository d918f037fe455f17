"""WeCom web login against the fake WeCom: wwlogin/sso/login → code → gettoken + auth/getuserinfo → userid → session."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy.orm import Session

from salesnb.auth.sessions import resolve_session
from salesnb.auth.sso import sign_in_with_provider
from salesnb.errors import AuthError
from salesnb.plugins.signin.wecom import WeComSignIn

from .conftest import CALLBACK, settings_for, walk_to_callback

REDIRECT = CALLBACK.format(name="wecom")
SECRET = "corp-secret"


@pytest.fixture
def wecom(wecom_server):
    WeComSignIn.forget_tokens()
    yield wecom_server
    WeComSignIn.forget_tokens()


def configured(server, **extra):
    return settings_for("wecom", {"corp_id": "ww-corp", "agent_id": 1000002, "secret": SECRET,
                                  "api_base": server.url, "authorize_base": server.url, "oauth_base": server.url,
                                  **extra})


def sign_in_code(server, settings, state="st-wecom-1"):
    params = walk_to_callback(WeComSignIn().authorize_url(settings, redirect_uri=REDIRECT, state=state), REDIRECT)
    assert params["state"] == state
    return params


def test_the_authorize_url_is_wecoms_web_login_for_a_self_built_app():
    settings = settings_for("wecom", {"corp_id": "ww123", "agent_id": "1000005", "secret": "x" * 8})
    url = urlsplit(WeComSignIn().authorize_url(settings, redirect_uri=REDIRECT, state="abc"))
    assert (url.scheme, url.netloc, url.path) == ("https", "login.work.weixin.qq.com", "/wwlogin/sso/login")
    assert dict(parse_qsl(url.query)) == {"login_type": "CorpApp", "appid": "ww123", "agentid": "1000005",
                                          "redirect_uri": REDIRECT, "state": "abc"}


def test_a_member_signs_in_and_gets_a_session(wecom, team):
    settings = configured(wecom)
    provider = WeComSignIn()
    userid = provider.exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT)
    assert userid == "zhangsan"
    with Session(team) as session, session.begin():
        token = sign_in_with_provider(session, provider, userid, hours=8, client="test")
    with Session(team) as session:
        actor = resolve_session(session, token)
    assert actor is not None and actor.user_id == "U1"
    assert [r.path for r in wecom.requests][-2:] == ["/cgi-bin/gettoken", "/cgi-bin/auth/getuserinfo"]


def test_a_code_works_once(wecom):
    settings = configured(wecom)
    params = sign_in_code(wecom, settings)
    assert WeComSignIn().exchange(settings, params=params, redirect_uri=REDIRECT) == "zhangsan"
    with pytest.raises(AuthError) as refused:
        WeComSignIn().exchange(settings, params=params, redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.code_invalid"


def test_an_expired_or_unknown_code_is_refused(wecom, fake_clock):
    settings = configured(wecom)
    params = sign_in_code(wecom, settings)
    fake_clock.advance(301)  # WeCom codes live five minutes
    for given in (params, {"code": "made-up", "state": "st"}):
        with pytest.raises(AuthError) as refused:
            WeComSignIn().exchange(settings, params=given, redirect_uri=REDIRECT)
        assert refused.value.key == "auth.sso.code_invalid"


def test_no_code_at_all_is_refused(wecom):
    with pytest.raises(AuthError) as refused:
        WeComSignIn().exchange(configured(wecom), params={"state": "st"}, redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.code_invalid"


def test_someone_outside_the_company_is_refused(wecom):
    wecom.signed_in = "a-personal-wechat"  # not one of the company's members: WeCom answers an openid
    settings = configured(wecom)
    with pytest.raises(AuthError) as refused:
        WeComSignIn().exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.not_member"


def test_a_disabled_user_is_refused_like_an_unknown_one(wecom, team):
    settings = configured(wecom)
    texts = []
    for member in ("lisi", "wangwu"):  # lisi: disabled here; wangwu: a WeCom member with no user row
        wecom.signed_in = member
        userid = WeComSignIn().exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT)
        with Session(team) as session, pytest.raises(AuthError) as refused:
            sign_in_with_provider(session, WeComSignIn(), userid, hours=8)
        assert refused.value.key == "auth.sso.no_user"
        texts.append((refused.value.render("zh-CN"), refused.value.render("en")))
    assert texts[0] == texts[1]


def test_an_expired_app_token_is_fetched_again(wecom):
    settings = configured(wecom)
    WeComSignIn().exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT)
    WeComSignIn().exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT)
    assert wecom.gettoken_calls == 1  # cached
    wecom.expire_tokens()
    assert WeComSignIn().exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT) == "zhangsan"
    assert wecom.gettoken_calls == 2


def test_a_wrong_secret_names_the_api_and_code_but_never_the_secret(wecom, caplog):
    settings = configured(wecom, secret="wrong-secret-value")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as refused:
        WeComSignIn().exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.platform_error"
    text = refused.value.render("en")
    assert "WeCom gettoken" in text and "40001" in text and "wrong-secret-value" not in text
    assert "corpsecret=***" in caplog.text  # httpx logged the URL, masked
    assert "wrong-secret-value" not in caplog.text


def test_the_secret_comes_from_the_environment_first(wecom, monkeypatch):
    settings = configured(wecom, secret="stale-secret-in-file")
    monkeypatch.setenv("SALESNB_SSO_WECOM_SECRET", SECRET)
    assert WeComSignIn().exchange(settings, params=sign_in_code(wecom, settings), redirect_uri=REDIRECT) == "zhangsan"
    monkeypatch.delenv("SALESNB_SSO_WECOM_SECRET")
    bare = settings_for("wecom", {"corp_id": "ww-corp", "agent_id": 1000002})
    assert not WeComSignIn().configured(bare) and WeComSignIn().missing_options(bare) == ["secret"]
    monkeypatch.setenv("SALESNB_SSO_WECOM_SECRET", SECRET)
    assert WeComSignIn().configured(bare)


def test_an_unreachable_wecom_is_an_auth_error(wecom):
    settings = configured(wecom, api_base="http://127.0.0.1:9")  # nothing listens on the discard port
    params = sign_in_code(wecom, configured(wecom))
    with pytest.raises(AuthError) as refused:
        WeComSignIn().exchange(settings, params=params, redirect_uri=REDIRECT)
    assert refused.value.key == "auth.sso.unreachable" and SECRET not in refused.value.render("en")


PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh ColorScheme/Light")


def test_wecoms_own_browser_gets_the_in_app_oauth_page_and_the_same_code_works(wecom, team):
    settings = configured(wecom)
    in_app = WeComSignIn().authorize_url(settings, redirect_uri=REDIRECT, state="st-app", user_agent=PHONE)
    url = urlsplit(in_app)
    assert url.path == "/connect/oauth2/authorize" and url.fragment == "wechat_redirect"
    assert dict(parse_qsl(url.query)) == {"appid": "ww-corp", "redirect_uri": REDIRECT, "response_type": "code",
                                          "scope": "snsapi_base", "state": "st-app", "agentid": "1000002"}
    params = walk_to_callback(in_app.split("#")[0], REDIRECT)
    assert WeComSignIn().exchange(settings, params=params, redirect_uri=REDIRECT) == "zhangsan"
    desktop = WeComSignIn().authorize_url(settings, redirect_uri=REDIRECT, state="s", user_agent="Mozilla/5.0 Chrome")
    assert urlsplit(desktop).path == "/wwlogin/sso/login"
    default = urlsplit(WeComSignIn().authorize_url(settings_for("wecom", {"corp_id": "w", "agent_id": 1, "secret": "s"}),
                                                   redirect_uri=REDIRECT, state="s", user_agent=PHONE))
    assert default.netloc == "open.weixin.qq.com"
