"""The ``wecom_archive`` source against a local bridge answering like GetChatData / DecryptData: a rep's message
to a customer's contact becomes an interaction and the lead's first response; the cursor is the archive's seq."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import AuditLog, Interaction, Lead, SyncState
from salesnb.sync import run_sync

from .fake_archive import TOKEN, FakeArchiveBridge, new_key, text_message

KEY1, PEM1 = new_key()
KEY2, PEM2 = new_key()


@pytest.fixture
def bridge():
    with FakeArchiveBridge({1: KEY1.public_key(), 2: KEY2.public_key()}) as server:
        yield server


def settings(url, *, limit=2, keys=None, headers=True):
    section = {"type": "wecom_archive", "bridge_url": url, "limit": limit, "retries": 1, "backoff": 0.001,
               "private_keys": keys if keys is not None else {"1": "${ARCHIVE_KEY_V1}"}}
    if headers:
        section["headers"] = {"Authorization": "Bearer ${BRIDGE_TOKEN}"}
    return Settings(db_url="", raw={"sync": {"chats": section}})


@pytest.fixture(autouse=True)
def secrets(monkeypatch):
    monkeypatch.setenv("ARCHIVE_KEY_V1", PEM1)
    monkeypatch.setenv("BRIDGE_TOKEN", TOKEN)


def ms(at) -> int:
    return int(at.timestamp() * 1000)


def first_responses(engine) -> dict[str, object]:
    with session_scope(engine) as s:
        return dict(s.execute(select(Lead.lead_id, Lead.first_response_at)).all())


def interactions(engine) -> dict[str, tuple]:
    with session_scope(engine) as s:
        return {i.interaction_id: (i.customer_id, i.at, i.channel, i.extra["user_id"], i.extra["text"])
                for i in s.scalars(select(Interaction))}


def cursor(engine):
    with session_scope(engine) as s:
        state = s.get(SyncState, ("chats", "messages"))
        return None if state is None else state.cursor


def test_a_first_pull_sets_first_responses_and_a_rerun_changes_nothing(engine, shop, bridge):
    asked, answered, grouped = shop + timedelta(minutes=20), shop + timedelta(hours=1), shop + timedelta(hours=2)
    bridge.add(text_message("m1", "wmEXT001", ["zhangwei"], ms(asked), "请问交期多久？"))  # the customer writes
    bridge.add(text_message("m2", "zhangwei", ["lina"], ms(asked), "内部讨论"))  # colleagues
    bridge.add(text_message("m3", "zhangwei", ["wmEXT001"], ms(answered), "两周，报价单已发"))
    bridge.add({"msgid": "m3_recall", "action": "recall", "from": "zhangwei", "tolist": ["wmEXT001"],
                "roomid": "", "msgtime": ms(answered) + 5, "msgtype": "revoke", "revoke": {"pre_msgid": "m3"}})
    bridge.add(text_message("m5", "lina", ["wmEXT002", "zhangwei"], ms(grouped), "群里回复", roomid="wrROOM9"))

    report = run_sync(engine, settings=settings(bridge.url))
    assert report.ok, report.lines()
    stream = report.streams[0]
    assert (stream.table, stream.batches, stream.rows, stream.inserted) == ("interactions", 3, 5, 2)
    assert first_responses(engine) == {"L1": answered, "L2": grouped}  # not the customer's question at 20 min
    assert interactions(engine) == {
        "wecom:m3": ("C1", answered, "wecom", "U1", "两周，报价单已发"),
        "wecom:m5": ("C2", grouped, "wecom", "U2", "群里回复"),
    }
    assert cursor(engine) == {"seq": 5}
    assert bridge.decrypts == 5
    with session_scope(engine) as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "lead.first_response")).all()
        assert sorted(a.entity_id for a in audit) == ["C1", "C2"]

    requests = len(bridge.requests)
    again = run_sync(engine, settings=settings(bridge.url))
    assert again.ok and again.streams[0].rows == 0 and again.streams[0].batches == 0
    assert len(bridge.requests) == requests + 1 and bridge.requests[-1].query["seq"] == "5"
    full = run_sync(engine, settings=settings(bridge.url), full=True)  # the whole archive again: applied once
    assert full.ok and full.streams[0].rows == 5 and full.streams[0].inserted == 0 and not full.streams[0].vanished
    assert len(interactions(engine)) == 2 and first_responses(engine) == {"L1": answered, "L2": grouped}


def test_a_customer_writing_first_is_no_response(engine, shop, bridge):
    bridge.add(text_message("c1", "wmEXT001", ["zhangwei"], ms(shop + timedelta(minutes=5)), "在吗？"))
    report = run_sync(engine, settings=settings(bridge.url))
    assert report.ok and report.streams[0].rows == 1 and report.streams[0].inserted == 0
    assert first_responses(engine) == {"L1": None, "L2": None} and interactions(engine) == {}
    assert cursor(engine) == {"seq": 1}  # read, and not read again


def test_the_cursor_does_not_pass_a_failing_page(engine, shop, bridge):
    for i in range(5):
        bridge.add(text_message(f"f{i}", "zhangwei", ["wmEXT001"], ms(shop + timedelta(minutes=10 + i)), f"第{i}条"))
    bridge.fail_at = {2: 2}  # the second page fails, also when retried once
    report = run_sync(engine, settings=settings(bridge.url))
    assert not report.ok and "/chatdata" in report.streams[0].error and "502" in report.streams[0].error
    assert cursor(engine) == {"seq": 2} and set(interactions(engine)) == {"wecom:f0", "wecom:f1"}
    assert first_responses(engine)["L1"] == shop + timedelta(minutes=10)
    with session_scope(engine) as s:
        assert s.get(SyncState, ("chats", "messages")).status == "error"

    report = run_sync(engine, settings=settings(bridge.url))  # the bridge is back: resumes after seq 2
    assert report.ok and report.streams[0].rows == 3
    assert [r.query["seq"] for r in bridge.requests if r.path == "/chatdata"][-2:] == ["2", "4"]
    assert cursor(engine) == {"seq": 5} and len(interactions(engine)) == 5


def test_a_missing_or_wrong_private_key_stops_at_that_page(engine, shop, bridge, english):
    bridge.add(text_message("k1", "zhangwei", ["wmEXT001"], ms(shop + timedelta(minutes=5)), "一"))
    bridge.add(text_message("k2", "zhangwei", ["wmEXT001"], ms(shop + timedelta(minutes=6)), "二"), version=2)
    report = run_sync(engine, settings=settings(bridge.url, limit=1))
    assert "message k2 is encrypted with public key version 2" in report.streams[0].error
    assert cursor(engine) == {"seq": 1} and set(interactions(engine)) == {"wecom:k1"}

    wrong = settings(bridge.url, limit=1, keys={"1": PEM1, "2": PEM1})  # version 2 given the wrong key
    report = run_sync(engine, settings=wrong)
    # RSA PKCS#1 v1.5 with a wrong key fails here, or (OpenSSL's implicit rejection) yields a random key that
    # the bridge cannot decrypt with: which one depends on the random padding, and both name message and key
    error = report.streams[0].error
    assert ("encrypt_random_key of message k2 cannot be decrypted with the version 2" in error
            or "could not decrypt message k2 (error 10005: decrypt failed); does the version 2 private key" in error)
    assert PEM1.splitlines()[1] not in error and cursor(engine) == {"seq": 1}

    report = run_sync(engine, settings=settings(bridge.url, limit=1, keys={"1": PEM1, "2": PEM2}))
    assert report.ok and cursor(engine) == {"seq": 2} and set(interactions(engine)) == {"wecom:k1", "wecom:k2"}


def test_a_bridge_that_decrypts_itself_needs_no_key(engine, shop, bridge):
    sent = shop + timedelta(minutes=42)
    bridge.items.append({"seq": 1, "msgid": "d1", "publickey_ver": 1, "encrypt_random_key": "", "encrypt_chat_msg": "",
                         "message": text_message("d1", "zhangwei", ["wmEXT001"], ms(sent), "已解密")})
    report = run_sync(engine, settings=settings(bridge.url, keys={}))
    assert report.ok and bridge.decrypts == 0
    assert first_responses(engine)["L1"] == sent and list(interactions(engine)) == ["wecom:d1"]


def test_the_bridge_refuses_without_its_token(engine, shop, bridge):
    bridge.add(text_message("t1", "zhangwei", ["wmEXT001"], ms(shop), "x"))
    report = run_sync(engine, settings=settings(bridge.url, headers=False))
    assert not report.ok and "401" in report.streams[0].error and cursor(engine) is None
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 0


def test_a_key_file_and_no_key_in_any_message(engine, shop, bridge, tmp_path, english):
    key_file = tmp_path / "msgaudit_v1.pem"
    key_file.write_text(PEM1, encoding="ascii")
    bridge.add(text_message("p1", "zhangwei", ["wmEXT001"], ms(shop + timedelta(minutes=9)), "文件里的私钥"))
    section = settings(bridge.url, keys={})
    section.raw["sync"]["chats"]["private_key_files"] = {"1": str(key_file)}
    assert run_sync(engine, settings=section).ok and list(interactions(engine)) == ["wecom:p1"]

    section.raw["sync"]["chats"]["private_key_files"] = {"1": str(tmp_path / "missing.pem")}
    section.raw["sync"]["chats"]["private_keys"] = {"2": "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n"}
    bridge.add(text_message("p2", "zhangwei", ["wmEXT001"], ms(shop + timedelta(minutes=10)), "二"))
    report = run_sync(engine, settings=section)
    assert "private_key_files.1" in report.streams[0].error and cursor(engine) == {"seq": 1}


def test_a_message_the_bridge_cannot_decrypt_stops_at_that_page_and_names_the_key(engine, shop, bridge, english):
    bridge.add(text_message("d1", "zhangwei", ["wmEXT001"], ms(shop + timedelta(minutes=5)), "一"))
    bridge.add(text_message("d2", "zhangwei", ["wmEXT001"], ms(shop + timedelta(minutes=6)), "二"),
               sealed_with_another_key=True)
    report = run_sync(engine, settings=settings(bridge.url, limit=1))
    assert not report.ok and report.streams[0].error == (
        "sync source chats: the bridge could not decrypt message d2 (error 10005: decrypt failed); does the "
        "version 1 private key pair with the public key set in WeCom?")
    assert cursor(engine) == {"seq": 1} and set(interactions(engine)) == {"wecom:d1"}
