import json

import pytest

from salesnb.notify import PermanentFailure, RateLimited
from salesnb.plugins.notifiers.feishu import BODY_LIMIT, feishu_sign

from .conftest import add_messages, deliver, note, rows_by_key, send_direct


def test_sign_matches_the_design_vector():
    assert feishu_sign(1700000000, "testsecret") == "AOc8oJ7//5OlQlfWC3nRL0R+IkuzcD1FKcAyibRK9Q8="


def bot(server, **extra):
    return {"token": "feishu-token", "secret": "testsecret", "base_url": server.url, **extra}


def test_signed_post_message(feishu_server, fake_clock):
    send_direct("feishu", bot(feishu_server), note(to=("U1",), cc=("U2",)), fake_clock)
    [message] = feishu_server.messages
    assert message["msg_type"] == "post"
    assert message["text"] == "合同审批超时\n合同 C-001 已超过 24 小时未审批\n@张三 @李四"
    [request] = feishu_server.requests
    assert request.json["timestamp"] == str(int(fake_clock.time()))
    assert request.json["sign"] == feishu_sign(int(fake_clock.time()), "testsecret")


def test_text_message(feishu_server, fake_clock):
    send_direct("feishu", bot(feishu_server, msgtype="text"), note(to=()), fake_clock)
    assert feishu_server.texts() == ["合同审批超时\n合同 C-001 已超过 24 小时未审批"]


def test_bad_sign_19021_is_permanent(feishu_server, fake_clock):
    with pytest.raises(PermanentFailure, match="19021"):
        send_direct("feishu", bot(feishu_server, secret="other"), note(), fake_clock)


def test_stale_timestamp_is_refused(feishu_server, fake_clock):
    # a client clock two hours behind the server signs a timestamp Feishu no longer accepts
    from tests.fakeservers import FakeClock

    late = FakeClock(fake_clock.now())
    late.advance(-7200)
    with pytest.raises(PermanentFailure, match="19021"):
        send_direct("feishu", bot(feishu_server), note(), late)


def test_rate_limited_11232(feishu_server, fake_clock):
    feishu_server.script({"code": 11232, "msg": "frequency limited"})
    with pytest.raises(RateLimited, match="11232"):
        send_direct("feishu", bot(feishu_server), note(), fake_clock)


def test_body_is_cut_to_20_kb(feishu_server, fake_clock):
    send_direct("feishu", bot(feishu_server), note(body='逾期"说明"\n' * 4000), fake_clock)
    [request] = feishu_server.requests
    assert BODY_LIMIT - 200 < len(request.body) <= BODY_LIMIT
    json.loads(request.body.decode("utf-8"))
    assert len(feishu_server.messages) == 1


def test_flush_feishu(engine, users, tmp_path, fake_clock, feishu_server):
    add_messages(engine, 2, "fs", at=fake_clock.now())
    feishu_server.script({"code": 19021, "msg": "sign match fail"})
    report = deliver(engine, tmp_path, {"fs": {"type": "feishu", **bot(feishu_server)}}, fake_clock)
    assert (report.failed, report.sent) == (1, 1)
    rows = rows_by_key(engine)
    assert rows["msg-0"].status == "failed" and "19021" in rows["msg-0"].last_error
    assert rows["msg-1"].status == "sent"
