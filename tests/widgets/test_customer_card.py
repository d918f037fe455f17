"""CustomerCard: search (name, pinyin, initials), pick, and the card's content."""

from salesnb.customers import customer_card, search_customers
from salesnb.i18n import set_language
from salesnb.widgets.customer_card import CustomerCard


def test_search_by_name_pinyin_initials_and_id(seeded):
    for text in ("华电", "huadian", "HuaDian", "shhd", "c001"):
        hits = search_customers(seeded, text)
        assert hits and hits[0].customer_id == "C001", text
    assert search_customers(seeded, "不存在的客户") == []
    assert search_customers(seeded, "  ") == []


def test_card_collects_questions_material_engineers_and_open_issues(seeded):
    card = customer_card(seeded, "C001")
    assert card.interactions[0]["question"] == "交货期最短多少天？"  # newest first
    assert card.materials == ["温升测试报告", "产品手册", "接线图"]
    assert card.engineers == [("赵工", 2), ("钱工", 1)]
    stages = card.issues_by_stage()
    assert list(stages) == ["touch", "qualify", "quote", "contract", "order", "delivery", "payment"]
    # L001 is flagged by a finding (so not listed twice), its scorecard is incomplete
    assert [(i.kind, i.entity_id) for i in stages["touch"]] == [("finding", "L001")]
    assert [(i.kind, i.entity_id) for i in stages["qualify"]] == [("scorecard_incomplete", "L001")]
    assert [(i.kind, i.entity_id) for i in stages["quote"]] == [("finding", "Q001")]
    assert [(i.kind, i.entity_id) for i in stages["contract"]] == [("contract_pending_approval", "K001")]
    assert [(i.kind, i.entity_id) for i in stages["payment"]] == [("invoice_unpaid", "INV003")]


def test_card_of_a_customer_through_orders_and_claims(seeded):
    card = customer_card(seeded, "C003")
    kinds = {(i.stage, i.kind, i.entity_id) for i in card.issues}
    assert ("order", "order_open", "O003") in kinds
    assert ("payment", "claim_in_review", "PC001") in kinds  # its finding is resolved, so listed as workflow
    assert ("quote", "quote_pending", "Q003") in kinds
    assert customer_card(seeded, "C002").issues_by_stage()["delivery"][0].kind == "finding"


def test_widget_search_pick_and_show(seeded):
    w = CustomerCard(seeded)
    w.search_box.value = "hd"
    assert w.query == "hd"
    assert [cid for _label, cid in w.suggestions] == ["C001"]
    assert w.picker.options == (("上海华电设备有限公司 · 华东 · C001", "C001"),)
    w.picker.value = "C001"
    assert w.customer_id == "C001"
    page = w.card_view.value
    for text in ("上海华电设备有限公司", "变压器温升测试标准是什么？", "接线图", "赵工（2 次）", "客户触达", "回款结算",
                 "合同 K001 待审批", "张伟"):
        assert text in page, text
    w.search_box.value = "nothing-like-this"
    assert w.suggestions == [] and "没有找到匹配的客户" in w.hint.value
    assert w.error == ""


def test_xss_customer_is_shown_as_text(seeded):
    w = CustomerCard(seeded)
    w.search_box.value = "img"
    assert ["C003"] == [cid for _l, cid in w.suggestions]
    w.select("C003")
    page = w.card_view.value
    assert "<img" not in page and "<script" not in page and "<a href" not in page and "<u>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_unknown_customer_shows_a_readable_error(seeded):
    w = CustomerCard(seeded)
    w.select("NOPE")
    assert w.error == "客户 NOPE 不存在（可能已被删除）"
    assert "Traceback" not in w._banner.value and "操作没有完成" in w._banner.value


def test_english_ui(seeded):
    set_language("en")
    w = CustomerCard(seeded)
    w.select("C001")
    assert "Technical questions asked (3)" in w.card_view.value and "Touch" in w.card_view.value


def test_a_rep_finds_only_their_customers(seeded):
    rep = CustomerCard(seeded, actor="U02")
    rep.search_box.value = "c00"
    assert [cid for _l, cid in rep.suggestions] == ["C002"]
    rep.open_item("C001")  # a link to another rep's customer shows nothing of it
    assert rep.card is None and "C001" in rep.error and "华电" not in rep.card_view.value
    rep.open_item("C002")
    assert rep.customer_id == "C002" and "广州明珠电子科技" in rep.card_view.value
