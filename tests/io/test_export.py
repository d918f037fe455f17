"""Export to xlsx and CSV: Chinese headers, UTF-8 with BOM, exact money, local timestamps, round trips."""

from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from salesnb.customer_search import index_customer_names
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.io import export_table, import_paths
from salesnb.models import Customer, Quote

from .helpers import snapshot, write_canonical


@pytest.fixture
def loaded(engine, tmp_path):
    write_canonical(tmp_path / "data")
    import_paths(engine, [tmp_path / "data"])
    return engine


def test_csv_export_has_bom_chinese_headers_exact_money_and_local_times(loaded, tmp_path):
    out = tmp_path / "quotes.csv"
    assert export_table(loaded, "quotes", out) == 2
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "报价单号,线索编号,客户编号,负责人编号,报价金额,报价时间,状态,接受时间"
    assert lines[1] == "Q1,L1,C1,U3,128000.50,2026-11-05 10:00:00,accepted,2026-11-08 09:00:00"
    assert lines[2].split(",")[4] == "0.10"


def test_english_headers_and_booleans(loaded, tmp_path):
    out = tmp_path / "leads.csv"
    export_table(loaded, "leads", out, language="en")
    header, first, _ = out.read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("lead_id,customer_id,owner_id")
    assert ",true,false," in first
    export_table(loaded, "leads", out)
    assert ",是,否," in out.read_text(encoding="utf-8-sig").splitlines()[1]


def test_xlsx_export_reads_back_and_reimports_unchanged(loaded, tmp_path):
    out = tmp_path / "contracts.xlsx"
    export_table(loaded, "contracts", out)
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["合同编号", "报价单号", "客户编号", "负责人编号", "合同金额"]
    row = [c.value for c in sheet[2]]
    assert row[4] == 128000.5 and sheet.cell(2, 5).number_format == "0.00"
    assert row[header.index("提交审批时间")] == datetime(2026, 11, 9, 10, 0)
    before = snapshot(loaded)
    for table in ("users", "customers", "leads", "quotes", "contracts", "orders", "invoices", "bank_transactions",
                  "production_slots"):
        export_table(loaded, table, tmp_path / "again" / f"{table}.xlsx")
        export_table(loaded, table, tmp_path / "again_csv" / f"{table}.csv")
    report = import_paths(loaded, [tmp_path / "again", tmp_path / "again_csv"])
    assert report.total("inserted") == report.total("updated") == 0
    assert snapshot(loaded) == before


def test_select_query_export_is_typed_by_column_name(loaded, tmp_path):
    out = tmp_path / "q.csv"
    rows = export_table(loaded, "SELECT quote_id, amount, accepted_at, status FROM quotes ORDER BY quote_id", out)
    assert rows == 2
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "报价单号,金额,接受时间,状态"
    assert lines[1] == "Q1,128000.50,2026-11-08 09:00:00,accepted"
    stmt = select(Customer.customer_id, Customer.name).order_by(Customer.customer_id)
    export_table(loaded, stmt, tmp_path / "c.xlsx", language="en")
    sheet = load_workbook(tmp_path / "c.xlsx").active
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["customer_id", "name"], ["C1", "上海恒通机电有限公司"], ["C2", "成都蓉城电气"]]


def test_query_export_cannot_write(loaded, tmp_path):
    before = snapshot(loaded)
    with pytest.raises(SalesnbError):
        export_table(loaded, "DELETE FROM quotes", tmp_path / "x.csv")
    sneaky = ("WITH gone AS (DELETE FROM quotes RETURNING quote_id) SELECT * FROM gone"
              if loaded.dialect.name == "postgresql" else "SELECT 1; DELETE FROM quotes")
    with pytest.raises(SalesnbError):
        export_table(loaded, sneaky, tmp_path / "x.csv")
    assert snapshot(loaded) == before
    with session_scope(loaded) as s:  # the connection is writable again afterwards
        s.get(Quote, "Q2").status = "lost"


def test_formula_like_text_is_data_in_both_formats(loaded, tmp_path):
    with session_scope(loaded) as s:
        s.get(Customer, "C2").name = '=HYPERLINK("http://evil.example","点我")'
    index_customer_names(loaded)  # renamed behind the importer's back: its search keys follow on the next index
    export_table(loaded, "customers", tmp_path / "c.csv")
    export_table(loaded, "customers", tmp_path / "c.xlsx")
    assert "'=HYPERLINK" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    cell = load_workbook(tmp_path / "c.xlsx").active.cell(3, 2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    before = snapshot(loaded)
    import_paths(loaded, [tmp_path / "c.csv"])
    import_paths(loaded, [tmp_path / "c.xlsx"])
    assert snapshot(loaded) == before


def test_float_columns_are_not_shown_as_money_and_failed_exports_leave_no_file(loaded, tmp_path, monkeypatch):
    export_table(loaded, "leads", tmp_path / "leads.xlsx")
    sheet = load_workbook(tmp_path / "leads.xlsx").active
    header = [c.value for c in sheet[1]]
    freq = sheet.cell(2, header.index("近3月采购频次") + 1)
    assert freq.value == 2.5 and freq.number_format != "0.00"
    with pytest.raises(SalesnbError):
        export_table(loaded, "SELECT no_such_column FROM leads", tmp_path / "bad.csv")
    monkeypatch.setattr("salesnb.io.exporter.XLSX_MAX_ROWS", 2)  # the sheet fills up half-way through
    with pytest.raises(SalesnbError):
        export_table(loaded, "leads", tmp_path / "bad.xlsx")
    assert not list(tmp_path.glob("bad.*"))
