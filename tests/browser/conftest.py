"""Browser tests: headless system Chromium (Playwright) against a real ``salesnb serve``.

One server per test session (per xdist worker) on a small SQLite store: the
hand-made data set of :mod:`tests.widgets.seed`, pushed through the library
flows the apps show (contract submissions, bank reconciliation).  Every test
fails if a JavaScript dialog opens (the XSS payload would ``alert``), and
saves a screenshot of its app to ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import update

from salesnb.auth import SYSTEM
from salesnb.auth.passwords import set_password
from salesnb.auth.sessions import COOKIE_NAME, start_session
from salesnb.db import make_engine, session_scope, upgrade
from salesnb.models import User
from salesnb.web.background import BackgroundServer

from ..fakeservers import FakeDingTalk, FakeFeishu, FakeWeCom
from ..widgets.seed import AS_OF, seed
from .scenario import prepare

SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEFAULT_USER = "D01"  # the sales director of the seed data: every app, every row
# Local passwords of seed users: U01 signs in through the form, U02 is the one the lock-out test locks.
PASSWORDS = {"U01": "rep-password-1", "U02": "rep-password-2", "M01": "manager-password"}
# U01's accounts on the three platforms, for single sign-on against their fakes (tests/browser/test_sso.py)
PLATFORM_IDS = {"wecom_userid": "zhangwei", "dingtalk_userid": "zhangwei-dt", "feishu_user_id": "zhangwei-fs"}


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> str:
    """A SQLite store with the apps' scenario data."""
    path = tmp_path_factory.mktemp("apps") / "apps.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    seed(engine)
    prepare(engine)
    with session_scope(engine) as session:
        for user_id, password in PASSWORDS.items():
            set_password(session, user_id, password, actor=SYSTEM)
        session.execute(update(User).where(User.user_id == "U01").values(**PLATFORM_IDS))
        session.add(User(user_id="O01", name="赵运营", role="ops", region="华东"))  # who configures rules
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def sso_platforms():
    """Fake WeCom, DingTalk and Feishu on which U01 is signed in, each with a consent page to confirm.

    The server reaches them, and the browser is sent to them, as ``localhost``:
    another site than the server's 127.0.0.1, as a real platform is.
    """
    fakes = {"wecom": FakeWeCom(users=(PLATFORM_IDS["wecom_userid"],)),
             "dingtalk": FakeDingTalk(members={"union-zhangwei": PLATFORM_IDS["dingtalk_userid"]}),
             "feishu": FakeFeishu(people={"ou_zhangwei": PLATFORM_IDS["feishu_user_id"]})}
    for fake, who in zip(fakes.values(), ("zhangwei", "union-zhangwei", "ou_zhangwei"), strict=True):
        fake.start()
        fake.signed_in, fake.consent = who, True
    yield fakes
    for fake in fakes.values():
        fake.stop()


def sso_config(fakes) -> str:
    """``[sso.*]`` sections pointing at the fakes (the secrets come from the environment, see ``server``)."""
    base = {name: fake.url.replace("127.0.0.1", "localhost") for name, fake in fakes.items()}
    return (f'[sso.wecom]\ncorp_id = "ww-corp"\nagent_id = 1000002\napi_base = "{base["wecom"]}"\n'
            f'authorize_base = "{base["wecom"]}"\noauth_base = "{base["wecom"]}"\n'
            f'[sso.dingtalk]\nclient_id = "dingfakeclientid"\napi_base = "{base["dingtalk"]}"\n'
            f'oapi_base = "{base["dingtalk"]}"\nauthorize_base = "{base["dingtalk"]}"\n'
            f'[sso.feishu]\napp_id = "cli_fakeappid0001"\napi_base = "{base["feishu"]}"\n'
            f'authorize_base = "{base["feishu"]}"\n')


@pytest.fixture(scope="session")
def server(app_db, tmp_path_factory, sso_platforms):
    """``salesnb serve`` on a free port, kernels preheated, single sign-on through the fake platforms."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    config = log.parent / "salesnb.toml"
    config.write_text("[auth]\nslowdown_seconds = 0.2\nlock_minutes = 10\n" + sso_config(sso_platforms),
                      encoding="utf-8")
    env = {"SALESNB_LANG": "zh-CN", "SALESNB_AS_OF": AS_OF.isoformat(), "SALESNB_CONFIG": str(config),
           "SALESNB_SSO_WECOM_SECRET": sso_platforms["wecom"].corpsecret,
           "SALESNB_SSO_DINGTALK_SECRET": sso_platforms["dingtalk"].client_secret,
           "SALESNB_SSO_FEISHU_SECRET": sso_platforms["feishu"].app_secret}
    srv = BackgroundServer(app_db, log_path=log, env=env).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=os.environ.get("SALESNB_CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def session_cookie(server, user_id: str) -> dict:
    """A browser cookie for a new session of ``user_id`` (opened in the store, as signing in would)."""
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:
        token = start_session(session, user_id, provider="test")
    engine.dispose()
    return {"name": COOKIE_NAME, "value": token, "url": server.url}


def page_never_shown(page, server, app: str) -> str:
    """What a failed wait for an app's page shows: the page's text and the server log's end (a CI run's only
    trace of a page that stayed empty)."""
    try:
        body = page.locator("body").inner_text(timeout=5_000)[-1500:]
    except PlaywrightTimeout:
        body = "(no body)"
    return (f"the {app} page never showed its header\n--- page text ---\n{body}\n"
            f"--- server log ({server.log_path}), last 6000 characters ---\n{server.log_text()[-6000:]}")


class AppPage:
    """A browser tab on one app, signed in (by default as the sales director, who sees everything)."""

    def __init__(self, page, server, user_id: str | None = DEFAULT_USER):
        self.page = page
        self.server = server
        if user_id:
            self.sign_in(user_id)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def sign_in(self, user_id: str) -> None:
        """Give this tab a live session of ``user_id`` (replacing any other)."""
        self.page.context.clear_cookies()
        self.page.context.add_cookies([session_cookie(self.server, user_id)])

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, app: str, query: str = "", timeout: float = 60_000):
        """Open ``app`` and wait (up to ``timeout`` ms) until its widgets are rendered."""
        # not goto's "load": Voila streams the page while the kernel builds the app, and a busy CI machine can
        # take longer than the default timeout for that; the widgets are what the tests wait for
        self.page.goto(self.server.page_url(app, query), wait_until="commit", timeout=timeout)
        try:
            self.page.wait_for_selector(".snb-app .snb-header", timeout=timeout)
        except PlaywrightTimeout as exc:
            raise AssertionError(page_never_shown(self.page, self.server, app)) from exc
        return self.page

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def app_page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(45_000)
    wrapper = AppPage(page, server)
    yield wrapper
    context.close()
    assert wrapper.dialogs == [], f"a JavaScript dialog opened: {wrapper.dialogs}"
