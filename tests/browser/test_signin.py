"""Sign-in in a real browser against ``salesnb serve``: every page needs a person, nothing trusts a forged header."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from salesnb.auth.sessions import COOKIE_NAME, token_hash
from salesnb.db import make_engine, session_scope
from salesnb.models import SignInThrottle, WebSession

from .conftest import PASSWORDS, AppPage

APP_NAMES = ("index", "dashboard", "scorecard", "contracts", "reconciliation", "customer_card", "findings", "rules",
             "escalation", "my_work")


@pytest.fixture
def anonymous(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(45_000)
    yield AppPage(page, server, user_id=None)
    context.close()


def sign_in_with_form(page, login: str, password: str) -> None:
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.mark.parametrize("app", APP_NAMES)
def test_an_anonymous_request_gets_the_sign_in_page(server, app):
    answer = httpx.get(server.page_url(app), follow_redirects=True, timeout=60)
    assert answer.url.path == "/salesnb/signin"
    assert answer.url.params["next"] == f"/voila/render/{app}.ipynb"
    assert "登录" in answer.text and 'name="password"' in answer.text


def test_kernels_and_apis_refuse_anonymous_requests(server):
    kernel = "api/kernels/00000000-0000-4000-8000-000000000000"
    for path in (kernel, kernel + "/channels", "voila/api/contents/", "voila/render/index.ipynb?lang=en"):
        answer = httpx.get(server.url + path, follow_redirects=False, timeout=60)
        assert answer.status_code in (302, 403), path
        assert answer.status_code == 403 or answer.headers["location"].startswith("/salesnb/signin")


def test_sign_in_lands_on_the_page_asked_for_and_shows_who(anonymous):
    page = anonymous.page
    page.goto(anonymous.server.page_url("customer_card"))
    expect(page.locator("main.snb-signin")).to_be_visible()
    anonymous.screenshot("signin")
    sign_in_with_form(page, "u01", PASSWORDS["U01"])
    page.wait_for_selector(".snb-app .snb-header")
    assert re.search(r"/voila/render/customer_card\.ipynb$", page.url)
    expect(page.locator(".snb-who")).to_contain_text("张伟（U01）")


def test_a_wrong_password_says_nothing_about_who_exists(anonymous):
    page = anonymous.page
    page.goto(anonymous.server.url + "salesnb/signin")
    sign_in_with_form(page, "M01", "not the password")
    wrong = page.locator(".msg.bad").inner_text()
    sign_in_with_form(page, "NOBODY_SUCH_USER", "not the password")
    unknown = page.locator(".msg.bad").inner_text()
    assert wrong == unknown == "用户名或密码不正确"


def test_five_wrong_passwords_lock_the_account(anonymous):
    page = anonymous.page
    page.goto(anonymous.server.url + "salesnb/signin?lang=en")
    for _ in range(5):
        sign_in_with_form(page, "U02", "wrong password")
        expect(page.locator(".msg.bad")).to_be_visible()
    sign_in_with_form(page, "U02", PASSWORDS["U02"])  # the right password, too late
    expect(page.locator(".msg.bad")).to_contain_text("too many attempts")
    assert not any(c["name"] == COOKIE_NAME for c in page.context.cookies())
    engine = make_engine(anonymous.server.db_url)
    with session_scope(engine) as s:
        assert s.get(SignInThrottle, "u02").locked_until is not None
        s.delete(s.get(SignInThrottle, "u02"))  # unlock for the other tests
    engine.dispose()


def test_sign_out_ends_the_session_in_the_page_and_in_the_kernel(anonymous):
    page = anonymous.page
    page.goto(anonymous.server.page_url("customer_card"))
    sign_in_with_form(page, "M01", PASSWORDS["M01"])
    page.wait_for_selector(".snb-app .snb-header")
    old_cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    # a second tab of the same browser signs out; the first tab's kernel is still open
    other = page.context.new_page()
    other.goto(anonymous.server.url + "salesnb/signout")
    expect(other.locator(".msg.info")).to_be_visible()
    engine = make_engine(anonymous.server.db_url)
    with session_scope(engine) as s:  # this browser's session ended (other tests' M01 sessions are theirs)
        assert s.get(WebSession, token_hash(old_cookie["value"])).ended_at is not None
    engine.dispose()
    # in the kernel: the open page's next action is refused
    page.fill(".snb-search input", "huadian")
    expect(page.locator(".snb-banner .snb-msg.snb-bad")).to_contain_text("登录已失效")
    # in the page: the old cookie opens nothing
    answer = httpx.get(anonymous.server.page_url("index"), cookies={COOKIE_NAME: old_cookie["value"]},
                       follow_redirects=False, timeout=60)
    assert answer.status_code == 302 and answer.headers["location"].startswith("/salesnb/signin")


def test_a_forged_identity_header_is_ignored(server):
    forged = {"X-Salesnb-User": "D01", "X-Remote-User": "D01", "X-Forwarded-User": "D01", "Remote-User": "D01"}
    answer = httpx.get(server.page_url("contracts"), headers=forged, follow_redirects=False, timeout=60)
    assert answer.status_code == 302 and answer.headers["location"].startswith("/salesnb/signin")


def test_a_signed_in_page_ignores_a_forged_identity_header(app_page):
    app_page.sign_in("U01")
    app_page.page.set_extra_http_headers({"X-Salesnb-User": "D01", "X-Remote-User": "D01"})
    page = app_page.open("index")
    expect(page.locator(".snb-who")).to_contain_text("张伟（U01）")


def test_a_request_for_another_host_name_is_refused(server, app_page):
    answer = httpx.get(server.page_url("index"), headers={"Host": "evil.example"}, timeout=60)
    assert answer.status_code == 403 and "evil.example" in answer.text
    ws = httpx.get(server.url + "api/kernels", headers={"Host": f"evil.example:{server.port}"}, timeout=60)
    assert ws.status_code == 403
