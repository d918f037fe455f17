import pytest

from salesnb.notify import PermanentFailure, TemporaryFailure

from .conftest import add_messages, deliver, note, rows_by_key, send_direct


def mail(server, **extra):
    return {"host": server.host, "port": server.port, "sender": "salesnb <bot@example.com>",
            "user": "salesnb-bot", "password": "smtp-pass-123", **extra}


def test_multipart_mail_with_html_and_text(smtp_server, fake_clock):
    send_direct("email", mail(smtp_server), note(body="合同 <C-001> 超时\n请尽快审批", to=("U1",), cc=("U2", "U3")),
                fake_clock)
    [message] = smtp_server.messages
    [(sender, rcpts)] = smtp_server.envelopes
    assert sender == "bot@example.com"
    assert sorted(rcpts) == ["lisi@example.com", "zhangsan@example.com"]  # U3 has no e-mail
    assert message["Subject"] == "合同审批超时"
    assert "zhangsan@example.com" in message["To"] and "lisi@example.com" in message["Cc"]
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert plain.replace("\r\n", "\n").strip() == "合同 <C-001> 超时\n请尽快审批"
    assert "<p>合同 &lt;C-001&gt; 超时</p><p>请尽快审批</p>" in html
    assert message["Message-ID"].endswith("@salesnb>")


def test_same_dedup_key_gives_the_same_message_id(smtp_server, fake_clock):
    send_direct("email", mail(smtp_server), note(key="same"), fake_clock)
    send_direct("email", mail(smtp_server), note(key="same"), fake_clock)
    send_direct("email", mail(smtp_server), note(key="other"), fake_clock)
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert ids[0] == ids[1] != ids[2]


def test_wrong_password_is_permanent(smtp_server, fake_clock):
    with pytest.raises(PermanentFailure, match="login refused") as info:
        send_direct("email", mail(smtp_server, password="bad-password-1"), note(), fake_clock)
    assert "bad-password-1" not in str(info.value)


def test_temporary_smtp_reply_is_retried_permanent_is_not(smtp_server, fake_clock):
    smtp_server.refuse_next = ["451 4.3.0 try again later", "554 5.7.1 rejected"]
    with pytest.raises(TemporaryFailure, match="451"):
        send_direct("email", mail(smtp_server), note(), fake_clock)
    with pytest.raises(PermanentFailure, match="554"):
        send_direct("email", mail(smtp_server), note(), fake_clock)


def test_no_address_is_permanent(smtp_server, fake_clock):
    with pytest.raises(PermanentFailure, match="e-mail address"):
        send_direct("email", mail(smtp_server), note(to=("U3", "U4")), fake_clock)


def test_server_down_is_temporary(fake_clock):
    from tests.fakeservers.smtp import free_port

    with pytest.raises(TemporaryFailure, match="cannot connect"):
        send_direct("email", {"host": "127.0.0.1", "port": free_port(), "sender": "bot@example.com"}, note(),
                    fake_clock)


def test_flush_email(engine, users, tmp_path, fake_clock, smtp_server):
    add_messages(engine, 2, "mail", at=fake_clock.now(), recipients=["U2"])
    report = deliver(engine, tmp_path, {"mail": {"type": "email", **mail(smtp_server)}}, fake_clock)
    assert report.sent == 2
    assert [m["Subject"] for m in smtp_server.messages] == ["提醒 msg-0", "提醒 msg-1"]
    assert {r.status for r in rows_by_key(engine).values()} == {"sent"}
