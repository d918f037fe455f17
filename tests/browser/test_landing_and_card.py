"""The landing page and the customer Q&A card in a real browser."""

import re

from ..widgets.seed import XSS


def test_landing_page_links_every_app(app_page):
    page = app_page.open("index")
    tiles = page.locator("a.snb-tile")
    assert tiles.count() == 12
    assert page.locator("a.snb-tile[data-app=customer_card]").inner_text().startswith("客户问答速查卡")
    app_page.screenshot("index")
    page.locator("a.snb-tile[data-app=customer_card]").click()
    page.wait_for_selector(".snb-search input")
    assert re.search(r"/voila/render/customer_card\.ipynb$", page.url)


def test_root_redirects_to_the_landing_page(app_page):
    page = app_page.page
    page.goto(app_page.server.url)
    page.wait_for_selector("a.snb-tile")
    assert page.url.endswith("/voila/render/index.ipynb")


def test_look_up_a_customer_card(app_page):
    page = app_page.open("customer_card")
    page.fill(".snb-search input", "huadian")
    option = page.locator(".snb-suggestions select option")
    option.first.wait_for()
    assert option.count() == 1 and "上海华电设备有限公司" in option.first.inner_text()
    page.select_option(".snb-suggestions select", index=0)
    card = page.locator(".snb-card-view")
    card.locator(".snb-customer-name").wait_for()
    assert card.locator(".snb-customer-name").inner_text() == "上海华电设备有限公司"
    text = card.inner_text()
    for expected in ("变压器温升测试标准是什么？", "温升测试报告", "赵工（2 次）", "报价 Q001", "客户触达", "回款结算"):
        assert expected in text
    assert page.locator(".snb-stage.snb-has-issues").count() >= 4
    assert app_page.errors == []
    app_page.screenshot("customer_card")


def test_xss_customer_shows_as_text(app_page):
    page = app_page.open("customer_card")
    page.fill(".snb-search input", "img")
    page.locator(".snb-suggestions select option").first.wait_for()
    # ipywidgets shows option labels as text, spaces as non-breaking spaces
    assert XSS in page.locator(".snb-suggestions select option").first.inner_text().replace("\xa0", " ")
    page.select_option(".snb-suggestions select", index=0)
    name = page.locator(".snb-customer-name")
    name.wait_for()
    assert name.inner_text() == XSS
    assert page.locator(".snb-card-view img").count() == 0
    assert page.locator(".snb-card-view script").count() == 0
    assert "<script>alert(2)</script>" in page.locator(".snb-card-view").inner_text()
    page.wait_for_timeout(300)  # a dialog would open asynchronously (image error handler)
    app_page.screenshot("customer_card_xss")


def test_english_page(app_page):
    page = app_page.open("customer_card", "lang=en")
    assert page.locator(".snb-header h2").inner_text() == "Customer Q&A card"
    assert page.locator("a.snb-home").get_attribute("href") == "index.ipynb?lang=en"
    page.fill(".snb-search input", "mingzhu")
    page.locator(".snb-suggestions select option").first.wait_for()
    page.select_option(".snb-suggestions select", index=0)
    page.locator(".snb-customer-name").wait_for()
    assert "Open issues across the seven stages" in page.locator(".snb-card-view").inner_text()
    app_page.screenshot("customer_card_en")
