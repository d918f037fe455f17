"""Reconciliation in the browser: confirm a candidate invoice of a queued bank line."""

from .helpers import option_texts


def test_confirm_a_reconciliation_candidate(app_page):
    app_page.sign_in("F01")  # finance reviews bank matches; no operator drop-down
    page = app_page.open("reconciliation")
    page.locator(".snb-candidates input[type=radio]").first.wait_for()
    assert option_texts(page, ".snb-lines select")[0].startswith("B003 · 2026-03-15 14:00 · 120,000.00")
    labels = page.locator(".snb-candidates .widget-radio-box label").all_inner_texts()
    assert [text.split(" · ")[0] for text in labels] == ["INV003", "INV004"]
    page.locator(".snb-candidates label", has_text="INV004").click()
    app_page.screenshot("reconciliation")
    page.locator("button.snb-confirm").click()
    page.locator(".snb-banner .snb-msg.snb-good").wait_for()
    assert "流水 B003 已核销到发票 INV004" in page.locator(".snb-banner").inner_text()
    assert "没有待人工确认的流水" in page.locator(".snb-app").inner_text()
    page.locator(".lm-TabBar-tab", has_text="已匹配").click()
    applied = page.locator(".snb-applied select")
    applied.wait_for()
    assert any(t.startswith("B003 → INV004") for t in option_texts(page, ".snb-applied select"))
    assert "<img src=x onerror=alert(1)>" in page.locator(".snb-app").inner_text()  # the payer, as text
    assert "王芳" in page.locator(".snb-app").inner_text()  # the match names who confirmed it
    app_page.screenshot("reconciliation_matched")
