"""Contract approval in the browser: approve a feasible contract, see why a frozen one is frozen."""

from playwright.sync_api import expect

from .helpers import option_texts, pick_option


def test_approve_feasible_and_see_frozen_reason(app_page):
    page = app_page.open("contracts")
    page.locator(".snb-queue select option").first.wait_for()
    assert option_texts(page, ".snb-queue select") == [
        "K001 · 上海华电设备有限公司 · 待审批（交付可行）",
        "K002 · 广州明珠电子科技 · 已冻结（熔断）",
        "K003 · <img src=x onerror=alert(1)> · 待检查",
    ]
    pick_option(page, ".snb-queue select", "K002")
    verdict = page.locator(".snb-verdict .snb-msg.snb-bad")
    verdict.wait_for()
    text = verdict.inner_text()
    assert "审批已冻结" in text and "差 2 天" in text and "调整交期或走加急通道" in text
    expect(page.locator("button.snb-approve")).to_be_hidden()  # waits: the verdict and the button update apart
    app_page.screenshot("contracts_frozen")

    pick_option(page, ".snb-queue select", "K001")
    page.locator(".snb-verdict .snb-msg.snb-good").wait_for()
    assert page.locator("a.snb-download").inner_text().startswith("下载交付保障书")
    expect(page.locator(".snb-approver")).to_have_count(0)  # no drop-down: the signed-in director approves
    app_page.screenshot("contracts")
    page.locator("button.snb-approve").click()
    page.locator(".snb-banner .snb-msg.snb-good").wait_for()
    assert "合同 K001 已审批通过" in page.locator(".snb-banner").inner_text()
    assert not any(t.startswith("K001") for t in option_texts(page, ".snb-queue select"))
