"""Reading real-looking Chinese bank exports: every ugly variant, and clear errors for bad lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.errors import InputError
from salesnb.models import BankTransaction
from salesnb.receivables import import_statements, parse_statement
from salesnb.receivables.bank_statements import header_role, parse_amount, parse_direction
from salesnb.timeutil import local_tz

from .statements import GB18030_ONLY, write_statements


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return {p.name: p for p in write_statements(tmp_path_factory.mktemp("bank"))}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=local_tz())


def test_debit_credit_columns_banner_and_separate_date_time(files):
    frame = parse_statement(files["icbc.xlsx"])
    assert list(frame["txn_id"]) == ["ICBC0001", "ICBC0002", "ICBC0003"]  # the 合计 footer is skipped
    assert list(frame["direction"]) == ["in", "in", "out"]
    assert list(frame["amount"]) == [Decimal("12000.00"), Decimal("8500.00"), Decimal("500.00")]
    assert frame["booked_at"][0] == at(2026, 1, 20, 9, 15, 2)
    assert frame["payer_account"][1] == "0310012345678"  # a string, leading zero kept
    assert frame["memo"][0] == "转账 | 货款 INV-1001"  # 摘要 and 用途 both kept


def test_gb18030_text_with_amount_and_direction_flag(files):
    frame = parse_statement(files["ccb.csv"])
    assert list(frame["direction"]) == ["in", "in", "out"]
    assert frame["amount"][0] == Decimal("23456.78")
    assert frame["memo"][0] == f"货款{GB18030_ONLY}"
    assert frame["booked_at"][0] == at(2026, 1, 22, 14, 3, 11)
    assert frame["payer_account"][0] == "0571000123"


def test_html_disguised_as_xls_with_two_level_header(files):
    assert files["boc.xls"].read_bytes().lstrip().startswith(b"<html")
    frame = parse_statement(files["boc.xls"])
    assert list(frame["txn_id"]) == ["BOC900001", "BOC900002"]
    assert list(frame["amount"]) == [Decimal("20000.00"), Decimal("30000.00")]
    assert set(frame["direction"]) == {"in"} and frame["payer_name"][0] == "深圳华强电子科技"


def test_tab_text_named_xls_with_dc_flag_and_no_serials(files):
    frame = parse_statement(files["cmb.xls"])
    assert list(frame["direction"]) == ["in", "in", "in", "in", "out"]
    assert frame["booked_at"][0] == at(2026, 1, 26, 10, 15)
    assert frame["txn_id"].str.startswith("BK").all() and frame["txn_id"].is_unique
    again = parse_statement(files["cmb.xls"])
    assert list(again["txn_id"]) == list(frame["txn_id"])  # stable: re-import is a no-op


def test_merged_two_level_header_in_xlsx(files):
    frame = parse_statement(files["rural.xlsx"])
    row = frame.iloc[0]
    assert (row["txn_id"], row["amount"], row["direction"]) == ("MRG-001", Decimal("7777.77"), "in")
    assert row["payer_name"] == "天成食品（广州）有限公司" and row["booked_at"] == at(2026, 1, 29, 15)


def test_reimporting_is_a_no_op(engine, files):
    paths = list(files.values())
    first = import_statements(engine, paths)
    second = import_statements(engine, paths)
    assert first.inserted == 16 and (second.inserted, second.updated, second.unchanged) == (0, 0, 16)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(BankTransaction)) == 16
        stored = s.get(BankTransaction, "ICBC0002")
    assert stored.payer_account == "0310012345678" and stored.booked_at == at(2026, 1, 21, 10)


def test_bad_lines_name_file_row_and_column_and_nothing_is_stored(engine, tmp_path, files):
    bad = tmp_path / "bad.csv"
    bad.write_text("银行流水\n交易日期,流水号,收入金额,支出金额,对方户名\n"
                   "2026-01-05,A1,100.00,,甲公司\n"
                   "2026-13-45,A2,50.00,,乙公司\n"
                   "2026-01-06,A3,abc,,丙公司\n"
                   "2026-01-07,A4,10.00,5.00,丁公司\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_statements(engine, [files["icbc.xlsx"], bad])
    problems = [(p.file.endswith("bad.csv"), p.row, p.column) for p in caught.value.problems]
    assert problems == [(True, 4, "交易日期"), (True, 5, "收入金额"), (True, 6, "收入金额")]
    assert "借方和贷方同时有金额" in str(caught.value) and "不是金额" in str(caught.value)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(BankTransaction)) == 0


def test_a_file_without_a_statement_header_is_refused(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("name,comment\nfoo,bar\n", encoding="utf-8")
    with pytest.raises(InputError, match="找不到银行流水的表头"):
        parse_statement(path)


def test_unknown_direction_flag_is_an_error(tmp_path):
    path = tmp_path / "flag.csv"
    path.write_text("交易日期,金额,收付标志\n2026-01-05,10.00,?\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"第 2 行，列 金额：无法识别的收付标志"):
        parse_statement(path)


@pytest.mark.parametrize(("text", "value"), [
    ("1,234.50", Decimal("1234.50")), ("¥1234.5元", Decimal("1234.50")), ("(12.00)", Decimal("-12.00")),
    ("-7", Decimal("-7.00")), ("１２３．４", Decimal("123.40")), ("", None), ("-", None), ("RMB 5", Decimal("5.00")),
])
def test_parse_amount(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(("flag", "direction"), [
    ("贷", "in"), ("借", "out"), ("收", "in"), ("付", "out"), ("C", "in"), ("d", "out"), ("来账", "in"),
    ("往账", "out"), ("收入", "in"), ("支出", "out"), ("Ｃ", "in"), ("?", None),
])
def test_parse_direction(flag, direction):
    assert parse_direction(flag) == direction


@pytest.mark.parametrize(("header", "role"), [
    ("交易日期", "date"), ("交易时间", "time"), ("借方发生额", "debit"), ("贷方金额", "credit"), ("收入金额", "credit"),
    ("支出", "debit"), ("金额", "amount"), ("交易金额", "amount"), ("收付标志", "direction"), ("借贷方向", "direction"),
    ("对方户名", "payer_name"), ("对方单位名称", "payer_name"), ("对方账户名称", "payer_name"), ("对方账号", "payer_account"),
    ("摘要", "memo"), ("用途", "memo"), ("交易附言", "memo"), ("流水号", "txn_id"), ("交易流水号", "txn_id"),
    ("余额", "balance"), ("账户余额", "balance"), ("币种", None),
])
def test_header_roles(header, role):
    assert header_role(header) == role


def test_excel_2003_xml_spreadsheet_named_xls(tmp_path):
    rows = [
        '<Row><Cell ss:MergeAcross="3"><Data ss:Type="String">交通银行 对账单</Data></Cell></Row>',
        '<Row ss:Index="3"><Cell><Data ss:Type="String">记账日期</Data></Cell><Cell><Data ss:Type="String">流水号</Data>'
        '</Cell><Cell><Data ss:Type="String">贷方金额</Data></Cell><Cell><Data ss:Type="String">对方户名</Data></Cell></Row>',
        '<Row><Cell><Data ss:Type="String">2026-01-05</Data></Cell><Cell><Data ss:Type="String">00123</Data></Cell>'
        '<Cell><Data ss:Type="Number">1234.5</Data></Cell><Cell><Data ss:Type="String">甲公司</Data></Cell></Row>',
        '<Row><Cell><Data ss:Type="String">2026-13-01</Data></Cell><Cell><Data ss:Type="String">00124</Data></Cell>'
        '<Cell><Data ss:Type="Number">1</Data></Cell></Row>',
    ]
    path = tmp_path / "bocom.xls"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
                    ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="明细"><Table>'
                    + "".join(rows) + "</Table></Worksheet></Workbook>", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse_statement(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "记账日期")]  # Excel row 5, after a gap
    path.write_text(path.read_text(encoding="utf-8").replace("2026-13-01", "2026-01-06"), encoding="utf-8")
    frame = parse_statement(path)
    assert list(frame["txn_id"]) == ["00123", "00124"] and frame["amount"][0] == Decimal("1234.50")
