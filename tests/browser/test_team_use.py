"""Team use in the browser: each person sees their part, controls follow the role, links open their item, My work.

The module adds its own contracts (K901 of the rep U01, K902 of the manager M01, K903 of U01) and a to-do of
M01, and removes them afterwards, so the other browser tests see the seed data as before.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select, update

from salesnb.contracts import submit
from salesnb.db import make_engine, session_scope
from salesnb.models import Attachment, AuditLog, Contract, ContractSubmission, OutboxMessage, Task, WebSession
from salesnb.notify import Notification, Recipient
from salesnb.notify.channels import ChannelConfig
from salesnb.notify.notifier import DeliveryContext
from salesnb.notify.send import make_notifier, send_notification
from salesnb.timeutil import now

from ..widgets.seed import AS_OF, at
from .conftest import PASSWORDS, AppPage
from .helpers import option_texts, pick_option

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
CONTRACTS = {"K901": "U01", "K902": "M01", "K903": "U01"}


@pytest.fixture(scope="module", autouse=True)
def _sessions_end_with_the_module(server):
    """The sessions these tests open (by the form or by cookie) end afterwards: later tests count sessions."""
    engine = make_engine(server.db_url)
    with session_scope(engine) as s:
        before = set(s.scalars(select(WebSession.token_hash)))
    yield
    with session_scope(engine) as s:
        s.execute(update(WebSession).where(WebSession.token_hash.not_in(before), WebSession.ended_at.is_(None))
                  .values(ended_at=now()))
    engine.dispose()


@pytest.fixture(scope="module")
def team(server):
    engine = make_engine(server.db_url)
    with session_scope(engine) as s:
        for contract_id, owner in CONTRACTS.items():
            s.add(Contract(contract_id=contract_id, quote_id="Q001", customer_id="C001", owner_id=owner,
                           amount=100000, product_line="变压器", quantity=5, dest_region="华东",
                           promised_delivery_days=30, payment_terms_days=30, status="pending_approval"))
        s.add(Task(task_id="T901", node="contract_followup", entity_type="contract", entity_id="K902", owner_id="M01",
                   created_at=at(15, 9), title="跟进客户确认 K902 的交付地址"))
        s.flush()
        for contract_id, owner in CONTRACTS.items():
            submit(s, contract_id, actor=owner, at=AS_OF)  # feasible: pending approval
    yield engine
    ids = [*CONTRACTS, "T901"]
    with session_scope(engine) as s:
        for model, column in ((ContractSubmission, ContractSubmission.contract_id), (Attachment, Attachment.entity_id),
                              (AuditLog, AuditLog.entity_id), (OutboxMessage, OutboxMessage.entity_id),
                              (Task, Task.entity_id), (Task, Task.task_id), (Contract, Contract.contract_id)):
            s.execute(delete(model).where(column.in_(ids)))
    engine.dispose()


@pytest.fixture
def anonymous(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(45_000)
    yield AppPage(page, server, user_id=None)
    context.close()


def sign_in_with_form(page, login: str, password: str) -> None:
    expect(page.locator("main.snb-signin")).to_be_visible()
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_a_rep_finds_only_their_customers(anonymous):
    page = anonymous.page
    page.goto(anonymous.server.page_url("customer_card"))
    sign_in_with_form(page, "U01", PASSWORDS["U01"])
    page.wait_for_selector(".snb-search input")
    page.fill(".snb-search input", "c00")
    page.locator(".snb-suggestions select option").first.wait_for()
    ids = sorted(text.rsplit(" · ", 1)[-1] for text in option_texts(page, ".snb-suggestions select"))
    assert ids == ["C001", "C003", "C004"]  # not U02's C002
    page.fill(".snb-search input", "明珠")
    expect(page.locator(".snb-app")).to_contain_text("没有找到匹配的客户")


def test_approve_follows_the_person(app_page, team):
    app_page.sign_in("U01")
    page = app_page.open("contracts", "item=K901")
    expect(page.locator(".snb-queue select")).to_have_value(re.compile(r"^K901 "))  # labels are the values
    expect(page.locator(".snb-no-decision")).to_be_visible()
    expect(page.locator("button.snb-approve")).to_be_hidden()  # a rep approves nothing, not even their own
    assert not any(text.startswith("K002") for text in option_texts(page, ".snb-queue select"))  # U02's

    app_page.sign_in("M01")
    page = app_page.open("contracts", "item=K902")
    expect(page.locator(".snb-queue select")).to_have_value(re.compile(r"^K902 "))  # labels are the values
    expect(page.locator(".snb-verdict .snb-msg.snb-good")).to_be_visible()
    expect(page.locator("button.snb-approve")).to_be_hidden()  # the manager's own contract
    pick_option(page, ".snb-queue select", "K901")  # their report's
    expect(page.locator("button.snb-approve")).to_be_visible()
    page.locator("button.snb-approve").click()
    expect(page.locator(".snb-banner .snb-msg.snb-good")).to_contain_text("合同 K901 已审批通过")
    with session_scope(team) as s:
        assert s.get(Contract, "K901").status == "approved" and s.get(Contract, "K902").status == "pending_approval"


def test_a_wecom_link_signs_in_then_shows_the_item(anonymous, team, sso_platforms, monkeypatch):
    wecom = sso_platforms["wecom"]
    monkeypatch.setenv("SALESNB_PUBLIC_URL", anonymous.server.url)
    from salesnb.links import item_url

    channel = ChannelConfig("app", "wecom_app", {"corpid": wecom.corpid, "corpsecret": wecom.corpsecret,
                                                 "agentid": wecom.agentid, "base_url": wecom.url})
    note = Notification(subject="合同 K903 待审批", body="张伟提交的合同等你审批", dedup_key="team-k903",
                        recipients=[Recipient("M01", "陈经理", "zhangwei")],
                        payload={"url": item_url(None, "contract", "K903")})
    with httpx.Client(timeout=10) as http:
        notifier = make_notifier(channel, DeliveryContext(http=http, clock=time.time, sleep=time.sleep))
        send_notification(channel, note, notifier)
    link = wecom.messages[-1]["card"]["url"]
    assert "/voila/render/contracts.ipynb?item=K903#salesnb-" in link

    page = anonymous.page
    page.goto(link)
    expect(page.locator("main.snb-signin")).to_be_visible()
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/voila/render/contracts.ipynb?item=K903"]
    sign_in_with_form(page, "M01", PASSWORDS["M01"])
    page.wait_for_selector(".snb-app .snb-header")
    assert re.search(r"/voila/render/contracts\.ipynb\?item=K903$", page.url.split("#")[0])
    expect(page.locator(".snb-queue select")).to_have_value(re.compile(r"^K903 "))  # labels are the values
    expect(page.locator(".snb-customer-name")).to_have_text("K903")


def test_my_work_on_a_phone(browser, server, team):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(45_000)
    phone = AppPage(page, server, user_id="M01")
    try:
        page = phone.open("my_work", "item=K903")
        cards = page.locator(".snb-work-card")
        cards.first.wait_for()
        text = page.locator(".snb-work").inner_text()
        assert "跟进客户确认 K902 的交付地址" in text and "K903" in text
        expect(page.locator(".snb-work-selected")).to_contain_text("K903")  # the link's item stands out
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sideways
        for box in (cards.nth(i).bounding_box() for i in range(cards.count())):
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        done = page.locator(".snb-work-task button.snb-work-done").first
        assert done.bounding_box()["width"] > 250  # a full-width button, easy to tap
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMAGES / "my_work_phone.png"), full_page=False)
        done.click()
        expect(page.locator(".snb-banner .snb-msg.snb-good")).to_contain_text("待办 T901 已完成")
        assert phone.dialogs == [] and phone.errors == []
    finally:
        context.close()
