"""Ops flows in the browser, no command line: a rep files a payment claim and finance confirms it; a file with
errors shows its row/column problems and writes nothing; a Q&A record added on the customer card is there at the
next lookup.

The module adds an invoice of its own (INV901, U01's contract K001) and removes it, its claim, the Q&A records of
C004 and what they wrote, afterwards, so the other browser tests see the seed data as before.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, func, select

from salesnb.db import make_engine, session_scope
from salesnb.models import AuditLog, Customer, ImportLog, Interaction, Invoice, OutboxMessage, PaymentClaim, Task

from ..widgets.seed import at
from .helpers import pick_option

GOOD = ".snb-banner .snb-msg.snb-good"


@pytest.fixture(scope="module")
def store(server):
    engine = make_engine(server.db_url)
    with session_scope(engine) as s:
        s.add(Invoice(invoice_id="INV901", contract_id="K001", amount=Decimal("8800.00"), requested_at=at(14),
                      issued_at=at(14), status="issued", paid_amount=Decimal("0.00")))
    yield engine
    with session_scope(engine) as s:
        claims = list(s.scalars(select(PaymentClaim.claim_id).where(PaymentClaim.invoice_id == "INV901")))
        records = list(s.scalars(select(Interaction.interaction_id).where(Interaction.customer_id == "C004")))
        ids = ["INV901", *claims, *records]
        for model, column in ((AuditLog, AuditLog.entity_id), (OutboxMessage, OutboxMessage.entity_id),
                              (Task, Task.entity_id), (PaymentClaim, PaymentClaim.claim_id),
                              (Interaction, Interaction.interaction_id), (Invoice, Invoice.invoice_id)):
            s.execute(delete(model).where(column.in_(ids)))
    engine.dispose()


def count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_rep_files_a_payment_claim_and_finance_confirms_it(app_page, store):
    app_page.sign_in("U01")
    page = app_page.open("claims")
    pick_option(page, ".snb-claim-invoice select", "INV901")
    expect(page.locator(".snb-claim-amount input")).to_have_value("8,800.00")  # what is left to claim
    page.fill(".snb-claim-amount input", "5,000")
    page.locator("button.snb-claim-submit").click()
    expect(page.locator(GOOD)).to_contain_text("已提交回款认领 CLM-INV901-1")
    expect(page.locator(".snb-claim-history")).to_contain_text("待财务审核")
    app_page.screenshot("claims_filed")

    app_page.sign_in("F01")
    page = app_page.open("claims")
    pick_option(page, ".snb-claim-queue select", "CLM-INV901-1")
    expect(page.locator(".snb-claim-review")).to_contain_text("张伟")
    page.locator("button.snb-claim-confirm").click()
    expect(page.locator(GOOD)).to_contain_text("已确认回款认领 CLM-INV901-1：发票 INV901 记入回款 5,000.00 元")
    app_page.screenshot("claims_confirmed")
    with session_scope(store) as s:
        assert s.get(PaymentClaim, "CLM-INV901-1").status == "confirmed"
        assert s.get(Invoice, "INV901").paid_amount == Decimal("5000.00")
    assert app_page.errors == []


def test_a_file_with_errors_shows_its_problems_and_writes_nothing(app_page, store, tmp_path):
    app_page.sign_in("F01")
    page = app_page.open("import")
    path = tmp_path / "客户有错.csv"
    path.write_text("客户编号,客户名称,区域,行业,负责人编号\nC950,苏州好客户,华东,电力,U01\nC951,,华东,电力,NOBODY\n",
                    encoding="utf-8")
    customers, imports = count(store, Customer), count(store, ImportLog)
    with page.expect_file_chooser() as chooser:
        page.locator(".snb-upload").click()
    chooser.value.set_files(str(path))
    page.locator(".snb-plan .snb-plan-head").wait_for()
    page.locator("button.snb-import:not([disabled])").click()
    expect(page.locator(".snb-banner .snb-msg.snb-bad")).to_contain_text("未导入任何数据")
    problems = page.locator(".snb-problems table")
    expect(problems).to_contain_text("B（客户名称）")
    expect(problems).to_contain_text("E（负责人编号）")
    expect(problems).to_contain_text("NOBODY")
    assert page.locator(".snb-problems tbody tr").count() >= 2
    assert {row.split("\t")[0] for row in page.locator(".snb-problems tbody tr").all_inner_texts()} == {"3"}
    expect(page.locator("button.snb-import")).to_be_disabled()
    expect(page.locator(".snb-app")).to_contain_text("还有问题没有解决，不能导入")
    app_page.screenshot("import_problems")
    assert (count(store, Customer), count(store, ImportLog)) == (customers, imports)  # nothing written
    with session_scope(store) as s:
        assert s.get(Customer, "C950") is None  # not even the good row


def test_a_qa_record_added_on_the_card_is_there_at_the_next_lookup(app_page, store):
    app_page.sign_in("U01")  # C004's owner
    page = app_page.open("customer_card")

    def look_up(text: str, name: str) -> None:
        page.fill(".snb-search input", text)
        pick_option(page, ".snb-suggestions select", name)
        expect(page.locator(".snb-card-view .snb-customer-name")).to_have_text(name)

    look_up("中科", "北京中科仪器")
    page.fill(".snb-qa-question textarea", "示波器能否做 -40℃ 低温测试？")
    page.fill(".snb-qa-materials input", "低温测试方案")
    page.fill(".snb-qa-engineer input", "孙工")
    page.locator("button.snb-qa-add").click()
    expect(page.locator(GOOD)).to_contain_text("北京中科仪器")
    look_up("华电", "上海华电设备有限公司")  # another customer in between
    expect(page.locator(".snb-card-view")).not_to_contain_text("低温测试")
    look_up("中科", "北京中科仪器")
    card = page.locator(".snb-card-view")
    for text in ("示波器能否做 -40℃ 低温测试？", "低温测试方案", "孙工"):
        expect(card).to_contain_text(text)
    app_page.screenshot("customer_card_qa_added")
    with session_scope(store) as s:
        record = s.scalars(select(Interaction).where(Interaction.customer_id == "C004")).one()
        assert (record.question, record.engineer) == ("示波器能否做 -40℃ 低温测试？", "孙工")
    assert app_page.errors == []
