"""The findings list: filter in the browser and download the xlsx."""

import io
from pathlib import Path

from openpyxl import load_workbook

from .helpers import pick_option


def test_filter_and_export_findings(app_page):
    page = app_page.open("findings")
    table = page.locator(".snb-findings-table table tbody tr")
    table.first.wait_for()
    assert table.count() == 3
    pick_option(page, ".snb-filter-owner select", "李娜")
    page.wait_for_function("document.querySelectorAll('.snb-findings-table tbody tr').length === 1")
    assert "O002" in page.locator(".snb-findings-table").inner_text()
    app_page.screenshot("findings")
    page.locator("button.snb-export").click()
    link = page.locator("a.snb-download")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("断点清单_") and download.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "订单 O002" and rows[1][2] == "李娜"
    assert "<img" not in page.locator(".snb-findings-table").inner_html()
