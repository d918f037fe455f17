from urllib.parse import quote, quote_plus

import pytest

from salesnb.notify import PermanentFailure, RateLimited
from salesnb.plugins.notifiers.dingtalk import dingtalk_sign

from .conftest import add_messages, deliver, note, rows_by_key, send_direct

SECRET = "SECtestsecret0123456789"


def test_sign_matches_the_design_vector():
    sign = dingtalk_sign(1700000000000, SECRET)
    assert sign == "zrLWzK97t62y5CpqN8Ok9UIdPvX+jL1PNoW8nKT5a9k="
    assert quote_plus(sign) == "zrLWzK97t62y5CpqN8Ok9UIdPvX%2BjL1PNoW8nKT5a9k%3D"


def ding(server, **extra):
    return {"access_token": "ding-token", "secret": SECRET, "base_url": server.url, **extra}


def test_signed_markdown_with_at_mobiles(dingtalk_server, fake_clock):
    send_direct("dingtalk", ding(dingtalk_server), note(to=("U1",), cc=("U3", "U4")), fake_clock)
    [message] = dingtalk_server.messages
    assert message["msgtype"] == "markdown" and message["title"] == "合同审批超时"
    assert message["text"] == "**合同审批超时**\n合同 C-001 已超过 24 小时未审批\n@13800000001 @13800000003"
    assert message["at_mobiles"] == ["13800000001", "13800000003"]
    [request] = dingtalk_server.requests
    assert request.query["timestamp"] == str(int(fake_clock.time() * 1000))
    sign = dingtalk_sign(int(request.query["timestamp"]), SECRET)
    assert f"sign={quote(sign, safe='')}" in request.target  # URL-encoded in the query string


def test_wrong_secret_is_a_permanent_310000(dingtalk_server, fake_clock):
    with pytest.raises(PermanentFailure, match="310000"):
        send_direct("dingtalk", ding(dingtalk_server, secret="SECwrong"), note(), fake_clock)
    assert dingtalk_server.messages == []


def test_unsigned_request_to_a_signed_robot_is_refused(dingtalk_server, fake_clock):
    with pytest.raises(PermanentFailure, match="310000"):
        send_direct("dingtalk", ding(dingtalk_server, secret=""), note(), fake_clock)


def test_unknown_token_is_permanent(dingtalk_server, fake_clock):
    with pytest.raises(PermanentFailure, match="300001"):
        send_direct("dingtalk", ding(dingtalk_server, access_token="nope-token"), note(), fake_clock)


def test_too_fast_130101_waits_out_the_block(dingtalk_server, fake_clock):
    dingtalk_server.rate.per_minute = 2
    options = ding(dingtalk_server)
    send_direct("dingtalk", options, note(key="a"), fake_clock)
    send_direct("dingtalk", options, note(key="b"), fake_clock)
    with pytest.raises(RateLimited, match="130101") as info:
        send_direct("dingtalk", options, note(key="c"), fake_clock)
    assert info.value.retry_after == 600  # DingTalk blocks the robot for 10 minutes


def test_long_text_is_cut_to_20000_bytes(dingtalk_server, fake_clock):
    send_direct("dingtalk", ding(dingtalk_server, msgtype="text"), note(body="回款" * 5000, to=("U1",)), fake_clock)
    [message] = dingtalk_server.messages
    assert 20000 - 6 <= len(message["text"].encode()) <= 20000
    assert message["text"].endswith("@13800000001")


def test_flush_maps_dingtalk_codes(engine, users, tmp_path, fake_clock, dingtalk_server):
    add_messages(engine, 3, "ding", at=fake_clock.now())
    dingtalk_server.script({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
    dingtalk_server.script({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
    channels = {"ding": {"type": "dingtalk", **ding(dingtalk_server)}}
    report = deliver(engine, tmp_path, channels, fake_clock)
    assert (report.failed, report.retried, report.sent) == (1, 1, 0)
    rows = rows_by_key(engine)
    assert rows["msg-0"].status == "failed" and "460101" in rows["msg-0"].last_error
    assert rows["msg-1"].status == "pending" and "130101" in rows["msg-1"].last_error
    assert (rows["msg-1"].next_attempt_at - fake_clock.now()).total_seconds() == 600
    fake_clock.advance(600)
    assert deliver(engine, tmp_path, channels, fake_clock).sent == 2
    assert dingtalk_server.count("msg-1") == 1 and dingtalk_server.count("msg-2") == 1
