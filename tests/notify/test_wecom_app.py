import pytest

from salesnb.notify import PermanentFailure
from salesnb.plugins.notifiers.wecom_app import WeComApp

from .conftest import add_messages, deliver, note, rows_by_key, send_direct


@pytest.fixture(autouse=True)
def _fresh_tokens():
    WeComApp.forget_tokens()
    yield
    WeComApp.forget_tokens()


def app_options(server, **extra):
    return {"corpid": "ww-corp", "corpsecret": "corp-secret", "agentid": 1000002, "base_url": server.url, **extra}


def test_textcard_to_users_joined_with_bar(wecom_server, fake_clock):
    result = send_direct("wecom_app", app_options(wecom_server, url="https://crm.example.com/c/1"),
                         note(body="<b>合同</b> C-001 已超时", to=("U1",), cc=("U2", "U3")), fake_clock)
    assert result.detail == "ok"
    [message] = wecom_server.messages
    assert message["touser"] == ["zhangsan", "lisi"]  # U3 has no WeCom id
    card = message["card"]
    assert card["title"] == "合同审批超时"
    assert card["description"] == "&lt;b&gt;合同&lt;/b&gt; C-001 已超时"
    assert card["url"].startswith("https://crm.example.com/c/1#salesnb-")
    assert card["btntxt"] == "详情"
    send_body = next(r.json for r in wecom_server.requests if r.path == "/cgi-bin/message/send")
    assert send_body["touser"] == "zhangsan|lisi" and send_body["msgtype"] == "textcard"
    assert send_body["enable_duplicate_check"] == 1


def test_token_is_cached_and_refreshed_before_it_expires(wecom_server, fake_clock):
    options = app_options(wecom_server)
    for i in range(3):
        send_direct("wecom_app", options, note(key=f"k{i}"), fake_clock)
    assert wecom_server.gettoken_calls == 1
    fake_clock.advance(7200 - 300 - 10)  # still inside the token's life minus the margin
    send_direct("wecom_app", options, note(key="k3"), fake_clock)
    assert wecom_server.gettoken_calls == 1
    fake_clock.advance(20)  # now within 5 minutes of expiry: fetched again early
    send_direct("wecom_app", options, note(key="k4"), fake_clock)
    assert wecom_server.gettoken_calls == 2
    assert len(wecom_server.messages) == 5
    assert not any("42001" in str(r.json) for r in wecom_server.requests)


def test_expired_token_42001_is_refreshed_and_the_message_sent(wecom_server, fake_clock):
    options = app_options(wecom_server)
    send_direct("wecom_app", options, note(key="k1"), fake_clock)
    wecom_server.expire_tokens()
    send_direct("wecom_app", options, note(key="k2"), fake_clock)
    assert wecom_server.gettoken_calls == 2
    assert len(wecom_server.messages) == 2


def test_bad_secret_is_permanent_and_not_shown(wecom_server, fake_clock):
    with pytest.raises(PermanentFailure, match="40001") as info:
        send_direct("wecom_app", app_options(wecom_server, corpsecret="wrong-secret-xyz"), note(), fake_clock)
    assert "wrong-secret-xyz" not in str(info.value)


def test_no_wecom_userid_is_permanent(wecom_server, fake_clock):
    with pytest.raises(PermanentFailure, match="wecom_userid"):
        send_direct("wecom_app", app_options(wecom_server), note(to=("U3", "U4")), fake_clock)
    assert wecom_server.gettoken_calls == 0


def test_resending_the_same_message_is_dropped_by_the_duplicate_check(wecom_server, fake_clock):
    options = app_options(wecom_server)
    send_direct("wecom_app", options, note(key="esc:T1:1"), fake_clock)
    send_direct("wecom_app", options, note(key="esc:T1:1"), fake_clock)  # an in-doubt re-send
    send_direct("wecom_app", options, note(key="esc:T2:1"), fake_clock)  # same text, another message
    assert len(wecom_server.messages) == 2
    assert wecom_server.duplicates_dropped == 1


def test_flush_through_the_app_channel(engine, users, tmp_path, fake_clock, wecom_server):
    add_messages(engine, 2, "app", at=fake_clock.now(), recipients=["U1", "U9"])
    report = deliver(engine, tmp_path, {"app": {"type": "wecom_app", **app_options(wecom_server)}}, fake_clock)
    assert report.sent == 2
    assert [m["touser"] for m in wecom_server.messages] == [["zhangsan"], ["zhangsan"]]
    row = rows_by_key(engine)["msg-0"]
    assert row.status == "sent" and row.last_error == "unknown user ids: U9"
