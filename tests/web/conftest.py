"""A small real tornado server with the single sign-on routes, for fast handler tests.

It has what ``salesnb serve`` gives the routes (``salesnb.web.app``), without
Voila and its kernels: the ``JupyterHandler`` machinery with an identity
provider and ``allow_unauthenticated_access`` off, so every route not marked
``@allow_unauthenticated`` sends an anonymous browser to the sign-in page, a
sign-in page listing :func:`salesnb.web.sso.provider_links`, and a page that
says who is signed in.  The walk through ``salesnb serve`` itself, in
Chromium, is ``tests/browser/test_sso.py``.
"""

from __future__ import annotations

import asyncio
import threading
from html import escape

import pytest
from jupyter_server.auth import AllowAllAuthorizer, IdentityProvider, User
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from sqlalchemy.orm import Session
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.web import Application

from salesnb.auth.sessions import resolve_session
from salesnb.config import Settings
from salesnb.web.cookies import session_token
from salesnb.web.signin import SIGNIN_PATH
from salesnb.web.sso import provider_links, sso_handlers
from tests.fakeservers.fixtures import *  # noqa: F401,F403 - the fake servers' fixtures
from tests.plugins.signin.conftest import team  # noqa: F401 - users with platform ids

WECOM = {"corp_id": "ww-corp", "agent_id": 1000002, "secret": "corp-secret"}
DINGTALK = {"client_id": "dingfakeclientid", "client_secret": "ding-client-secret"}
FEISHU = {"app_id": "cli_fakeappid0001", "app_secret": "feishu-app-secret"}


class SessionIdentity(IdentityProvider):
    """The signed-in person from the salesnb session cookie, checked against the store."""

    def get_user(self, handler):
        engine = handler.settings["salesnb_engine"]
        with Session(engine) as session, session.begin():
            actor = resolve_session(session, session_token(handler))
        return None if actor is None else User(username=actor.user_id, name=actor.name)


class SignInPage(JupyterHandler):
    @allow_unauthenticated
    def get(self):
        settings = self.settings["salesnb_settings"]
        language = self.get_argument("lang", "zh-CN")
        links = provider_links(settings, self.get_argument("next", "/"), language, base_url=self.base_url)
        error = '<p class="error">sso</p>' if self.get_argument("error", None) == "sso" else ""
        self.finish("<html><body><h1>sign in</h1>" + error + "".join(
            f'<a class="sso" href="{escape(url)}">{escape(label)}</a>' for label, url in links) + "</body></html>")


class WhoAmI(JupyterHandler):
    def get(self):  # not @allow_unauthenticated: an anonymous browser goes to the sign-in page
        self.finish({"user_id": self.current_user.username})


def make_app(settings: Settings, engine, base_url: str = "/") -> Application:
    identity = SessionIdentity(token="")
    routes = [(url_path_join(base_url, SIGNIN_PATH), SignInPage), (url_path_join(base_url, "whoami"), WhoAmI),
              *sso_handlers(base_url, settings=settings, engine=engine)]
    return Application(routes, base_url=base_url, cookie_secret=b"test-cookie-secret-0123456789",
                       login_url=url_path_join(base_url, SIGNIN_PATH), identity_provider=identity,
                       authorizer=AllowAllAuthorizer(identity_provider=identity),
                       allow_unauthenticated_access=False, salesnb_settings=settings, salesnb_engine=engine)


class ServerThread:
    """A tornado HTTP server on its own IOLoop in a thread, on a free port of ``host``."""

    def __init__(self, app: Application, host: str = "127.0.0.1"):
        self.app, self.host = app, host
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        self.loop = IOLoop.current()
        sockets = bind_sockets(0, self.host)
        self.port = sockets[0].getsockname()[1]
        self.server = HTTPServer(self.app)
        self.server.add_sockets(sockets)
        self._ready.set()
        self.loop.start()

    def start(self) -> ServerThread:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        def shutdown():
            self.server.stop()
            self.loop.stop()

        self.loop.add_callback(shutdown)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def sso_settings(db_url: str, wecom=None, dingtalk=None, feishu=None, **raw) -> Settings:
    sso = {}
    if wecom is not None:
        sso["wecom"] = {**WECOM, "api_base": wecom.url, "authorize_base": wecom.url, "oauth_base": wecom.url}
    if dingtalk is not None:
        sso["dingtalk"] = {**DINGTALK, "api_base": dingtalk.url, "oapi_base": dingtalk.url,
                           "authorize_base": dingtalk.url}
    if feishu is not None:
        sso["feishu"] = {**FEISHU, "api_base": feishu.url, "authorize_base": feishu.url}
    return Settings(db_url=db_url, raw={"sso": sso, **raw})


@pytest.fixture
def serve():
    """``serve(settings, engine, base_url="/")``: the small server, stopped after the test."""
    started = []

    def start(settings, engine, base_url="/", host="127.0.0.1"):
        server = ServerThread(make_app(settings, engine, base_url), host).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
