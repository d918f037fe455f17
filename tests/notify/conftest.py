"""Helpers for the notify tests: settings with channels, users, messages in the outbox."""

from __future__ import annotations

import pytest

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import User
from salesnb.notify import enqueue
from tests.fakeservers.fixtures import *  # noqa: F401,F403 - the fake servers' fixtures

USERS = [
    dict(user_id="U1", name="张三", role="sales", wecom_userid="zhangsan", mobile="13800000001", email="zhangsan@example.com"),
    dict(user_id="U2", name="李四", role="sales_manager", wecom_userid="lisi", mobile="13800000002", email="lisi@example.com"),
    dict(user_id="U3", name="王五", role="finance", wecom_userid=None, mobile="13800000003", email=None),
    dict(user_id="U4", name="赵六", role="ops", wecom_userid=None, mobile=None, email=None),
]


def make_settings(tmp_path, db_url="sqlite://", channels=None, notify=None) -> Settings:
    raw = {"channels": channels or {}}
    if notify is not None:
        raw["notify"] = notify
    return Settings(db_url=db_url, data_dir=tmp_path, raw=raw)


def add_messages(engine, n, channel, *, at, prefix="msg", recipients=("U1",), cc=(), start=0, event_type=None):
    """Enqueue ``n`` messages ``prefix-i`` (subject and body carry the key) and commit."""
    keys = []
    with session_scope(engine) as session:
        for i in range(start, start + n):
            key = f"{prefix}-{i}"
            enqueue(session, dedup_key=key, recipients=recipients, cc=cc, subject=f"提醒 {key}",
                    body=f"请处理 {key}", channel=channel, event_type=event_type, at=at)
            keys.append(key)
    return keys


@pytest.fixture
def users(engine):
    with session_scope(engine) as session:
        session.add_all(User(**u) for u in USERS)
    return USERS


def deliver(engine, tmp_path, channels, clock, **kw):
    """flush() with ``channels`` configured, on the fake clock."""
    settings = make_settings(tmp_path, channels=channels, notify=kw.pop("notify", None))
    from salesnb.notify import flush

    return flush(engine, settings, clock=clock.now, sleep=clock.sleep, **kw)


def rows_by_key(engine):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from salesnb.models import OutboxMessage

    with Session(engine) as session:
        return {r.dedup_key: r for r in session.scalars(select(OutboxMessage))}


def send_direct(channel_type, options, notification, clock, name="ch"):
    """Send one notification straight through the plugins (no outbox), on the fake clock."""
    import httpx

    from salesnb.notify.channels import ChannelConfig
    from salesnb.notify.notifier import DeliveryContext
    from salesnb.notify.send import make_notifier, send_notification

    channel = ChannelConfig(name, channel_type, options)
    with httpx.Client(timeout=5) as http:
        notifier = make_notifier(channel, DeliveryContext(http=http, clock=clock.time, sleep=clock.sleep))
        return send_notification(channel, notification, notifier)


def person(user_id):
    from salesnb.notify import Recipient

    user = next(u for u in USERS if u["user_id"] == user_id)
    return Recipient(user_id, user["name"], user["wecom_userid"], user["mobile"], user["email"])


def note(key="k-1", subject="合同审批超时", body="合同 C-001 已超过 24 小时未审批", to=("U1",), cc=()):
    from salesnb.notify import Notification

    return Notification(subject=subject, body=body, recipients=[person(u) for u in to],
                        cc=[person(u) for u in cc], dedup_key=key)
