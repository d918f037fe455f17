"""The rule editor in the browser: conditions from drop-downs, the preview count follows every change."""

from .helpers import pick_option


def count_text(page) -> str:
    return page.locator(".snb-rule-preview .snb-match-count").inner_text()


def test_build_a_rule_and_see_the_count_change(app_page):
    app_page.sign_in("O01")  # saving rules is ops' job (config.edit)
    page = app_page.open("rules")
    page.locator("button.snb-add-condition").wait_for()
    page.locator("button.snb-add-condition").click()
    condition = page.locator(".snb-condition").first
    condition.wait_for()
    pick_option(page, ".snb-condition .snb-cond-field select", "状态")
    pick_option(page, ".snb-condition .snb-cond-value select", "已接受")
    page.wait_for_function("document.querySelector('.snb-rule-preview').innerText.includes('当前命中 2 条')")
    page.locator("button.snb-add-condition").click()
    page.locator(".snb-condition").nth(1).wait_for()
    second = ".snb-condition:nth-child(2)"
    pick_option(page, f"{second} .snb-cond-field select", "报价金额")
    page.locator(f"{second} .snb-cond-value input").wait_for()
    pick_option(page, f"{second} .snb-cond-op select", "大于等于")
    page.fill(f"{second} .snb-cond-value input", "100000")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.snb-rule-preview').innerText.includes('当前命中 1 条')")
    assert "Q001" in page.locator(".snb-rule-preview").inner_text()
    pick_option(page, ".snb-match select", "以下任一条件")
    page.wait_for_function("document.querySelector('.snb-rule-preview').innerText.includes('当前命中 2 条')")
    page.fill(".snb-rule-name input", "大额或已接受的报价")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('button.snb-save-rule').disabled")
    app_page.screenshot("rules")
    page.locator("button.snb-save-rule").click()
    page.locator(".snb-banner .snb-msg.snb-good").wait_for()
    assert "custom_quotes_1 第 1 版" in page.locator(".snb-banner").inner_text()


def test_a_related_records_condition_no_order_for_an_accepted_quote(app_page):
    app_page.sign_in("O01")
    page = app_page.open("rules")
    page.locator("button.snb-add-condition").wait_for()
    page.locator("button.snb-add-condition").click()
    page.locator(".snb-condition").first.wait_for()
    pick_option(page, ".snb-condition .snb-cond-field select", "状态")
    pick_option(page, ".snb-condition .snb-cond-value select", "已接受")
    page.wait_for_function("document.querySelector('.snb-rule-preview').innerText.includes('当前命中 2 条')")
    page.locator("button.snb-add-related").click()
    page.locator(".snb-related .snb-related-table select").wait_for()
    pick_option(page, ".snb-related .snb-related-table select", "订单")
    pick_option(page, ".snb-related .snb-related-key select", "报价单号")
    page.wait_for_function("document.querySelector('.snb-rule-preview').innerText.includes('当前命中 1 条')")
    assert "Q001" in page.locator(".snb-rule-preview").inner_text()  # accepted, and no order for it
    app_page.screenshot("rules_related")
