import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from salesnb.db import session_scope
from salesnb.models import OutboxMessage, User
from salesnb.notify import enqueue
from salesnb.notify.channels import load_notify_config
from salesnb.notify.flush import route_default_messages

from .conftest import add_messages, make_settings


def _rows(engine):
    with Session(engine) as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_enqueue_returns_the_row_then_none_for_the_same_key(engine, fake_clock):
    with session_scope(engine) as session:
        first = enqueue(session, dedup_key="sla:T1:1", recipients=["U2", "U1", "U2"], cc=["U9"],
                        subject="超时", body="任务 T1 超时", event_type="sla.escalation",
                        entity_type="task", entity_id=1, payload={"url": "http://x"}, at=fake_clock.now())
        again = enqueue(session, dedup_key="sla:T1:1", recipients=["U3"], subject="x", body="y")
        assert first is not None and first.id is not None
        assert again is None
    with session_scope(engine) as session:
        assert enqueue(session, dedup_key="sla:T1:1", recipients=["U1"], subject="x", body="y") is None
    [row] = _rows(engine)
    assert (row.channel, row.status, row.attempts) == ("default", "pending", 0)
    assert row.recipients == ["U1", "U2"] and row.cc == ["U9"]
    assert row.entity_id == "1" and row.payload == {"url": "http://x"}
    assert row.next_attempt_at == fake_clock.now() == row.created_at


def test_enqueue_rolls_back_with_its_cause(engine):
    try:
        with session_scope(engine) as session:
            session.add(User(user_id="U7", name="n", role="sales"))
            enqueue(session, dedup_key="k1", recipients=["U7"], subject="s", body="b")
            raise RuntimeError("the cause failed")
    except RuntimeError:
        pass
    assert _rows(engine) == []
    with Session(engine) as session:
        assert session.get(User, "U7") is None


def test_concurrent_enqueue_of_one_key_gives_one_row_and_no_error(engine):
    """Two transactions insert the same key at once: ON CONFLICT DO NOTHING, no IntegrityError."""
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker(n):
        try:
            with session_scope(engine) as session:
                barrier.wait(timeout=10)
                results.append(enqueue(session, dedup_key="same-key", recipients=[f"U{n}"], subject="s", body="b"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(r is not None for r in results) == 1
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_default_messages_are_copied_once_to_each_routed_channel(engine, tmp_path, fake_clock):
    channels = {"robot": {"type": "console"}, "mail": {"type": "console"}, "boss": {"type": "console"}}
    notify = {"default": ["robot", "mail"], "routes": {"sla.escalation": ["boss"]}}
    config = load_notify_config(make_settings(tmp_path, channels=channels, notify=notify), environ={})
    add_messages(engine, 2, None, at=fake_clock.now(), prefix="grade")
    add_messages(engine, 1, None, at=fake_clock.now(), prefix="esc", event_type="sla.escalation")
    add_messages(engine, 1, "robot", at=fake_clock.now(), prefix="direct")
    assert route_default_messages(engine, config, fake_clock.now()) == 3
    assert route_default_messages(engine, config, fake_clock.now()) == 0  # a rerun adds nothing
    rows = {(r.dedup_key, r.channel, r.status) for r in _rows(engine)}
    assert rows == {
        ("grade-0", "default", "routed"), ("grade-1", "default", "routed"), ("esc-0", "default", "routed"),
        ("grade-0#robot", "robot", "pending"), ("grade-0#mail", "mail", "pending"),
        ("grade-1#robot", "robot", "pending"), ("grade-1#mail", "mail", "pending"),
        ("esc-0#boss", "boss", "pending"), ("direct-0", "robot", "pending"),
    }
    copy = next(r for r in _rows(engine) if r.dedup_key == "grade-0#mail")
    assert (copy.subject, copy.body, copy.recipients) == ("提醒 grade-0", "请处理 grade-0", ["U1"])


def test_routed_copies_carry_every_column_and_a_long_key_is_hashed(engine, tmp_path, fake_clock):
    channels = {"robot": {"type": "console"}, "mail": {"type": "console"}}
    config = load_notify_config(make_settings(tmp_path, channels=channels, notify={"default": ["robot", "mail"]}),
                                environ={})
    long_key = "L" * 396
    with session_scope(engine) as session:
        enqueue(session, dedup_key="short", recipients=["U1", "U2"], cc=["U3"], subject="主题", body="正文",
                payload={"items": [{"id": "Q1", "amount": 1.5}], "severity": "critical"}, event_type="lead_graded",
                entity_type="lead", entity_id="L1", at=fake_clock.now())
        enqueue(session, dedup_key=long_key, recipients=["U1"], subject="长", body="长", at=fake_clock.now())
    assert route_default_messages(engine, config, fake_clock.now()) == 2
    rows = {r.dedup_key: r for r in _rows(engine)}
    original = rows["short"]
    for channel in ("robot", "mail"):
        copy = rows[f"short#{channel}"]
        assert copy.channel == channel and copy.status == "pending"
        same = ("recipients", "cc", "subject", "body", "payload", "event_type", "entity_type", "entity_id",
                "next_attempt_at", "created_at", "attempts")
        assert {c: getattr(copy, c) for c in same} == {c: getattr(original, c) for c in same}
    hashed = sorted(k for k in rows if k.startswith("sha256:"))
    assert [k.rsplit("#", 1)[1] for k in hashed] == ["mail", "robot"] and all(len(k) <= 400 for k in hashed)
    assert rows[long_key].status == "routed"
