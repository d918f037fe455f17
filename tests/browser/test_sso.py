"""Single sign-on in Chromium against ``salesnb serve``: sign-in page → provider button → the platform → back, signed in.

The platforms are the fakes of :mod:`tests.fakeservers`, on ``localhost``
while salesnb is on ``127.0.0.1``: two sites, as in real life.  The way
back starts on the platform's own page (its confirm link, as after a QR
scan), so the state cookie crosses sites the way SameSite=Lax allows.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import expect

from salesnb.db import make_engine
from salesnb.web.sso import STATE_COOKIE

from .conftest import AppPage

BUTTONS = {"wecom": "使用企业微信登录", "dingtalk": "使用钉钉登录", "feishu": "使用飞书登录"}

@pytest.fixture
def anonymous(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(45_000)
    yield AppPage(page, server, user_id=None)
    context.close()


def sessions_through(server, provider: str) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from salesnb.models import WebSession

    engine = make_engine(server.db_url)
    with Session(engine) as session:
        users = list(session.scalars(select(WebSession.user_id).where(WebSession.provider == provider)))
    engine.dispose()
    return users


def walk(anonymous, sso_platforms, name: str, target: str) -> None:
    """From the sign-in page (asked to open ``target``) through the platform's page, back to ``target``."""
    page = anonymous.page
    page.goto(anonymous.server.url + "salesnb/signin?" + urlencode({"next": "/" + target}))
    expect(page.locator("main.snb-signin")).to_be_visible()
    page.get_by_role("link", name=BUTTONS[name]).click()
    platform = sso_platforms[name].url.replace("127.0.0.1", "localhost")
    page.wait_for_url(re.compile("^" + re.escape(platform)))  # the platform's own page, another site
    page.get_by_role("link", name="确认登录").click()
    page.wait_for_url(anonymous.server.url + target)


@pytest.mark.parametrize("name", ["wecom", "dingtalk", "feishu"])
def test_sign_in_with_a_platform_and_the_server_knows_the_person(anonymous, sso_platforms, name):
    target = "voila/api/contents/"  # the apps' list: it needs a signed-in person, and starts no kernel
    assert httpx.get(anonymous.server.url + target, timeout=60).status_code in (302, 403)  # nobody yet
    walk(anonymous, sso_platforms, name, target)
    listing = json.loads(anonymous.page.inner_text("body"))
    assert "customer_card.ipynb" in {item["name"] for item in listing["content"]}
    cookies = {c["name"]: c for c in anonymous.page.context.cookies()}
    assert cookies["salesnb_session"]["httpOnly"] and STATE_COOKIE not in cookies
    assert "U01" in sessions_through(anonymous.server, name)


def test_a_wecom_sign_in_opens_the_app_asked_for_as_that_person(anonymous, sso_platforms):
    anonymous.page.set_viewport_size({"width": 375, "height": 812})  # a phone, as a message's link opens it
    page = anonymous.page
    # an app page (one few other tests open, so its preheated kernel is free): the sign-in page first
    page.goto(anonymous.server.page_url("escalation"))
    expect(page.locator("main.snb-signin")).to_be_visible()
    anonymous.screenshot("signin_sso")
    page.get_by_role("link", name=BUTTONS["wecom"]).click()
    page.get_by_role("link", name="确认登录").click()
    page.wait_for_url(re.compile(r"/voila/render/escalation\.ipynb$"))
    anonymous.page.wait_for_selector(".snb-app .snb-header", timeout=90_000)
    expect(anonymous.page.locator(".snb-who")).to_contain_text("张伟（U01）")
    anonymous.screenshot("sso_wecom_signed_in")


def test_someone_the_platform_knows_but_salesnb_does_not_gets_the_sign_in_page_again(anonymous, sso_platforms):
    feishu = sso_platforms["feishu"]
    feishu.people["ou_stranger"] = "stranger-fs"  # may use the app on Feishu, has no user row in salesnb
    feishu.signed_in = "ou_stranger"
    page = anonymous.page
    try:
        page.goto(anonymous.server.page_url("customer_card"))
        page.get_by_role("link", name=BUTTONS["feishu"]).click()
        page.get_by_role("link", name="确认登录").click()
        expect(page.locator(".msg.bad")).to_have_text("单点登录没有成功，请重试或使用密码登录")
        assert re.search(r"/salesnb/signin\?error=sso&next=", page.url)
        expect(page.locator("main.snb-signin")).to_be_visible()
    finally:
        feishu.signed_in = "ou_zhangwei"
