"""Every delivery to the event endpoints is recorded — accepted, duplicate, URL check or refused with its reason's
message key — and a refused one stores nothing else, never its body."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.events import deliveries
from salesnb.models import EventDelivery, InboundEvent, Interaction, Lead
from salesnb.web.events import events_handlers
from salesnb.web.hosts import HostGuardApplication

from .conftest import ServerThread
from .platforms import feishu_message, feishu_post, generic_post, wecom_contact_added, wecom_post, wecom_url_check


def recorded(engine) -> list[tuple]:
    with session_scope(engine) as s:
        return [(d.source, d.status, d.http_status, d.reason, d.event_id)
                for d in s.scalars(select(EventDelivery).order_by(EventDelivery.id))]


def stored(engine) -> tuple[int, int, int]:
    """Events kept, interactions, leads: what a refusal must not change."""
    with session_scope(engine) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (InboundEvent, Interaction, Lead))


def test_wecom_refusals_are_recorded_with_their_reason_and_nothing_else(engine, team, server):
    url = server.url("wecom")
    before = stored(engine)
    xml = wecom_contact_added("zhangwei", "wmEXT001", int(time.time()))
    params, body = wecom_post(xml, tamper=True)
    assert httpx.post(url, params=params, content=body).status_code == 403
    params, body = wecom_post(xml, timestamp=int(time.time()) - 301)
    assert httpx.post(url, params=params, content=body).status_code == 403
    assert httpx.get(url, params=wecom_url_check("echo-1")).status_code == 200
    params, _body = wecom_post(xml)
    assert httpx.post(url, params=params, content=b"<xml>not even XML").status_code == 400
    assert stored(engine) == before
    assert recorded(engine) == [("wecom", "refused", 403, "events.bad_signature", None),
                                ("wecom", "refused", 403, "events.stale", None),
                                ("wecom", "checked", 200, None, None),
                                ("wecom", "refused", 400, "events.bad_body", None)]
    with session_scope(engine) as s:  # nothing of the request: no body, no signature, no timestamp
        text = json.dumps([[str(getattr(d, c.name)) for c in EventDelivery.__table__.columns]
                           for d in s.scalars(select(EventDelivery))], ensure_ascii=False)
    assert params["msg_signature"] not in text and "zhangwei" not in text and "not even XML" not in text


def test_feishu_accepted_then_replayed_then_forged(engine, team, server):
    url = server.url("feishu")
    sent = int((team + timedelta(hours=1)).timestamp() * 1000)
    headers, body = feishu_post(feishu_message("ev-101", "zw001", "oc_chat01", sent))
    assert httpx.post(url, headers=headers, content=body).status_code == 200
    assert httpx.post(url, headers=headers, content=body).status_code == 200  # replayed
    forged_headers, forged_body = feishu_post(feishu_message("ev-102", "zw001", "oc_chat01", sent))
    forged_headers["X-Lark-Signature"] = "0" * 64
    assert httpx.post(url, headers=forged_headers, content=forged_body).status_code == 403
    assert recorded(engine) == [("feishu", "accepted", 200, None, "ev-101"),
                                ("feishu", "duplicate", 200, "events.duplicate", "ev-101"),
                                ("feishu", "refused", 403, "events.bad_signature", None)]
    latest = deliveries.recent(engine)
    assert [d["status"] for d in latest] == ["refused", "duplicate", "accepted"]  # newest first
    assert latest[2]["outcome"]["message"] == "applied" and latest[0]["outcome"] == {}


def test_a_generic_event_with_a_bad_row_is_recorded_422_with_its_problems_and_writes_nothing(engine, team, server,
                                                                                             english):
    url = server.url("generic")
    before = stored(engine)
    bad = {"event_id": "crm-9", "table": "leads",
           "rows": [{"lead_id": "L8", "customer_id": "C1", "owner_id": "U1", "created_at": "not a time"}]}
    headers, body = generic_post(bad)
    assert httpx.post(url, headers=headers, content=body).status_code == 422
    headers, body = generic_post({"event_id": "x", "table": "nope", "rows": [{}]})
    assert httpx.post(url, headers=headers, content=body).status_code == 400
    assert stored(engine) == before
    assert recorded(engine) == [("generic", "refused", 422, "events.rows_refused", "crm-9"),
                                ("generic", "refused", 400, "events.unknown_table", None)]
    latest = deliveries.recent(engine)
    assert [deliveries.reason_text(d) for d in latest] == ["unknown table", "bad rows, 1 problem(s) (nothing written)"]
    assert latest[1]["event_type"] == "rows.leads" and latest[1]["details"] == {"total": 1}


def test_an_unconfigured_endpoint_is_recorded_404(engine):
    app = HostGuardApplication(events_handlers("/", settings=Settings(db_url=str(engine.url)), engine=engine),
                               salesnb_hosts=frozenset({"127.0.0.1"}))
    server = ServerThread(app).start()
    try:
        params, body = wecom_post("<xml/>")
        assert httpx.post(server.url("wecom"), params=params, content=body).status_code == 404
    finally:
        server.stop()
    assert recorded(engine) == [("wecom", "refused", 404, "events.not_configured", None)]


def test_only_the_latest_deliveries_of_each_endpoint_are_kept(engine, monkeypatch):
    monkeypatch.setattr(deliveries, "KEEP", 3)
    for i in range(5):
        deliveries.refused(engine, "dingtalk", "events.bad_signature", 403)
        deliveries.refused(engine, "generic", "events.stale", 403)
    with session_scope(engine) as s:
        counts = dict(s.execute(select(EventDelivery.source, func.count()).group_by(EventDelivery.source)).all())
    assert counts == {"dingtalk": 3, "generic": 3}
    assert [d["source"] for d in deliveries.recent(engine, per_endpoint=2)] == ["dingtalk"] * 2 + ["generic"] * 2
