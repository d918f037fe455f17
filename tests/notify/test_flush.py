"""Delivery mechanics on both databases: rate limits, backoff, concurrency, stale claims, dropped connections."""

import gc
import importlib
import threading
from datetime import timedelta

from sqlalchemy import update

from salesnb.db import make_engine
from salesnb.models import OutboxMessage
from salesnb.notify import Backoff, flush, requeue
from tests.fakeservers.smtp import free_port

from .conftest import add_messages, deliver, make_settings, rows_by_key


def robot(server, **options):
    return {"robot": {"type": "wecom_robot", "key": "robot-key", "base_url": server.url, **options}}


def statuses(engine):
    return sorted((k, r.status) for k, r in rows_by_key(engine).items())


def test_rate_limit_20_per_minute_per_robot(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 25, "robot", at=fake_clock.now())
    report = deliver(engine, tmp_path, robot(wecom_server), fake_clock)
    assert report.sent == 20
    assert report.waiting["robot"] == 60
    assert not any("45009" in str(r) for r in rows_by_key(engine).values() if r.last_error)
    fake_clock.advance(30)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 0  # the window has not moved yet
    fake_clock.advance(30)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 5
    assert len(wecom_server.messages) == 25 and len(set(wecom_server.texts())) == 25


def test_wait_sleeps_for_a_slot_instead_of_stopping(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 25, "robot", at=fake_clock.now())
    report = deliver(engine, tmp_path, robot(wecom_server), fake_clock, wait=True)
    assert report.sent == 25 and report.waiting == {}
    assert fake_clock.slept == [60]  # one fake sleep, no real one
    assert len(wecom_server.messages) == 25


def flush_in_parallel(db_url, settings, fake_clock, n=3):
    """Run ``n`` flushes at once, each with its own engine (as separate processes would)."""
    reports, errors = [], []

    def run():
        own = make_engine(db_url)
        try:
            reports.append(flush(own, settings, clock=fake_clock.now, sleep=fake_clock.sleep))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return reports


def test_two_flushers_share_one_rate_limit(engine, db_url, users, tmp_path, fake_clock, wecom_server):
    """Concurrent claims from separate engines; the robot still sees at most 20 a minute."""
    add_messages(engine, 30, "robot", at=fake_clock.now())
    reports = flush_in_parallel(db_url, make_settings(tmp_path, channels=robot(wecom_server)), fake_clock)
    assert sum(r.sent for r in reports) == 20
    assert len(wecom_server.messages) == 20 and len(set(wecom_server.texts())) == 20
    assert not any(r.json and r.json.get("errcode") for r in wecom_server.requests)
    fake_clock.advance(60)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 10
    assert len(set(wecom_server.texts())) == 30 == len(wecom_server.messages)


def test_concurrent_flushers_send_each_message_once(engine, db_url, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 40, "robot", at=fake_clock.now())
    wecom_server.rate.per_minute = 1000
    settings = make_settings(tmp_path, channels=robot(wecom_server, rate_per_minute=0))
    reports = flush_in_parallel(db_url, settings, fake_clock)
    assert sum(r.sent for r in reports) == 40
    assert len(wecom_server.messages) == 40 == len(set(wecom_server.texts()))
    assert {s for _, s in statuses(engine)} == {"sent"}


def test_network_errors_back_off_exponentially_then_give_up(engine, users, tmp_path, fake_clock):
    add_messages(engine, 1, "robot", at=fake_clock.now())
    dead = {"robot": {"type": "wecom_robot", "key": "robot-key", "base_url": f"http://127.0.0.1:{free_port()}"}}
    backoff = Backoff(base=30, factor=2, cap=3600)
    delays = []
    for _ in range(3):
        report = deliver(engine, tmp_path, dead, fake_clock, backoff=backoff, max_attempts=4)
        assert report.retried == 1 and report.sent == 0
        row = rows_by_key(engine)["msg-0"]
        assert "cannot connect" in row.last_error
        delays.append((row.next_attempt_at - fake_clock.now()).total_seconds())
        fake_clock.advance(delays[-1])
    assert delays == [30, 60, 120]
    report = deliver(engine, tmp_path, dead, fake_clock, backoff=backoff, max_attempts=4)
    assert report.failed == 1
    row = rows_by_key(engine)["msg-0"]
    assert row.status == "failed" and row.last_error.startswith("gave up after 4 attempts")


def test_a_network_error_stops_the_channel_for_this_flush(engine, users, tmp_path, fake_clock):
    add_messages(engine, 3, "robot", at=fake_clock.now())
    dead = {"robot": {"type": "wecom_robot", "key": "robot-key", "base_url": f"http://127.0.0.1:{free_port()}"}}
    assert deliver(engine, tmp_path, dead, fake_clock).retried == 1
    assert sorted(r.attempts for r in rows_by_key(engine).values()) == [0, 0, 1]


def test_messages_for_an_unconfigured_channel_wait(engine, users, tmp_path, fake_clock):
    add_messages(engine, 2, "nowhere", at=fake_clock.now())
    report = deliver(engine, tmp_path, {}, fake_clock)
    assert report.sent == 0
    assert report.problems == ["channel 'nowhere' is not configured: 2 message(s) wait for it"]
    assert statuses(engine) == [("msg-0", "pending"), ("msg-1", "pending")]


def test_a_misconfigured_channel_is_reported_not_failed(english, engine, users, tmp_path, fake_clock):
    add_messages(engine, 1, "robot", at=fake_clock.now())
    report = deliver(engine, tmp_path, {"robot": {"type": "wecom_robot", "msgtype": "html"}}, fake_clock)
    assert "option 'key' is required" in report.problems[0]
    assert statuses(engine) == [("msg-0", "pending")]


def test_limit_caps_the_deliveries(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 5, "robot", at=fake_clock.now())
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock, limit=2).sent == 2
    assert [s for _, s in statuses(engine)].count("pending") == 3


def _abandon(engine, key, locked_at):
    """Leave ``key`` as a killed flusher would: claimed, never finished."""
    with engine.begin() as conn:
        conn.execute(update(OutboxMessage).where(OutboxMessage.dedup_key == key).values(
            status="sending", locked_by="dead-host:1:x", locked_at=locked_at, next_attempt_at=locked_at, attempts=1))


def test_stale_claims_are_resent_fresh_ones_left_alone(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 3, "robot", at=fake_clock.now())
    _abandon(engine, "msg-0", fake_clock.now() - timedelta(minutes=11))
    _abandon(engine, "msg-1", fake_clock.now() - timedelta(minutes=2))  # maybe still being sent
    report = deliver(engine, tmp_path, robot(wecom_server), fake_clock)
    assert report.sent == 2
    assert statuses(engine) == [("msg-0", "sent"), ("msg-1", "sending"), ("msg-2", "sent")]
    assert rows_by_key(engine)["msg-0"].attempts == 2
    fake_clock.advance(9 * 60)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 1
    assert sorted(m["text"].split("\n")[1] for m in wecom_server.messages) == ["请处理 msg-0", "请处理 msg-1", "请处理 msg-2"]


def test_stale_claims_are_held_when_the_channel_says_so(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 2, "robot", at=fake_clock.now())
    _abandon(engine, "msg-0", fake_clock.now() - timedelta(hours=1))
    report = deliver(engine, tmp_path, robot(wecom_server, in_doubt="hold"), fake_clock)
    assert (report.held, report.sent) == (1, 1)
    row = rows_by_key(engine)["msg-0"]
    assert row.status == "unknown" and "in_doubt = hold" in row.last_error
    assert wecom_server.count("msg-0") == 0


def test_server_dropping_connections_midway_then_rerun_sends_the_rest_once(
        engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 8, "robot", at=fake_clock.now())
    wecom_server.drop_after(3)  # the service goes away after 3 messages
    report = deliver(engine, tmp_path, robot(wecom_server), fake_clock)
    assert (report.sent, report.retried) == (3, 1)
    rows = rows_by_key(engine)
    assert "no answer" in rows["msg-3"].last_error
    assert [rows[f"msg-{i}"].attempts for i in range(4, 8)] == [0, 0, 0, 0]
    wecom_server.recover()
    fake_clock.advance(30)
    report = deliver(engine, tmp_path, robot(wecom_server), fake_clock)
    assert report.sent == 5
    for i in range(8):
        assert wecom_server.count(f"请处理 msg-{i}\n") == 1
    assert len(wecom_server.messages) == 8


def test_answer_lost_after_delivery_robot_is_at_least_once(engine, users, tmp_path, fake_clock, wecom_server):
    """The documented trade-off: a robot has no idempotency, an in-doubt re-send can arrive twice."""
    add_messages(engine, 2, "robot", at=fake_clock.now())
    wecom_server.deliver_then_drop(1)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).retried == 1
    fake_clock.advance(30)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 2
    assert wecom_server.count("请处理 msg-0\n") == 2 and wecom_server.count("请处理 msg-1\n") == 1


def test_answer_lost_after_delivery_hold_is_at_most_once(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 2, "robot", at=fake_clock.now())
    wecom_server.deliver_then_drop(1)
    report = deliver(engine, tmp_path, robot(wecom_server, in_doubt="hold"), fake_clock)
    assert report.held == 1
    fake_clock.advance(3600)
    assert deliver(engine, tmp_path, robot(wecom_server, in_doubt="hold"), fake_clock).sent == 1
    assert wecom_server.count("请处理 msg-0\n") == 1
    assert rows_by_key(engine)["msg-0"].status == "unknown"
    assert requeue(engine, status="unknown", at=fake_clock.now()) == 1  # a person decides to re-send
    assert deliver(engine, tmp_path, robot(wecom_server, in_doubt="hold"), fake_clock).sent == 1
    assert wecom_server.count("请处理 msg-0\n") == 2


def test_answer_lost_after_delivery_wecom_app_is_exactly_once(engine, users, tmp_path, fake_clock, wecom_server):
    from salesnb.plugins.notifiers.wecom_app import WeComApp

    WeComApp.forget_tokens()
    add_messages(engine, 2, "app", at=fake_clock.now())
    channels = {"app": {"type": "wecom_app", "corpid": "ww-corp", "corpsecret": "corp-secret",
                        "agentid": 1000002, "base_url": wecom_server.url}}
    wecom_server.deliver_then_drop(1)
    assert deliver(engine, tmp_path, channels, fake_clock).retried == 1
    fake_clock.advance(30)
    assert deliver(engine, tmp_path, channels, fake_clock).sent == 2
    assert len(wecom_server.messages) == 2 and wecom_server.duplicates_dropped == 1
    assert {s for _, s in statuses(engine)} == {"sent"}


def test_default_messages_reach_every_routed_channel(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 2, None, at=fake_clock.now())
    log = tmp_path / "dev.log"
    channels = {**robot(wecom_server), "dev": {"type": "console", "path": str(log)}}
    report = deliver(engine, tmp_path, channels, fake_clock, notify={"default": ["robot", "dev"]})
    assert (report.routed, report.sent) == (2, 4)
    assert len(wecom_server.messages) == 2
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2
    assert deliver(engine, tmp_path, channels, fake_clock, notify={"default": ["robot", "dev"]}).sent == 0


def test_without_routes_default_messages_go_to_the_log_file(engine, users, tmp_path, fake_clock):
    import json

    add_messages(engine, 1, None, at=fake_clock.now(), recipients=["U1"], cc=["U2"])
    assert deliver(engine, tmp_path, {}, fake_clock).sent == 1
    [line] = (tmp_path / "notifications.log").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert (record["subject"], record["to"], record["cc"]) == ("提醒 msg-0", ["U1"], ["U2"])
    assert record["dedup_key"] == "msg-0#console"


def test_new_messages_from_a_simulated_future_are_due_at_once(engine, users, tmp_path, fake_clock, wecom_server):
    """Engines enqueue "as of" a time that may lie ahead of the clock; only retries wait."""
    add_messages(engine, 2, "robot", at=fake_clock.now() + timedelta(days=30))
    wecom_server.script({"errcode": 45009, "errmsg": "api freq out of limit"})
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).retried == 1
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 1
    fake_clock.advance(60)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 1


def test_due_rows_go_out_oldest_first_whether_pending_or_abandoned(engine, users, tmp_path, fake_clock,
                                                                     wecom_server):
    now = fake_clock.now()
    add_messages(engine, 2, "robot", at=now - timedelta(minutes=5))
    add_messages(engine, 1, "robot", at=now - timedelta(minutes=30), start=2)  # pending, enqueued first
    _abandon(engine, "msg-1", now - timedelta(minutes=20))  # abandoned 20 minutes ago
    sent = []
    for _ in range(3):
        assert deliver(engine, tmp_path, robot(wecom_server), fake_clock, limit=1).sent == 1
        sent.append(wecom_server.messages[-1]["text"].split("\n")[1])
    assert sent == ["请处理 msg-2", "请处理 msg-1", "请处理 msg-0"]


def test_routing_pages_through_every_default_message(engine, users, tmp_path, fake_clock, monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("salesnb.notify.flush"), "ROUTE_BATCH", 3)
    add_messages(engine, 7, None, at=fake_clock.now())
    log = tmp_path / "dev.log"
    channels = {"dev": {"type": "console", "path": str(log)}, "ops": {"type": "console", "path": str(log)}}
    report = deliver(engine, tmp_path, channels, fake_clock, notify={"default": ["dev", "ops"]})
    assert (report.routed, report.sent) == (7, 14)
    rows = rows_by_key(engine)
    assert sorted(k for k, r in rows.items() if r.status == "routed") == [f"msg-{i}" for i in range(7)]
    assert sorted(k for k, r in rows.items() if r.channel == "ops") == [f"msg-{i}#ops" for i in range(7)]


def test_a_flush_routes_with_the_cycle_collector_paused(engine, users, tmp_path, fake_clock, monkeypatch):
    flush_module = importlib.import_module("salesnb.notify.flush")  # the package's `flush` is the function
    seen = []
    route = flush_module.route_default_messages
    monkeypatch.setattr(flush_module, "route_default_messages",
                        lambda *args: seen.append(gc.isenabled()) or route(*args))
    add_messages(engine, 2, "robot", at=fake_clock.now())
    deliver(engine, tmp_path, {}, fake_clock)
    assert seen == [False] and gc.isenabled()


def test_routing_many_messages_refreshes_postgresqls_statistics_of_the_outbox(engine, users, tmp_path, fake_clock,
                                                                             monkeypatch, fresh_statistics):
    # A first day routes a million messages into the outbox: the next day's claims must not plan for an empty one.
    import salesnb.db
    from sqlalchemy import event

    monkeypatch.setattr(salesnb.db, "ANALYZE_AFTER", 3)
    add_messages(engine, 3, None, at=fake_clock.now(), recipients=["U1"])
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert deliver(engine, tmp_path, {}, fake_clock).sent == 3
    analysed = [s for s in statements if s.strip().upper().startswith("ANALYZE")]
    assert analysed == (["ANALYZE outbox"] if engine.dialect.name == "postgresql" else [])


def test_only_channels_with_a_due_message_are_reported_waiting(engine, users, tmp_path, fake_clock):
    """Channels are found one after another by index; a channel counts when one row of it is due: never tried,
    a retry whose time has come, or a claim abandoned mid-send.  Sent rows and retries not yet due do not."""
    now = fake_clock.now()
    for channel in ("a_sent", "b_due", "c_later", "d_abandoned", "e_retry_due"):
        add_messages(engine, 2, channel, at=now, prefix=channel)
    with engine.begin() as conn:
        conn.execute(update(OutboxMessage).where(OutboxMessage.channel == "a_sent").values(status="sent"))
        for channel, due in (("c_later", now + timedelta(minutes=5)), ("e_retry_due", now - timedelta(minutes=1))):
            conn.execute(update(OutboxMessage).where(OutboxMessage.channel == channel)
                         .values(attempts=1, next_attempt_at=due))
        conn.execute(update(OutboxMessage).where(OutboxMessage.dedup_key == "d_abandoned-0").values(
            status="sending", locked_by="gone", locked_at=now - timedelta(hours=1)))
        conn.execute(update(OutboxMessage).where(OutboxMessage.dedup_key == "d_abandoned-1").values(status="sent"))
    report = deliver(engine, tmp_path, {}, fake_clock)
    assert report.problems == [f"channel {name!r} is not configured: {n} message(s) wait for it"
                               for name, n in (("b_due", 2), ("d_abandoned", 1), ("e_retry_due", 2))]
