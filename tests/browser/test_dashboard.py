"""The sales health dashboard in headless Chromium: tiles, plotly charts drawn, region filter, xlsx export."""

import io

from openpyxl import load_workbook

from .helpers import option_texts, pick_option


def test_dashboard_renders_charts_and_exports(app_page):
    page = app_page.open("dashboard", timeout=90_000)
    tiles = page.locator(".snb-kpi-tile")
    tiles.first.wait_for()
    assert tiles.count() == 4
    kinds = [tiles.nth(i).get_attribute("data-kpi") for i in range(4)]
    assert kinds == ["breakpoint_repair_rate", "sales_action_compliance_rate", "first_response_4h_rate",
                     "a_lead_conversion_rate"]
    assert "客户响应黄金4小时达标率" in tiles.nth(2).inner_text()
    # plotly.js really drew the trend, A-lead and process-audit charts (SVG in the page)
    page.wait_for_function("document.querySelectorAll('.snb-chart .main-svg').length >= 3", timeout=60_000)
    assert page.locator(".snb-chart .legendtext").count() >= 1
    app_page.screenshot("dashboard")

    regions = option_texts(page, ".snb-filter-region select")
    assert regions[0] == "全部" and "华南" in regions
    before = page.locator(".snb-kpi-area").inner_html()
    pick_option(page, ".snb-filter-region select", "华南")
    page.wait_for_function("(b) => document.querySelector('.snb-kpi-area').innerHTML !== b", arg=before)
    page.wait_for_function("document.querySelectorAll('.snb-chart .main-svg').length >= 3")
    app_page.screenshot("dashboard_south")

    page.locator("button.snb-export").click()
    link = page.locator("a.snb-download")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert {"总体", "按周", "按区域", "按销售", "A类线索转化", "异常说明", "流程审计"} <= set(book.sheetnames)
    assert app_page.errors == []
    assert "<img" not in page.locator(".snb-app").inner_html().replace("&lt;img", "")
