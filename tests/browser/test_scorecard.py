"""The scorecard in the browser: Save stays disabled until the card is complete; the grade is shown."""

from .helpers import pick_option


def test_fill_and_save_a_scorecard(app_page):
    page = app_page.open("scorecard")
    save = page.locator("button.snb-save")
    save.wait_for()
    assert save.is_disabled()
    assert "还需填写：客户、负责销售" in page.locator(".snb-missing").inner_text()
    page.fill(".snb-customer-search input", "huadian")
    page.locator(".snb-customer-picker select option").first.wait_for()
    page.select_option(".snb-customer-picker select", index=0)
    page.wait_for_function("document.querySelector('.snb-app').innerText.includes('已选：上海华电设备有限公司')")
    pick_option(page, ".snb-owner select", "张伟")
    page.locator(".snb-field-budget_provided button", has_text="是").click()
    page.locator(".snb-field-delivery_date_specified button", has_text="是").click()
    page.wait_for_function("document.querySelector('.snb-missing').innerText.includes('近3个月采购频次')")
    assert save.is_disabled()
    pick_option(page, ".snb-field-purchase_freq_per_month select", "3 次/月")
    page.wait_for_function("!document.querySelector('button.snb-save').disabled")
    assert "已填写完整" in page.locator(".snb-missing").inner_text()
    app_page.screenshot("scorecard")
    save.click()
    result = page.locator(".snb-result .snb-grade")
    result.wait_for()
    assert result.inner_text() == "A"
    page.wait_for_function("document.querySelector('.snb-result').innerText.includes('新品优先体验池')")
    text = page.locator(".snb-result").inner_text()
    assert "已通知主管 陈经理（M01）" in text and "新品优先体验池" in text
    app_page.screenshot("scorecard_saved")
