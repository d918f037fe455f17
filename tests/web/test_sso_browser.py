"""Headless Chromium through the whole single sign-on: sign-in page → provider button → the platform → back signed in.

The platforms' fakes are reached as ``localhost`` and salesnb as ``127.0.0.1``:
two different sites, as in real life, and the way back starts on the
platform's page (its confirm link), so the state cookie must survive a
cross-site navigation: SameSite=Lax allows it for a top-level GET, Strict
would not.
The sign-in page here is the small one of ``tests/web/conftest.py``.  Once
``salesnb serve`` mounts ``salesnb.web.sso.sso_handlers(base_url)`` and its
sign-in page lists ``provider_links(settings, next_url, language,
base_url=…)``, the same walk runs against it in ``tests/browser``: start
the three fakes in the test process (``FakeWeCom``/``FakeDingTalk``/
``FakeFeishu`` with ``consent = True``), write a salesnb.toml whose
``[sso.*]`` sections point ``authorize_base``/``oauth_base``/``api_base``/
``oapi_base`` at them as ``http://localhost:PORT``, start the server with
``SALESNB_CONFIG`` naming it, and give the scenario's users the fakes'
platform ids (``zhangsan``, ``zhangsan-dt``, ``zhangsan-fs``); then open an
app page, click 使用企业微信登录 on the sign-in page, 确认登录 on the fake's
page, and expect the app with that person signed in.
"""

from __future__ import annotations

import json
import os

import pytest

from salesnb.plugins.signin.dingtalk import DingTalkSignIn
from salesnb.plugins.signin.wecom import WeComSignIn
from salesnb.web.sso import STATE_COOKIE

from .conftest import sso_settings

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AUTHORIZE_PATHS = {"wecom": "/wwlogin/sso/login", "dingtalk": "/oauth2/auth",
                   "feishu": "/open-apis/authen/v1/authorize"}
BUTTONS = {"wecom": "使用企业微信登录", "dingtalk": "使用钉钉登录", "feishu": "使用飞书登录"}


class Localhost:
    """A fake platform as the browser sees it: on ``localhost``, another site than salesnb's 127.0.0.1."""

    def __init__(self, server):
        self.server = server

    @property
    def url(self) -> str:
        return self.server.url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("SALESNB_CHROMIUM", "/usr/bin/chromium"),
                                     args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("name", ["wecom", "dingtalk", "feishu"])
def test_sign_in_page_to_platform_and_back_signed_in(chromium, serve, team, db_url, wecom_server, dingtalk_server,
                                                      feishu_server, name):
    WeComSignIn.forget_tokens()
    DingTalkSignIn.forget_tokens()
    platform = {"wecom": wecom_server, "dingtalk": dingtalk_server, "feishu": feishu_server}[name]
    platform.consent = True  # the way back starts on the platform's page, as after a QR scan
    fakes = {"wecom": Localhost(wecom_server), "dingtalk": Localhost(dingtalk_server),
             "feishu": Localhost(feishu_server)}
    site = serve(sso_settings(db_url, **fakes), team)
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{site.url}/whoami")
        assert page.url.startswith(f"{site.url}/salesnb/signin?next=")  # nobody is signed in yet
        page.get_by_role("link", name=BUTTONS[name]).click()
        page.wait_for_url(f"{fakes[name].url}/**")  # the platform's page, on another site
        page.get_by_role("link", name="确认登录").click()
        page.wait_for_url(f"{site.url}/whoami")
        assert json.loads(page.inner_text("body")) == {"user_id": "U1"}
        assert [r.path for r in platform.requests][0] == AUTHORIZE_PATHS[name]  # the browser went there first
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["salesnb_session"]["httpOnly"] and cookies["salesnb_session"]["sameSite"] == "Lax"
        assert STATE_COOKIE not in cookies  # the state was used up
    finally:
        context.close()

