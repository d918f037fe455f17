"""The ``http_json`` source against a local paged API with a rate limit (429) and a failing page."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import Customer, SyncState
from salesnb.sync import run_sync

from .fake_api import TOKEN, FakeCrm

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the source side is what is tested


def rows(n, at="2026-11-02T09:00:00"):
    owners = ["张伟", "李娜", "wangfang"]
    return [{"id": f"C{i:03}", "name": f"客户{i}", "owner": owners[i % 3], "updated_at": at,
             "area": {"code": i % 2, "name": ["华东", "西南"][i % 2]}} for i in range(n)]


@pytest.fixture
def crm():
    with FakeCrm(rows(5)) as server:
        yield server


def settings(url):
    return Settings(db_url="", raw={"sync": {"crm": {
        "type": "http_json", "base_url": url, "headers": {"Authorization": "Bearer ${CRM_TOKEN}"},
        "retries": 2, "backoff": 0.001,
        "streams": {"customers": {"path": "/api/customers", "items": "data.items", "page_size": 2,
                                  "has_more": "data.has_more", "since_param": "updated_since",
                                  "since_field": "updated_at", "columns": {"id": "customer_id", "owner": "owner_id",
                                                                          "area.name": "region"}}},
    }}})


def customers(engine):
    with session_scope(engine) as session:
        return dict(session.execute(select(Customer.customer_id, Customer.name)).all())


def cursor(engine):
    with session_scope(engine) as session:
        return session.get(SyncState, ("crm", "customers")).cursor


def test_pages_retries_rate_limit_and_incremental(team, crm, monkeypatch):
    monkeypatch.setenv("CRM_TOKEN", TOKEN)
    crm.throttle = {2}  # the second request is told to slow down
    crm.fail = {2: 1}  # page 2 fails once
    report = run_sync(team, settings=settings(crm.url))
    assert report.ok, report.lines()
    assert report.streams[0].inserted == 5 and report.streams[0].batches == 3
    assert crm.pages == [1, 2, 3] and len(crm.requests) == 5  # one 429 and one 500 retried
    assert cursor(team) == {"since": "2026-11-02T09:00:00"}
    with session_scope(team) as session:  # nested fields by their dotted path; people by name or platform id
        assert session.execute(select(Customer.region, Customer.owner_id).where(Customer.customer_id == "C001")
                               ).one() == ("西南", "U002")

    crm.rows[1] = {**crm.rows[1], "name": "客户1（更名）", "updated_at": "2026-11-03T10:00:00"}
    again = run_sync(team, settings=settings(crm.url))
    assert again.streams[0].rows == 1 and again.streams[0].updated == 1
    assert crm.requests[-1].query["updated_since"] == "2026-11-02T09:00:00"
    assert customers(team)["C001"] == "客户1（更名）"
    assert run_sync(team, settings=settings(crm.url)).total("rows") == 0


def test_a_failing_page_stops_the_stream_and_the_cursor_stays_before_it(team, crm, monkeypatch, caplog):
    monkeypatch.setenv("CRM_TOKEN", TOKEN)
    crm.fail = {2: 10}
    with caplog.at_level(logging.DEBUG):
        report = run_sync(team, settings=settings(crm.url))
    stream = report.streams[0]
    assert not report.ok and stream.inserted == 2 and "HTTP 500" in stream.error and "3" in stream.error
    assert set(customers(team)) == {"C000", "C001"}
    assert cursor(team)["resume"] == 2  # page 1 is committed; the pass resumes at page 2
    assert TOKEN not in stream.error and TOKEN not in caplog.text

    crm.fail = {}
    crm.pages.clear()
    resumed = run_sync(team, settings=settings(crm.url))
    assert resumed.ok and crm.pages == [2, 3]  # page 1 is not read again
    assert set(customers(team)) == {f"C{i:03}" for i in range(5)}
    assert cursor(team) == {"since": "2026-11-02T09:00:00"}


def test_a_wrong_token_is_an_error_without_the_token(team, crm, monkeypatch):
    monkeypatch.setenv("CRM_TOKEN", "wrong-token-value")
    report = run_sync(team, settings=settings(crm.url))
    assert not report.ok and "401" in report.streams[0].error and "wrong-token-value" not in report.streams[0].error
    monkeypatch.delenv("CRM_TOKEN")
    missing = run_sync(team, settings=settings(crm.url))
    assert "CRM_TOKEN" in missing.streams[0].error
