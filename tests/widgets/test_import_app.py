"""The import app: plan an upload, list unused headers, map one (remembered), problems with row and column, history."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import Workbook
from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.models import Customer, HeaderMapping, ImportLog
from salesnb.widgets.importer import KEEP, ImportApp


def customers_xlsx(rows=(("C101", "杭州新能源有限公司", "华东", "电力", "U01", "老客户介绍"),)) -> bytes:
    """A CRM export: a banner row, a blank row, then headers — one unknown (所属行业名) and one not used (备注)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["CRM 客户导出 2026-03"])
    ws.append([])
    ws.append(["客户编号", "客户名称", "地区", "所属行业名", "客户经理", "备注"])
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_upload_shows_the_plan_maps_the_unknown_header_and_imports(seeded):
    app = ImportApp(seeded, actor="F01")
    assert app.may_import and app.history_rows == 0
    app.upload.value = ({"name": "客户.xlsx", "type": "", "size": 1, "content": memoryview(customers_xlsx()),
                         "last_modified": datetime(2026, 3, 16, tzinfo=timezone.utc)},)
    assert (app.file_name, app.table, app.header_row) == ("客户.xlsx", "customers", 3)
    assert app.mapping["地区"] == "region" and app.mapping["客户经理"] == "owner_id"
    assert app.unused == ["所属行业名", "备注"]  # listed, never dropped silently
    assert "D · 所属行业名" in app.unused_box.children[0].children[0].value
    assert "industry" in app.unused_box.children[0].children[0].value  # the suggestion is shown
    ((_file, row, column, message),) = app.problems
    assert (row, column) == (3, "所属行业名") and "industry" in message
    assert "D（所属行业名）" in app.problems_view.value
    assert not app.can_import and app.import_button.disabled

    picker = app.unused_box.children[0].children[1]
    assert picker.value == KEEP
    picker.value = "industry"  # as the person picks it in the drop-down
    assert app.corrections == {"所属行业名": "industry"} and app.mapping["所属行业名"] == "industry"
    assert app.unused == ["备注"] and app.problems == [] and app.can_import
    app.import_button.click()
    assert app.error == "" and "新增 1" in app.notice and "已记住 1 个表头映射" in app.notice
    with session_scope(seeded) as s:
        c = s.get(Customer, "C101")
        assert (c.industry, c.owner_id, c.extra) == ("电力", "U01", {"备注": "老客户介绍"})
        mapping = s.scalars(select(HeaderMapping)).one()
        assert (mapping.header_text, mapping.column_name, mapping.created_by) == ("所属行业名", "industry", "F01")
        log = s.scalars(select(ImportLog)).one()
        assert (log.actor, log.file_name, log.inserted) == ("F01", "客户.xlsx", 1)
    assert app.history_rows == 1 and "王芳" in app.history_view.value and "客户.xlsx" in app.history_view.value
    assert app.plan_box.layout.display == "none"

    again = ImportApp(seeded, actor="F01")  # the next file with that header: mapped by itself
    again.load(customers_xlsx([("C102", "宁波港务", "华东", "物流", "U01", "")]), "客户2.xlsx")
    assert again.mapping["所属行业名"] == "industry" and again.can_import


def test_row_problems_are_listed_with_excel_row_and_column_and_nothing_is_written(seeded):
    app = ImportApp(seeded, actor="F01")
    bad = customers_xlsx([("C201", "甲公司", "华东", "电力", "U01", ""), ("C202", "", "华东", "电力", "NOBODY", "")])
    app.load(bad, "坏客户.xlsx")
    app.unused_box.children[0].children[1].value = ""  # 所属行业名: not used, on purpose
    assert app.can_import
    before = count(seeded, Customer)
    app.do_import()
    assert count(seeded, Customer) == before and count(seeded, ImportLog) == 0
    assert "未导入任何数据" in app.error
    where = {(row, column) for _f, row, column, _m in app.problems}
    assert (5, "客户名称") in where and (5, "客户经理") in where
    assert "B（客户名称）" in app.problems_view.value and not app.can_import
    assert "不能导入" in app.status_view.value  # the badge no longer says the file is ready


def test_a_file_without_a_header_shows_the_problem(seeded):
    app = ImportApp(seeded, actor="F01")
    app.load("甲,乙\n1,2\n".encode(), "无表头.csv")
    assert app.plan is None and len(app.problems) == 1 and not app.can_import
    assert "表头" in app.problems_view.value


def test_people_who_may_not_import_see_only_the_history(seeded):
    app = ImportApp(seeded, actor="U01")
    assert not app.may_import
    assert "只有运营和财务" in app.body.children[0].value
    app.load(customers_xlsx(), "客户.xlsx")
    app.unused_box.children[0].children[1].value = "industry"
    assert not app.can_import and app.import_button.disabled


def test_english(seeded):
    from salesnb.i18n import set_language

    set_language("en")
    app = ImportApp(seeded, actor="F01")
    app.load(customers_xlsx(), "c.xlsx")
    assert "table customers (Customers), header in row 3" in app.plan_view.value
    assert "No imports yet" in app.history_view.value
