"""The single sign-on routes on a real tornado server, against the fake WeCom, DingTalk and Feishu."""

from __future__ import annotations

import base64
import json
import logging
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from salesnb.auth.sessions import COOKIE_NAME
from salesnb.models import WebSession
from salesnb.notify.redact import register_secrets
from salesnb.plugins import get_plugin_manager, hookimpl
from salesnb.plugins.signin.dingtalk import DingTalkSignIn
from salesnb.plugins.signin.wecom import WeComSignIn
from salesnb.web.sso import STATE_COOKIE, provider_links

from .conftest import sso_settings

PROVIDERS = ["wecom", "dingtalk", "feishu"]


@pytest.fixture(autouse=True)
def _fresh_tokens():
    WeComSignIn.forget_tokens()
    DingTalkSignIn.forget_tokens()
    yield


@pytest.fixture
def fakes(wecom_server, dingtalk_server, feishu_server):
    return {"wecom": wecom_server, "dingtalk": dingtalk_server, "feishu": feishu_server}


@pytest.fixture
def site(serve, team, db_url, fakes):
    return serve(sso_settings(db_url, **fakes), team)


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def sessions(engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(r.user_id, r.provider) for r in session.scalars(select(WebSession))]


def set_cookie(reply: httpx.Response, name: str) -> SimpleCookie:
    for header in reply.headers.get_list("set-cookie"):
        cookie = SimpleCookie(header)
        if name in cookie:
            return cookie
    raise AssertionError(f"no Set-Cookie for {name}: {reply.headers.get_list('set-cookie')}")


def test_start_sends_the_browser_to_the_platform_with_a_state_kept_in_a_cookie(site, fakes):
    with httpx.Client(base_url=site.url) as browser:
        reply = browser.get("/salesnb/sso/wecom/start", params={"next": "/voila/render/contracts.ipynb?c=K1"})
    assert reply.status_code == 302
    target = reply.headers["location"]
    assert target.startswith(fakes["wecom"].url + "/wwlogin/sso/login?")
    params = query(target)
    assert params["redirect_uri"] == f"{site.url}/salesnb/sso/wecom/callback" and len(params["state"]) >= 32
    cookie = set_cookie(reply, STATE_COOKIE)[STATE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/salesnb/sso"
    assert 0 < int(cookie["max-age"]) <= 600
    remembered = json.loads(base64.urlsafe_b64decode(cookie.value))
    assert {k: remembered[k] for k in ("state", "provider", "next", "redirect_uri")} == {
        "state": params["state"], "provider": "wecom", "next": "/voila/render/contracts.ipynb?c=K1",
        "redirect_uri": params["redirect_uri"]}


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_member_comes_back_signed_in_on_the_page_asked_for(site, team, fakes, name):
    with httpx.Client(base_url=site.url, follow_redirects=True) as browser:
        assert browser.get("/whoami").url.path == "/salesnb/signin"  # the app needs a signed-in person
        reply = browser.get(f"/salesnb/sso/{name}/start", params={"next": "/whoami"})
        assert reply.status_code == 200 and reply.url.path == "/whoami", reply.text
        assert reply.json() == {"user_id": "U1"}
        session_cookie = next(c for c in browser.cookies.jar if c.name == COOKIE_NAME)
    assert session_cookie.has_nonstandard_attr("HttpOnly")
    assert sessions(team) == [("U1", name)]
    hops = [urlsplit(str(r.url)).path for r in reply.history]
    assert hops[0] == f"/salesnb/sso/{name}/start" and hops[-1] == f"/salesnb/sso/{name}/callback"


def test_a_state_works_once_and_must_match(site, team, fakes):
    with httpx.Client(base_url=site.url) as browser:
        start = browser.get("/salesnb/sso/wecom/start", params={"next": "/whoami"})
        back = httpx.get(start.headers["location"]).headers["location"]  # the platform sends the browser back
        forged = back.replace(f"state={query(back)['state']}", "state=forged-state")
        refused = browser.get(forged)
        assert refused.status_code == 302
        assert refused.headers["location"] == "/salesnb/signin?error=sso&next=%2Fwhoami"
        again = browser.get(back)  # the cookie was forgotten at the first callback: no second try
        assert again.headers["location"].startswith("/salesnb/signin?error=sso")
    assert sessions(team) == []


def test_a_callback_without_the_browsers_cookie_is_refused(site, team, fakes):
    with httpx.Client(base_url=site.url) as victim:
        start = victim.get("/salesnb/sso/wecom/start")
    back = httpx.get(start.headers["location"]).headers["location"]
    with httpx.Client() as other_browser:  # e.g. a link to the callback planted by someone else
        reply = other_browser.get(back)
    assert reply.headers["location"].startswith("/salesnb/signin?error=sso")
    assert sessions(team) == []


def test_a_state_for_one_provider_is_no_good_for_another(site, team, fakes):
    with httpx.Client(base_url=site.url) as browser:
        state = query(browser.get("/salesnb/sso/wecom/start").headers["location"])["state"]
        code = fakes["dingtalk"].codes.issue("union-zhangsan", f"{site.url}/salesnb/sso/dingtalk/callback")
        reply = browser.get("/salesnb/sso/dingtalk/callback", params={"authCode": code, "state": state})
    assert reply.headers["location"].startswith("/salesnb/signin?error=sso")
    assert sessions(team) == [] and fakes["dingtalk"].requests == []


@pytest.mark.parametrize("case", ["outsider", "disabled", "declined"])
def test_a_refusal_lands_on_the_sign_in_page_and_the_log_says_why(site, team, fakes, caplog, case):
    name = {"outsider": "wecom", "disabled": "feishu", "declined": "dingtalk"}[case]
    if case == "outsider":
        fakes["wecom"].signed_in = "a-personal-wechat"
    elif case == "disabled":
        fakes["feishu"].signed_in = "ou_lisi"  # 李四 may use the app but is disabled in salesnb
    else:
        fakes["dingtalk"].declines = True
    with caplog.at_level(logging.INFO, logger="salesnb"), httpx.Client(base_url=site.url) as browser:
        reply = browser.get(f"/salesnb/sso/{name}/start", params={"next": "/whoami"})
        while reply.status_code == 302 and not reply.headers["location"].startswith("/salesnb/signin"):
            reply = browser.get(reply.headers["location"])
    assert reply.headers["location"] == "/salesnb/signin?error=sso&next=%2Fwhoami"
    expected = {"outsider": "not a member of the company", "disabled": "no active user has this account",
                "declined": "declined"}[case]
    assert expected in caplog.text
    if case == "disabled":
        assert "platform_user_id=lisi-fs" in caplog.text  # what an administrator needs to look the person up
    for secret in ("corp-secret", "ding-client-secret", "feishu-app-secret"):
        assert secret not in caplog.text
    assert sessions(team) == []


def test_next_never_leaves_the_site(site, team, fakes):
    with httpx.Client(base_url=site.url) as browser:
        start = browser.get("/salesnb/sso/feishu/start", params={"next": "https://evil.example/phish"})
        back = httpx.get(start.headers["location"]).headers["location"]
        done = browser.get(back)
    assert done.status_code == 302 and done.headers["location"] == "/"
    assert sessions(team) == [("U1", "feishu")]
    assert set_cookie(done, COOKIE_NAME)[COOKIE_NAME]["httponly"]


def test_a_provider_that_is_not_configured_goes_back_to_the_sign_in_page(serve, team, db_url, fakes):
    site = serve(sso_settings(db_url, wecom=fakes["wecom"]), team)
    reply = httpx.get(f"{site.url}/salesnb/sso/feishu/start", params={"next": "/whoami"})
    assert reply.headers["location"] == "/salesnb/signin?error=sso&next=%2Fwhoami"
    assert fakes["feishu"].requests == []


def test_public_url_and_base_url_shape_the_callback(serve, team, db_url, fakes):
    settings = sso_settings(db_url, **fakes, serve={"public_url": "https://sales.example.com/snb/"})
    site = serve(settings, team, base_url="/snb/")
    reply = httpx.get(f"{site.url}/snb/salesnb/sso/dingtalk/start", params={"next": "/snb/whoami"})
    assert query(reply.headers["location"])["redirect_uri"] == "https://sales.example.com/snb/salesnb/sso/dingtalk/callback"
    assert set_cookie(reply, STATE_COOKIE)[STATE_COOKIE]["path"] == "/snb/salesnb/sso"


def test_under_a_base_url_the_round_trip_still_signs_in(serve, team, db_url, fakes):
    site = serve(sso_settings(db_url, **fakes), team, base_url="/snb/")
    with httpx.Client(base_url=site.url, follow_redirects=True) as browser:
        reply = browser.get("/snb/salesnb/sso/wecom/start", params={"next": "/snb/whoami"})
    assert reply.url.path == "/snb/whoami" and reply.json() == {"user_id": "U1"}


def test_the_sign_in_page_lists_the_configured_providers_in_its_language(fakes, db_url):
    settings = sso_settings(db_url, wecom=fakes["wecom"], feishu=fakes["feishu"])
    assert provider_links(settings, "/voila/render/my_work.ipynb", "zh-CN") == [
        ("使用企业微信登录", "/salesnb/sso/wecom/start?next=%2Fvoila%2Frender%2Fmy_work.ipynb"),
        ("使用飞书登录", "/salesnb/sso/feishu/start?next=%2Fvoila%2Frender%2Fmy_work.ipynb")]
    assert [label for label, _ in provider_links(settings, "/", "en", base_url="/snb/")] == [
        "Sign in with WeCom", "Sign in with Feishu"]
    assert provider_links(settings, "/", "en", base_url="/snb/")[0][1].startswith("/snb/salesnb/sso/wecom/start?")


def test_wecoms_in_app_browser_signs_in_without_a_qr_code(site, team, fakes):
    phone = ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile "
             "wxwork/4.1.22 MicroMessenger/7.0.1 NetType/WIFI Language/zh")
    with httpx.Client(base_url=site.url, headers={"User-Agent": phone}) as browser:
        start = browser.get("/salesnb/sso/wecom/start", params={"next": "/whoami"})
        assert urlsplit(start.headers["location"]).path == "/connect/oauth2/authorize"
        back = httpx.get(start.headers["location"].split("#")[0]).headers["location"]
        done = browser.get(back)
        assert done.headers["location"] == "/whoami"
        assert browser.get("/whoami").json() == {"user_id": "U1"}
    assert sessions(team) == [("U1", "wecom")]


def test_a_state_older_than_ten_minutes_is_refused(site, team, fakes):
    with httpx.Client(base_url=site.url) as browser:
        start = browser.get("/salesnb/sso/wecom/start", params={"next": "/whoami"})
        back = httpx.get(start.headers["location"]).headers["location"]
        remembered = json.loads(base64.urlsafe_b64decode(browser.cookies[STATE_COOKIE]))
        remembered["at"] -= 601
        browser.cookies.set(STATE_COOKIE, base64.urlsafe_b64encode(json.dumps(remembered).encode()).decode(),
                            domain="127.0.0.1", path="/salesnb/sso")
        reply = browser.get(back)
    assert reply.headers["location"] == "/salesnb/signin?error=sso&next=%2Fwhoami"
    assert sessions(team) == []


def test_start_on_one_server_and_callback_on_another(serve, team, db_url, fakes):
    """Two ``salesnb serve`` processes on one store behind a proxy: either may take the callback."""
    settings = sso_settings(db_url, **fakes, serve={"public_url": "http://127.0.0.1/"})
    first, second = serve(settings, team), serve(settings, team)
    with httpx.Client() as browser:
        start = browser.get(f"{first.url}/salesnb/sso/dingtalk/start", params={"next": "/whoami"})
        back = urlsplit(httpx.get(start.headers["location"]).headers["location"])
        assert f"{back.scheme}://{back.netloc}" == "http://127.0.0.1"  # the public address, not a process's own
        done = browser.get(f"{second.url}{back.path}?{back.query}")
        assert done.headers["location"] == "/whoami"
        assert browser.get(f"{first.url}/whoami").json() == {"user_id": "U1"}
    assert sessions(team) == [("U1", "dingtalk")]


class BrokenProvider:
    """A plugin's provider with a bug: its exchange raises something that is not an AuthError."""

    name = "broken"
    labels = {"zh-CN": "坏的", "en": "Broken"}
    user_column = "email"

    def configured(self, settings):
        return True

    def authorize_url(self, settings, *, redirect_uri, state):
        return f"{redirect_uri}?code=c&state={state}"  # straight back, as if signed in

    def exchange(self, settings, *, params, redirect_uri):
        raise RuntimeError("boom with broken-provider-secret-1234 inside")


class BrokenPlugin:
    @hookimpl
    def salesnb_signin_providers(self):
        return [BrokenProvider()]


def test_a_providers_bug_lands_on_the_sign_in_page_with_the_traceback_in_the_log(site, team, caplog):
    register_secrets(["broken-provider-secret-1234"])
    get_plugin_manager().register(BrokenPlugin(), name="broken-plugin")
    try:
        with caplog.at_level(logging.INFO, logger="salesnb"), httpx.Client(base_url=site.url) as browser:
            start = browser.get("/salesnb/sso/broken/start", params={"next": "/whoami"})
            reply = browser.get(start.headers["location"])
    finally:
        get_plugin_manager().unregister(name="broken-plugin")
    assert reply.status_code == 302
    assert reply.headers["location"] == "/salesnb/signin?error=sso&next=%2Fwhoami"
    assert "RuntimeError: boom with *** inside" in caplog.text and "Traceback" in caplog.text
    assert "broken-provider-secret-1234" not in caplog.text
    assert sessions(team) == []
