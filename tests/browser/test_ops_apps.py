"""Ops work in the browser, no command line: import a sheet; a rep creates a new customer and lead."""

from ..widgets.test_import_app import customers_xlsx
from .helpers import pick_option


def test_upload_an_xlsx_with_a_banner_and_an_unknown_header_map_it_and_import(app_page, tmp_path):
    app_page.sign_in("F01")  # finance may import
    page = app_page.open("import")
    path = tmp_path / "客户导出.xlsx"
    path.write_bytes(customers_xlsx([("C901", "杭州新能源有限公司", "华东", "电力", "U01", "展会认识")]))
    with page.expect_file_chooser() as chooser:
        page.locator(".snb-upload").click()
    chooser.value.set_files(str(path))
    page.locator(".snb-plan .snb-plan-head").wait_for()
    text = page.locator(".snb-app").inner_text()
    assert "识别为表 customers（客户），表头在第 3 行" in text
    assert "D · 所属行业名" in text and "备注" in text  # the unused headers are listed
    assert "所属行业名" in page.locator(".snb-problems").inner_text()
    assert page.locator("button.snb-import").is_disabled()
    app_page.screenshot("import_plan")
    pick_option(page, ".snb-map-D select", "行业（industry）")
    page.locator(".snb-problems .snb-msg.snb-good").wait_for()
    page.locator("button.snb-import:not([disabled])").click()
    page.locator(".snb-banner .snb-msg.snb-good").wait_for()
    assert "新增 1" in page.locator(".snb-banner").inner_text()
    history = page.locator(".snb-history").inner_text()
    assert "客户导出.xlsx" in history and "王芳" in history
    app_page.screenshot("import_done")
