"""The event endpoints as ``salesnb serve`` itself serves them (no kernels preheated: nothing but the routes):
no sign-in but a signature; the pages still need a signed-in person."""

from __future__ import annotations

import shutil

import httpx
from sqlalchemy import select

from salesnb.db import make_engine, session_scope
from salesnb.models import Customer, InboundEvent, Task, User
from salesnb.web.background import BackgroundServer

from ..events.platforms import generic_post

SECRET = "served-events-secret"


def test_salesnb_serve_takes_a_signed_event_once_without_sign_in(tmp_path, sqlite_template):
    path = tmp_path / "served.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with session_scope(engine) as s:
        s.add(User(user_id="U1", name="张伟", role="sales"))
        s.add(Customer(customer_id="C1", name="华东机械", owner_id="U1"))
    config = tmp_path / "salesnb.toml"
    config.write_text(f'[events.generic]\nsecret = "{SECRET}"\n', encoding="utf-8")
    rows = [{"lead_id": "EV-L1", "customer_id": "C1", "owner_id": "U1", "created_at": "2026-11-26 09:00"}]
    headers, body = generic_post({"event_id": "served-1", "table": "leads", "rows": rows}, secret=SECRET)
    with BackgroundServer(url, pool_size=0, env={"SALESNB_CONFIG": str(config)}) as server:
        events = server.url + "salesnb/events/generic"
        first = httpx.post(events, headers=headers, content=body, timeout=30)
        assert first.status_code == 200 and first.json()["inserted"] == 1, first.text
        assert httpx.post(events, headers=headers, content=body, timeout=30).json()["status"] == "duplicate"
        forged = {**headers, "X-Salesnb-Signature": "sha256=" + "0" * 64}
        assert httpx.post(events, headers=forged, content=body, timeout=30).status_code == 403
        page = httpx.get(server.page_url("index"), follow_redirects=False, timeout=30)
        assert page.status_code == 302 and "signin" in page.headers["location"]
    with session_scope(engine) as s:
        assert s.scalars(select(InboundEvent.event_id)).all() == ["served-1"]
        assert s.get(Task, "lead_first_response:EV-L1") is not None
    engine.dispose()
