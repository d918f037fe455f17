"""The dashboard in headless Chromium: a KPI that cannot be measured yet is grey, never a red 0 %."""


def test_not_yet_measurable_is_grey(app_page):
    page = app_page.open("dashboard", timeout=90_000)
    tiles = page.locator(".snb-kpi-tile")
    tiles.first.wait_for()
    repair = page.locator('.snb-kpi-tile[data-kpi="breakpoint_repair_rate"]')
    a_leads = page.locator('.snb-kpi-tile[data-kpi="a_lead_conversion_rate"]')
    # no baseline yet (no daily run on this store): the repair rate is not yet measurable, not 0 %
    assert "snb-kpi-pending" in repair.get_attribute("class") and "尚不可衡量" in repair.inner_text()
    assert "尚未建立基线" in repair.inner_text() and "0.0%" not in repair.inner_text()
    # the only A lead (华南, week 2026-W11) is younger than the 14-day maturity window: grey, not red
    assert "snb-kpi-pending" in a_leads.get_attribute("class") and "A类线索满 14 天后才计入（1 条未满）" in a_leads.inner_text()
    week = page.locator(".snb-a-lead-table .snb-badge.snb-pending")
    week.first.wait_for()
    assert week.count() == 1 and week.first.inner_text() == "尚不可衡量 (1)"
    assert page.locator(".snb-a-lead-table .snb-badge.snb-bad").count() == 0
    assert "只计入满 14 天的 A类线索" in page.locator(".snb-app").inner_text()
    grey = week.first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert grey == "rgb(229, 231, 235)"  # the grey of "not yet measurable", not the red of a miss
    page.wait_for_function("document.querySelectorAll('.snb-chart .main-svg').length >= 3", timeout=60_000)
    shot = app_page.screenshot("dashboard_not_yet_measurable")
    assert shot.stat().st_size > 20_000
    assert app_page.errors == []
