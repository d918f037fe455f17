"""The ``feishu_messages`` source against a local server answering like Feishu's message list and contact APIs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import Interaction, Lead, SyncState
from salesnb.sync import run_sync

from .fake_feishu_chats import APP_ID, APP_SECRET, FakeFeishuChats, message


@pytest.fixture
def feishu():
    members = {"ou_zw": {"user_id": "zw001", "union_id": "on_zw"}, "ou_ln": {"user_id": "ln002", "union_id": "on_ln"}}
    with FakeFeishuChats(members) as server:
        yield server


def settings(url, **extra):
    return Settings(db_url="", raw={"sync": {"fs": {
        "type": "feishu_messages", "base_url": url, "app_id": APP_ID, "app_secret": "${FS_SECRET}",
        "page_size": 2, "retries": 1, "backoff": 0.001, **extra}}})


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("FS_SECRET", APP_SECRET)


def ms(at) -> int:
    return int(at.timestamp() * 1000)


def first_responses(engine):
    with session_scope(engine) as s:
        return dict(s.execute(select(Lead.lead_id, Lead.first_response_at)).all())


def interactions(engine):
    with session_scope(engine) as s:
        return {i.interaction_id: (i.customer_id, i.at, i.extra["user_id"]) for i in s.scalars(select(Interaction))}


def cursor(engine):
    with session_scope(engine) as s:
        state = s.get(SyncState, ("fs", "messages"))
        return None if state is None else state.cursor


def test_chats_of_the_customers_are_read_page_by_page_and_a_rerun_changes_nothing(engine, shop, feishu):
    asked, answered, other = (shop + timedelta(minutes=m) for m in (10, 70, 95))
    feishu.items += [message("om_1", "oc_chat01", "ou_customer", ms(asked), "能便宜点吗"),
                     message("om_2", "oc_chat01", "cli_bot", ms(asked) + 1, "自动回复", sender_type="app"),
                     message("om_3", "oc_chat01", "ou_zw", ms(answered), "可以，给您九五折"),
                     message("om_4", "oc_chat01", "ou_zw", ms(answered) + 60_000, "合同稍后发您"),
                     message("om_5", "oc_chat02", "ou_ln", ms(other), "样品已寄出")]
    report = run_sync(engine, settings=settings(feishu.url))  # chats: every oc_… in contact_ids
    assert report.ok, report.lines()
    stream = report.streams[0]
    assert (stream.table, stream.batches, stream.rows, stream.inserted) == ("interactions", 3, 5, 3)
    assert first_responses(engine) == {"L1": answered, "L2": other}  # not the customer's question, not the bot
    assert interactions(engine) == {"feishu:om_3": ("C1", answered, "U1"),
                                    "feishu:om_4": ("C1", answered + timedelta(minutes=1), "U1"),
                                    "feishu:om_5": ("C2", other, "U2")}
    assert cursor(engine) == {"chats": {"oc_chat01": ms(answered) + 60_000, "oc_chat02": ms(other)}}
    lookups = [r.path for r in feishu.requests if r.path.startswith("/open-apis/contact/")]
    assert sorted(lookups) == ["/open-apis/contact/v3/users/ou_customer", "/open-apis/contact/v3/users/ou_ln",
                               "/open-apis/contact/v3/users/ou_zw"]  # each sender once

    again = run_sync(engine, settings=settings(feishu.url))
    assert again.ok and again.streams[0].rows == 0 and again.streams[0].batches == 0
    asked_again = [r.query for r in feishu.requests if r.path == "/open-apis/im/v1/messages"][-2:]
    assert [q.get("start_time") for q in asked_again] == [str((ms(answered) + 60_000) // 1000), str(ms(other) // 1000)]
    full = run_sync(engine, settings=settings(feishu.url), full=True)
    assert full.ok and full.streams[0].rows == 5 and full.streams[0].inserted == 0
    assert len(interactions(engine)) == 3


def test_a_failing_page_keeps_the_chat_cursor_at_the_last_committed_page(engine, shop, feishu):
    for i in range(5):
        feishu.items.append(message(f"om_f{i}", "oc_chat01", "ou_zw", ms(shop + timedelta(minutes=20 + i)), f"{i}"))
    feishu.fail = {("oc_chat01", "2"): 2}  # the second page, also when retried
    report = run_sync(engine, settings=settings(feishu.url, chats=["oc_chat01"]))
    assert not report.ok and "/open-apis/im/v1/messages" in report.streams[0].error
    assert cursor(engine) == {"chats": {"oc_chat01": ms(shop + timedelta(minutes=21))}}
    assert set(interactions(engine)) == {"feishu:om_f0", "feishu:om_f1"}
    assert first_responses(engine)["L1"] == shop + timedelta(minutes=20)

    report = run_sync(engine, settings=settings(feishu.url, chats=["oc_chat01"]))
    assert report.ok and report.streams[0].rows == 3 and report.streams[0].inserted == 3
    assert len(interactions(engine)) == 5
    assert cursor(engine) == {"chats": {"oc_chat01": ms(shop + timedelta(minutes=24))}}


def test_a_customer_writing_is_no_response(engine, shop, feishu):
    feishu.items.append(message("om_c", "oc_chat01", "ou_customer", ms(shop + timedelta(minutes=5)), "在吗"))
    report = run_sync(engine, settings=settings(feishu.url))
    assert report.ok and report.streams[0].rows == 1 and report.streams[0].inserted == 0
    assert first_responses(engine) == {"L1": None, "L2": None} and interactions(engine) == {}


def test_a_wrong_app_secret_reads_nothing(engine, shop, feishu, monkeypatch):
    monkeypatch.setenv("FS_SECRET", "guessed")
    report = run_sync(engine, settings=settings(feishu.url))
    assert not report.ok and "10014" in report.streams[0].error and "guessed" not in report.streams[0].error
    assert cursor(engine) is None
