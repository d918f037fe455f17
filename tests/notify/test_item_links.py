"""Every message format carries the link to its item's page (``payload["url"]``, made by salesnb.links)."""

from __future__ import annotations

import pytest

from salesnb.links import item_url
from salesnb.notify import Notification

from .conftest import person, send_direct
from .test_dingtalk import ding
from .test_email import mail
from .test_feishu import bot

LINK = item_url(None, "contract", "K001")  # http://127.0.0.1:8866/voila/render/contracts.ipynb?item=K001


def linked(body: str = "合同 K001 已超过 24 小时未审批", url: str = LINK) -> Notification:
    return Notification(subject="合同审批超时", body=body, recipients=[person("U1")], dedup_key="link-1",
                        payload={"url": url})


def test_the_link_names_the_item_page():
    assert LINK == "http://127.0.0.1:8866/voila/render/contracts.ipynb?item=K001"


def test_wecom_textcard(wecom_server, fake_clock):
    options = {"corpid": "ww-corp", "corpsecret": "corp-secret", "agentid": 1000002, "base_url": wecom_server.url}
    send_direct("wecom_app", options, linked(), fake_clock)
    [message] = wecom_server.messages
    assert message["card"]["url"].startswith(LINK + "#salesnb-")


@pytest.mark.parametrize(("msgtype", "line"), [("markdown", f"[{LINK}]({LINK})"), ("text", LINK)])
def test_wecom_robot(wecom_server, fake_clock, msgtype, line):
    options = {"key": "robot-key", "base_url": wecom_server.url, "msgtype": msgtype}
    send_direct("wecom_robot", options, linked(), fake_clock)
    [message] = wecom_server.messages
    assert line in message["text"]
    assert message["text"].count(LINK) == (2 if msgtype == "markdown" else 1)


def test_a_body_with_the_link_is_not_given_it_twice(wecom_server, fake_clock):
    options = {"key": "robot-key", "base_url": wecom_server.url, "msgtype": "text"}
    send_direct("wecom_robot", options, linked(body=f"请处理：{LINK}"), fake_clock)
    assert wecom_server.messages[0]["text"].count(LINK) == 1


def test_a_long_body_is_cut_but_the_link_stays_whole(dingtalk_server, fake_clock):
    send_direct("dingtalk", ding(dingtalk_server, msgtype="text"), linked(body="很长的内容" * 3000), fake_clock)
    text = dingtalk_server.messages[0]["text"]
    assert f"…\n{LINK}\n@13800000001" in text and text.endswith("@13800000001")


def test_dingtalk_markdown(dingtalk_server, fake_clock):
    send_direct("dingtalk", ding(dingtalk_server), linked(), fake_clock)
    assert f"[{LINK}]({LINK})" in dingtalk_server.messages[0]["text"]


@pytest.mark.parametrize("msgtype", ["post", "text"])
def test_feishu(feishu_server, fake_clock, msgtype):
    send_direct("feishu", bot(feishu_server, msgtype=msgtype), linked(), fake_clock)
    [request] = feishu_server.requests
    content = request.json["content"]
    if msgtype == "text":
        assert content["text"].endswith(f"\n{LINK}\n@张三")
    else:
        lines = content["post"]["zh_cn"]["content"]
        assert lines[-1] == [{"tag": "a", "text": LINK, "href": LINK}]


def test_email(smtp_server, fake_clock):
    send_direct("email", mail(smtp_server), linked(), fake_clock)
    [message] = smtp_server.messages
    assert message.get_body(("plain",)).get_content().strip().endswith(LINK)
    assert f'<a href="{LINK}">{LINK}</a>' in message.get_body(("html",)).get_content()


def test_a_queued_message_about_an_item_links_it(engine, users, tmp_path, fake_clock, wecom_server, monkeypatch):
    from salesnb.db import session_scope
    from salesnb.notify import enqueue

    from .conftest import deliver

    monkeypatch.setenv("SALESNB_PUBLIC_URL", "https://snb.example.com/")
    with session_scope(engine) as session:
        enqueue(session, dedup_key="k7", recipients=["U1"], subject="合同 K7 待审批", body="请审批", channel="robot",
                entity_type="contract", entity_id="K7", at=fake_clock.now())
        enqueue(session, dedup_key="u1", recipients=["U1"], subject="周报", body="本周", channel="robot",
                entity_type="user", entity_id="U1", at=fake_clock.now())
    deliver(engine, tmp_path, {"robot": {"type": "wecom_robot", "key": "robot-key", "base_url": wecom_server.url,
                                         "msgtype": "text"}}, fake_clock)
    texts = sorted(m["text"] for m in wecom_server.messages)
    assert texts == ["合同 K7 待审批\n请审批\nhttps://snb.example.com/voila/render/contracts.ipynb?item=K7", "周报\n本周"]
