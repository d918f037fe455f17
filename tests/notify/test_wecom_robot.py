from datetime import timedelta

from salesnb.notify.textutil import ELLIPSIS

from .conftest import add_messages, deliver, rows_by_key


def robot(server, **options):
    return {"robot": {"type": "wecom_robot", "key": "robot-key", "base_url": server.url, **options}}


def test_markdown_message_with_mentions_by_userid(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 1, "robot", at=fake_clock.now(), recipients=["U1"], cc=["U3"])
    report = deliver(engine, tmp_path, robot(wecom_server), fake_clock)
    assert report.sent == 1
    [message] = wecom_server.messages
    assert message["msgtype"] == "markdown"
    assert message["text"] == "**提醒 msg-0**\n请处理 msg-0\n<@zhangsan>"
    row = rows_by_key(engine)["msg-0"]
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, fake_clock.now())


def test_text_message_mentions_userid_else_mobile(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 1, "robot", at=fake_clock.now(), recipients=["U1", "U3"], cc=["U4"])
    deliver(engine, tmp_path, robot(wecom_server, msgtype="text"), fake_clock)
    [message] = wecom_server.messages
    assert message["text"] == "提醒 msg-0\n请处理 msg-0"
    assert message["mentioned_list"] == ["zhangsan"]
    assert message["mentioned_mobile_list"] == ["13800000003"]  # U3 has no WeCom id; U4 has nothing


def test_text_message_mentions_both(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 1, "robot", at=fake_clock.now(), recipients=["U1", "U2"])
    deliver(engine, tmp_path, robot(wecom_server, msgtype="text", mention="both"), fake_clock)
    [message] = wecom_server.messages
    assert message["mentioned_list"] == ["zhangsan", "lisi"]
    assert message["mentioned_mobile_list"] == ["13800000001", "13800000002"]


def test_bad_key_fails_permanently_with_the_reason(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 2, "robot", at=fake_clock.now())
    channels = {"robot": {"type": "wecom_robot", "key": "wrong-key-000", "base_url": wecom_server.url}}
    report = deliver(engine, tmp_path, channels, fake_clock)
    assert (report.sent, report.failed) == (0, 2)
    for row in rows_by_key(engine).values():
        assert row.status == "failed"
        assert "93000" in row.last_error and "wrong-key-000" not in row.last_error
    fake_clock.advance(7200)
    assert deliver(engine, tmp_path, channels, fake_clock).failed == 0  # never retried
    assert wecom_server.messages == []


def test_rate_limit_code_backs_off_and_retries(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 3, "robot", at=fake_clock.now())
    wecom_server.script({"errcode": 45009, "errmsg": "api freq out of limit"})
    report = deliver(engine, tmp_path, robot(wecom_server), fake_clock)
    assert (report.sent, report.retried) == (0, 1)  # the channel stops for this flush
    rows = rows_by_key(engine)
    assert rows["msg-0"].status == "pending" and "45009" in rows["msg-0"].last_error
    assert rows["msg-0"].next_attempt_at == fake_clock.now() + timedelta(seconds=60)
    assert rows["msg-1"].attempts == 0
    fake_clock.advance(30)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 2  # msg-0 still backing off
    fake_clock.advance(30)
    assert deliver(engine, tmp_path, robot(wecom_server), fake_clock).sent == 1
    assert sorted(wecom_server.texts()) == [f"**提醒 msg-{i}**\n请处理 msg-{i}\n<@zhangsan>" for i in range(3)]


def test_long_chinese_message_is_cut_to_the_byte_limit(engine, users, tmp_path, fake_clock, wecom_server):
    from salesnb.db import session_scope
    from salesnb.notify import enqueue

    with session_scope(engine) as session:
        enqueue(session, dedup_key="long-md", recipients=["U1"], subject="长消息", body="应收账款逾期" * 1000,
                channel="md", at=fake_clock.now())
        enqueue(session, dedup_key="long-text", recipients=["U1"], subject="长消息", body="应收账款逾期" * 1000,
                channel="txt", at=fake_clock.now())
    channels = {"md": robot(wecom_server)["robot"], "txt": robot(wecom_server, msgtype="text")["robot"]}
    report = deliver(engine, tmp_path, channels, fake_clock)
    assert report.sent == 2  # the server refuses anything over the limit (40058)
    by_type = {m["msgtype"]: m["text"] for m in wecom_server.messages}
    markdown, text = by_type["markdown"].encode(), by_type["text"].encode()
    assert 4096 - 3 <= len(markdown) <= 4096 and by_type["markdown"].endswith("<@zhangsan>")
    assert 2048 - 5 <= len(text) <= 2048 and by_type["text"].endswith(ELLIPSIS)
