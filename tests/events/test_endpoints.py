"""The event endpoints on a real tornado server: messages encrypted and signed the way the platforms do it."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.kpi.kpis import FIRST_RESPONSE, compute_kpis
from salesnb.models import InboundEvent, Interaction, Lead, Task
from salesnb.timeutil import now

from .platforms import (DINGTALK, dingtalk_post, feishu_message, feishu_post, generic_post, wecom_contact_added,
                        wecom_post, wecom_url_check, wx_decrypt, wx_sign)


def _counts(engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        return (s.scalar(select(func.count()).select_from(InboundEvent)),
                s.scalar(select(func.count()).select_from(Interaction)))


def _first_response(engine, lead_id="L1"):
    with session_scope(engine) as s:
        return s.get(Lead, lead_id).first_response_at


def _kpi(engine, as_of) -> float:
    rates = compute_kpis(engine, as_of, kpis=(FIRST_RESPONSE,)).rates
    overall = rates[rates["scope"] == "overall"]
    return float(overall["rate"].iloc[0])


def test_wecom_url_check_and_a_rep_adding_the_customer_sets_first_response_once(engine, team, server):
    url = server.url("wecom")
    answer = httpx.get(url, params=wecom_url_check("echo-1234567"))
    assert answer.status_code == 200 and answer.text == "echo-1234567"

    as_of = team + timedelta(hours=5)
    assert _kpi(engine, as_of) == 0.0  # the lead is unanswered
    with session_scope(engine) as s:  # the lead's first-response task, opened when it arrived
        s.add(Task(task_id="lead_first_response:L1", node="lead_first_response", entity_type="lead",
                   entity_id="L1", owner_id="U1", created_at=team))
    sent = team + timedelta(hours=1)
    params, body = wecom_post(wecom_contact_added("zhangwei", "wmEXT001", int(sent.timestamp())))
    for _ in range(2):  # WeCom redelivers when it misses the answer
        reply = httpx.post(url, params=params, content=body)
        assert reply.status_code == 200 and reply.text == "success"
    assert _counts(engine) == (1, 1)
    assert _first_response(engine) == sent
    assert _kpi(engine, as_of) == 1.0
    with session_scope(engine) as s:
        interaction = s.scalars(select(Interaction)).one()
        assert (interaction.customer_id, interaction.channel, interaction.extra["user_id"]) == ("C1", "wecom", "U1")
        assert s.get(Task, "lead_first_response:L1").done_at == sent


def test_wecom_refuses_bad_signature_stale_timestamp_and_unknown_receiver(engine, team, server):
    url = server.url("wecom")
    xml = wecom_contact_added("zhangwei", "wmEXT001", int(time.time()))
    params, body = wecom_post(xml, tamper=True)
    assert httpx.post(url, params=params, content=body).status_code == 403
    params, body = wecom_post(xml, timestamp=int(time.time()) - 301)
    assert httpx.post(url, params=params, content=body).status_code == 403
    params, body = wecom_post(xml, cfg={"token": "wecomToken123", "encoding_aes_key":
                                        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "corp_id": "ww-other"})
    assert httpx.post(url, params=params, content=body).status_code == 403
    bad_check = wecom_url_check("x")
    bad_check["msg_signature"] = "0" * 40
    assert httpx.get(url, params=bad_check).status_code == 403
    assert _counts(engine) == (0, 0)
    assert _first_response(engine) is None


def test_dingtalk_check_url_answers_encrypted_success_and_a_chat_message_counts(engine, team, server):
    url = server.url("dingtalk")
    params, body = dingtalk_post({"EventType": "check_url"})
    reply = httpx.post(url, params=params, content=body)
    assert reply.status_code == 200
    answer = reply.json()
    expected = wx_sign(DINGTALK["token"], answer["timeStamp"], answer["nonce"], answer["encrypt"])
    assert answer["msg_signature"] == expected
    assert wx_decrypt(DINGTALK["aes_key"], answer["encrypt"]) == ("success", DINGTALK["app_key"])
    assert _counts(engine) == (0, 0)  # the URL check stores nothing

    sent = team + timedelta(minutes=30)
    event = {"EventType": "chat_message", "msgId": "msgABC", "senderStaffId": "ding-zw",
             "conversationId": "cidDING01==", "createAt": int(sent.timestamp() * 1000),
             "text": {"content": "报价单已发"}}
    for _ in range(2):
        params, body = dingtalk_post(event)  # a redelivery: new nonce and timestamp, same event
        assert httpx.post(url, params=params, content=body).status_code == 200
    assert _counts(engine) == (1, 1)
    assert _first_response(engine) == sent

    params, body = dingtalk_post({**event, "msgId": "msgDEF"}, timestamp_ms=int((time.time() - 600) * 1000))
    assert httpx.post(url, params=params, content=body).status_code == 403
    params["msg_signature"] = "f" * 40
    assert httpx.post(url, params=params, content=body).status_code == 403
    assert _counts(engine) == (1, 1)


def test_feishu_url_verification_then_signed_messages_once(engine, team, server):
    url = server.url("feishu")
    headers, body = feishu_post({"type": "url_verification", "challenge": "ch-42",
                                 "token": "feishu-verify-token"}, signed=False)
    reply = httpx.post(url, headers=headers, content=body)
    assert reply.status_code == 200 and reply.json() == {"challenge": "ch-42"}
    headers, body = feishu_post({"type": "url_verification", "challenge": "x", "token": "wrong"}, signed=False)
    assert httpx.post(url, headers=headers, content=body).status_code == 403

    sent = team + timedelta(hours=2)
    event = feishu_message("ev-001", "zw001", "oc_chat01", int(sent.timestamp() * 1000))
    headers, body = feishu_post(event)
    assert httpx.post(url, headers=headers, content=body).status_code == 200
    assert httpx.post(url, headers=headers, content=body).status_code == 200  # replayed as is
    assert _counts(engine) == (1, 1)
    assert _first_response(engine) == sent

    later = feishu_message("ev-002", "zw001", "oc_chat01", int(sent.timestamp() * 1000) + 60_000)
    unsigned = feishu_post(later, signed=False)
    stale = feishu_post(later, timestamp=int(time.time()) - 3600)
    forged_headers, forged_body = feishu_post(later)
    forged_headers["X-Lark-Signature"] = "0" * 64
    for h, b in (unsigned, stale, (forged_headers, forged_body)):
        assert httpx.post(url, headers=h, content=b).status_code == 403
    assert _counts(engine) == (1, 1)


def test_a_message_from_someone_else_or_to_an_unknown_contact_changes_no_lead(engine, team, server):
    url = server.url("feishu")
    at = int((team + timedelta(hours=1)).timestamp() * 1000)
    for i, (sender, chat) in enumerate((("customer-ou", "oc_chat01"), ("zw001", "oc_unknown"))):
        headers, body = feishu_post(feishu_message(f"ev-x{i}", sender, chat, at))
        assert httpx.post(url, headers=headers, content=body).status_code == 200
    assert _counts(engine) == (2, 0)  # received, nothing applied
    assert _first_response(engine) is None


def test_generic_rows_upserted_once_bad_row_named_replay_and_bad_signature_refused(engine, team, server):
    url = server.url("generic")
    created = now().replace(microsecond=0) - timedelta(minutes=5)
    payload = {"event_id": "crm-1", "table": "leads",
               "rows": [{"lead_id": "L2", "customer_id": "C1", "owner_id": "U1", "created_at": created.isoformat(),
                         "source": "官网"},
                        {"lead_id": "L3", "customer_id": "C2", "owner_id": "张伟", "created_at": created.isoformat()}]}
    by_alias = {"event_id": "crm-0", "table": "leads",  # Chinese headers, as a CRM may send them
                "rows": [{"线索ID": "L7", "客户编号": "C2", "负责人": "张伟", "创建时间": created.isoformat()}]}
    headers, body = generic_post(by_alias)
    reply = httpx.post(url, headers=headers, content=body)
    assert reply.status_code == 200 and reply.json()["tasks_opened"] == 1, reply.text
    headers, body = generic_post(payload)
    reply = httpx.post(url, headers=headers, content=body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["inserted"] == 2 and reply.json()["tasks_opened"] == 2
    again = httpx.post(url, headers=headers, content=body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    with session_scope(engine) as s:
        assert s.get(Lead, "L3").owner_id == "U1"  # people by name, like an import
        tasks = s.scalars(select(Task).where(Task.node == "lead_first_response")).all()
        assert sorted(t.entity_id for t in tasks) == ["L2", "L3", "L7"]  # their first-response task, at once
        assert all(t.created_at == created for t in tasks)

    bad = {"event_id": "crm-2", "table": "leads",
           "rows": [{"lead_id": "L4", "customer_id": "C1", "owner_id": "U1", "created_at": created.isoformat()},
                    {"lead_id": "L5", "customer_id": "C1", "owner_id": "U1", "created_at": "not a time"}]}
    headers, body = generic_post(bad)
    reply = httpx.post(url, headers=headers, content=body)
    assert reply.status_code == 422
    problems = reply.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "created_at")]

    good_rows = {**bad, "event_id": "crm-3", "rows": bad["rows"][:1]}
    headers, body = generic_post(good_rows, timestamp=int(time.time()) - 301)
    assert httpx.post(url, headers=headers, content=body).status_code == 403
    headers, body = generic_post({**bad, "event_id": "crm-3", "rows": bad["rows"][:1]}, secret="guessed")
    assert httpx.post(url, headers=headers, content=body).status_code == 403
    with session_scope(engine) as s:
        assert s.get(Lead, "L4") is None and s.get(Lead, "L5") is None
        assert sorted(s.scalars(select(InboundEvent.event_id))) == ["crm-0", "crm-1"]

    # the corrected event may reuse the refused event's id: nothing of it was kept
    headers, body = generic_post({**bad, "rows": bad["rows"][:1]})
    assert httpx.post(url, headers=headers, content=body).status_code == 200
    with session_scope(engine) as s:
        assert s.get(Lead, "L4") is not None


def test_unconfigured_source_and_other_hosts_are_refused(engine, server):
    params, body = wecom_post("<xml/>")
    reply = httpx.post(server.url("wecom").replace("127.0.0.1", "localhost"), params=params, content=body)
    assert reply.status_code == 403  # Host allow-list: only 127.0.0.1 here
    headers, body = generic_post({"event_id": "x", "table": "nope", "rows": [{}]})
    reply = httpx.post(server.url("generic"), headers=headers, content=body)
    assert reply.status_code == 400 and json.loads(reply.text)["error"] == "events.unknown_table"
