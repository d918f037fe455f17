"""Ops work in the browser, no command line: import a sheet; a rep creates a new customer and lead; finance
uploads a bank statement."""

from ..widgets.test_import_app import customers_xlsx
from .helpers import option_texts, pick_option


def test_upload_an_xlsx_with_a_banner_and_an_unknown_header_map_it_and_import(app_page, tmp_path):
    app_page.sign_in("F01")  # finance may import
    page = app_page.open("import")
    path = tmp_path / "客户导出.xlsx"
    path.write_bytes(customers_xlsx([("C901", "杭州新能源有限公司", "华东", "电力", "U01", "展会认识")]))
    with page.expect_file_chooser() as chooser:
        page.locator(".snb-upload").click()
    chooser.value.set_files(str(path))
    page.locator(".snb-plan .snb-plan-head").wait_for()
    page.locator(".snb-map-F select").wait_for()  # the last unused header's drop-down: the plan is rendered
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


def test_a_rep_creates_a_new_customer_and_lead_and_cannot_save_until_the_card_is_complete(app_page):
    app_page.sign_in("U01")
    page = app_page.open("scorecard")
    save = page.locator("button.snb-save")
    save.wait_for()
    page.fill(".snb-customer-search input", "常州新客户电气")
    new = page.locator("button.snb-new-customer", has_text="新建客户「常州新客户电气」")
    new.wait_for()
    new.click()
    page.wait_for_function("document.querySelector('.snb-app').innerText.includes('将新建客户：常州新客户电气')")
    pick_option(page, ".snb-owner select", "张伟")
    page.locator(".snb-field-budget_provided button", has_text="是").click()
    page.wait_for_function("document.querySelector('.snb-missing').innerText.includes('是否明确交期')")
    assert save.is_disabled() and "客户" not in page.locator(".snb-missing").inner_text().split("：")[1]
    page.locator(".snb-field-delivery_date_specified button", has_text="否").click()
    pick_option(page, ".snb-field-purchase_freq_per_month select", "1")
    page.wait_for_function("!document.querySelector('button.snb-save').disabled")
    app_page.screenshot("scorecard_new_customer")
    save.click()
    page.locator(".snb-result .snb-grade").wait_for()
    assert "已保存" in page.locator(".snb-banner").inner_text()
    page.wait_for_function("document.querySelector('.snb-app').innerText.includes('已选：常州新客户电气（C20260316-')")
    app_page.screenshot("scorecard_new_customer_saved")


def test_finance_uploads_a_gbk_xls_statement_and_the_review_queue_fills(app_page, tmp_path):
    app_page.sign_in("F01")
    page = app_page.open("reconciliation")
    page.locator(".snb-statement-upload").wait_for()
    path = tmp_path / "招行流水.xls"  # tab-separated GBK text saved as .xls, as a real bank exports it
    path.write_bytes("\n".join(["招商银行账户交易查询", "交易日\t交易时间\t交易金额\t借贷标志\t付款人\t付款账号\t用途",
                                "20260315\t170000\t120000.00\tC\t无名贸易公司\t0101999\t货款"]).encode("gbk"))
    with page.expect_file_chooser() as chooser:
        page.locator(".snb-statement-upload").click()
    chooser.value.set_files(str(path))
    page.locator(".snb-banner .snb-msg.snb-good").wait_for()
    text = page.locator(".snb-banner").inner_text()
    assert "共 1 行（收入 1 行）" in text and "当前共 2 笔流水等待确认" in text
    assert "待确认（2）" in page.locator(".lm-TabBar").inner_text()
    app_page.screenshot("reconciliation_statement_upload")
    pick_option(page, ".snb-lines select", next(o for o in option_texts(page, ".snb-lines select")
                                                  if "无名贸易公司" in o))
    page.locator(".snb-facts", has_text="无名贸易公司").wait_for()
    page.locator("button.snb-reject-all").click()  # finance decides: none of the candidates (the queue is as before)
    page.locator(".snb-banner .snb-msg.snb-info").wait_for()
    assert "待确认（1）" in page.locator(".lm-TabBar").inner_text()
