"""Connectors (数据同步) in the browser: the event endpoints' last deliveries, refused ones with their reason."""

from __future__ import annotations

import httpx

from salesnb.db import make_engine
from salesnb.events import deliveries

from ..events.platforms import wecom_post
from ..widgets.seed import XSS


def test_refused_deliveries_show_with_their_reason_escaped(app_page, server):
    params, body = wecom_post("<xml/>")  # the browser store's server has no [events.wecom]: refused, 404
    reply = httpx.post(f"{server.url.rstrip('/')}/salesnb/events/wecom", params=params, content=body)
    assert reply.status_code == 404
    engine = make_engine(server.db_url)
    try:
        deliveries.refused(engine, "feishu", "events.bad_signature", 403)
        deliveries.refused(engine, "generic", "events.rows_refused", 422, event_id=XSS, event_type="rows.leads",
                           details={"total": 3})
    finally:
        engine.dispose()

    page = app_page.open("connectors")
    events = page.locator(".snb-connectors-events")
    events.locator("td", has_text="签名不正确").wait_for()
    text = events.inner_text()
    assert "已拒绝 404" in text and "该来源未配置" in text
    assert "已拒绝 403" in text and "已拒绝 422" in text and "行数据有误，共 3 个问题（未写入）" in text
    assert XSS[:20] in text  # shown as text, not markup (no dialog opened)
    assert text.index("wecom") < text.index("feishu") < text.index("generic")  # by endpoint
    app_page.screenshot("connectors_deliveries")
