"""A real tornado server with the event routes (``salesnb.web.events``), as ``salesnb serve`` adds them:
behind the Host allow-list, with XSRF cookies on (the platforms post without cookies), and a small team."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import Customer, Lead, User
from salesnb.timeutil import now
from salesnb.web.events import events_handlers
from salesnb.web.hosts import HostGuardApplication

from .platforms import DINGTALK, FEISHU, GENERIC, WECOM


class ServerThread:
    def __init__(self, app):
        self.app = app
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        self.loop = IOLoop.current()
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self.server = HTTPServer(self.app)
        self.server.add_sockets(sockets)
        self._ready.set()
        self.loop.start()

    def start(self):
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        def shutdown():
            self.server.stop()
            self.loop.stop()
        self.loop.add_callback(shutdown)
        self._thread.join(10)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/salesnb/events/{name}"


def events_settings(db_url: str) -> Settings:
    return Settings(db_url=db_url, raw={"events": {"wecom": WECOM, "dingtalk": DINGTALK, "feishu": FEISHU,
                                                    "generic": GENERIC}})


@pytest.fixture
def team(engine):
    """A rep with ids on every platform, a customer whose contacts are known, and an unanswered lead 3 h old."""
    created = now().replace(microsecond=0) - timedelta(hours=3)
    with session_scope(engine) as s:
        s.add(User(user_id="M1", name="王经理", role="sales_manager"))
        s.add(User(user_id="U1", name="张伟", role="sales", manager_id="M1", wecom_userid="zhangwei",
                   dingtalk_userid="ding-zw", feishu_user_id="zw001"))
        s.add(User(user_id="F1", name="财务", role="finance"))
        s.add(Customer(customer_id="C1", name="华东机械", owner_id="U1",
                       contact_ids="wmEXT001、cidDING01==, oc_chat01"))
        s.add(Customer(customer_id="C2", name="其他客户", owner_id="U1", contact_ids="wmEXT0019"))
        s.add(Lead(lead_id="L1", customer_id="C1", owner_id="U1", created_at=created, status="open"))
    return created


@pytest.fixture
def server(engine):
    app = HostGuardApplication(events_handlers("/", settings=events_settings(str(engine.url)), engine=engine),
                               salesnb_hosts=frozenset({"127.0.0.1"}), xsrf_cookies=True,
                               cookie_secret=b"test-secret")
    started = ServerThread(app).start()
    yield started
    started.stop()
