"""Header matching against exports nobody here wrote: mapped with a reported score, or stopped with a suggestion."""

from __future__ import annotations

import pytest

from salesnb.io.headers import AUTO_FUZZY, SUGGEST, match_row, vocabulary
from salesnb.io.plan import column_letter
from salesnb.io.vocabulary import deep_form

# Every header the "real exports" issue names, in the table it came in, and the column it means.
ISSUE_EXAMPLES = [
    ("quotes", "客户接受时间", "accepted_at"),
    ("contracts", "承诺交期（天）", "promised_delivery_days"),
    ("contracts", "账期（天）", "payment_terms_days"),
    ("contracts", "交付区域", "dest_region"),
    ("contracts", "目的区域", "dest_region"),
    ("leads", "近3个月采购频次（次/月）", "purchase_freq_per_month"),
    ("users", "上级工号", "manager_id"),
    ("tasks", "处理人", "owner_id"),
    ("customers", "所属区域", "region"),
    ("invoices", "开票金额", "amount"),
    ("payment_claims", "认领单号", "claim_id"),
    ("payment_claims", "认领人", "owner_id"),
    ("payment_claims", "认领金额", "amount"),
    ("tasks", "单据类型", "entity_type"),
    ("tasks", "单据编号", "entity_id"),
]

# How other generators differ: brackets and units, 编号/号/ID/代码, 时间/日期, full width, synonyms.
VARIANTS = [
    ("contracts", "账期(天)", "payment_terms_days"),
    ("contracts", "账期／天", "payment_terms_days"),
    ("contracts", "付款期限（天）", "payment_terms_days"),
    ("contracts", "信用期", "payment_terms_days"),
    ("contracts", "交货期（天）", "promised_delivery_days"),
    ("contracts", "合同金额（元）", "amount"),
    ("contracts", "ｃｏｎｔｒａｃｔ＿ｉｄ", "contract_id"),
    ("contracts", "合同 编号", "contract_id"),
    ("contracts", "收货区域", "dest_region"),
    ("customers", "客户代码", "customer_id"),
    ("customers", "客户编码", "customer_id"),
    ("customers", "客户全称", "name"),
    ("customers", "业务员", "owner_id"),
    ("customers", "片区", "region"),
    ("customers", "创建日期", "created_at"),
    ("leads", "近三个月采购频次", "purchase_freq_per_month"),
    ("leads", "跟进人", "owner_id"),
    ("orders", "订单号", "order_id"),
    ("orders", "下单日期", "created_at"),
    ("quotes", "报价金额（元）", "amount"),
    ("quotes", "报价单编号", "quote_id"),
    ("tasks", "经办人", "owner_id"),
    ("users", "员工ID", "user_id"),
    ("users", "直属领导", "manager_id"),
    ("users", "大区", "region"),
    ("lanes", "到货区域", "dest_region"),
    ("invoices", "发票金额(元)", "amount"),
]


@pytest.mark.parametrize(("table", "header", "column"), ISSUE_EXAMPLES + VARIANTS)
def test_real_headers_map_with_a_reported_score(table, header, column):
    found = match_row(["*", header], table, suggest=True)
    assert found.columns[1] == column, (header, found.suggestions)
    match = found.matches[1]
    assert 90 <= match.score <= 100 and match.reason, match
    if match.score < 100:  # anything but an exact header says how it was matched
        assert match.reason in ("normalised", "qualifier", "synonym", "fuzzy")


@pytest.mark.parametrize(("table", "header", "column", "reason"), [
    ("quotes", "客户认可时间", "accepted_at", "fuzzy"),
    ("contracts", "交期承诺天数", "promised_delivery_days", "fuzzy"),
    ("contracts", "账款期限", "payment_terms_days", "fuzzy"),
    ("contracts", "合同金额（万元）", "amount", "unit"),
    ("contracts", "承诺交期（周）", "promised_delivery_days", "unit"),
    ("contracts", "账期（工作日）", "payment_terms_days", "unit"),
    ("quotes", "报价金额（美元）", "amount", "unit"),
])
def test_unsure_headers_are_not_mapped_but_suggested(table, header, column, reason):
    found = match_row([header], table, suggest=True)
    assert found.columns == [None]  # kept in extra, never mapped silently
    hint = found.suggestions[0]
    assert (hint.column, hint.reason) == (column, reason)
    assert SUGGEST <= hint.score < AUTO_FUZZY


@pytest.mark.parametrize(("table", "header"), [
    ("orders", "仓库"), ("orders", "备注"), ("customers", "等级"), ("customers", "拜访次数"),
    ("contracts", "合同备注"), ("contracts", "付款方式"), ("users", "入职日期"), ("users", "部门"),
])
def test_ordinary_extra_columns_get_no_suggestion(table, header):
    found = match_row([header], table, suggest=True)
    assert found.columns == [None] and found.suggestions == {}


def test_the_better_score_wins_a_column_and_the_other_is_reported_as_taken():
    found = match_row(["报价金额（元）", "报价金额", "报价单号"], "quotes", suggest=True)
    assert found.columns == [None, "amount", "quote_id"]
    assert (found.suggestions[0].column, found.suggestions[0].reason) == ("amount", "taken")


def test_two_columns_sharing_a_normal_form_decide_nothing():
    # 运单号 is tracking_no and 运单编号 is shipment_id: their common normal form maps neither
    vocab = vocabulary("shipments")
    assert vocab.match("运单号")[0].column == "tracking_no"
    assert vocab.match("运单编号")[0].column == "shipment_id"
    assert deep_form("运单号")[0] not in vocab.deep


def test_given_mappings_win_and_can_ignore_a_header():
    given = {"金额": ("payment_terms_days", "given"), "备注": ("", "given")}
    found = match_row(["合同号", "金额", "备注"], "contracts", given)
    assert found.columns[:2] == ["contract_id", "payment_terms_days"]
    assert found.matches[1].reason == "given" and found.ignored == {2}


def test_normal_forms_and_column_letters():
    assert deep_form("承诺交期（天）") == ("承诺交期", ("天",))
    assert deep_form("上级工号")[0] == deep_form("上级编号")[0] == "上级#"
    assert deep_form("交易日期")[0] == deep_form("交易时间")[0]
    assert deep_form("近三个月采购频次")[0] == deep_form("近3月采购频次")[0]
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
