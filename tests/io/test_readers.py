"""Reading real-world files: encodings, banner rows, merged headers, HTML and text saved as .xls."""

from datetime import datetime
from decimal import Decimal

import pytest

from salesnb.errors import InputError
from salesnb.io import open_source, read_table

from .helpers import CANONICAL, write_csv, write_table_csv
from .ugly import bank_html_xls, orders_xlsx_with_banners, real_xls

BANNER = [["XX银行对账单"], ["账号: 6222021001123456789", "", "币种: 人民币"], []]


def local(*args):
    from salesnb.timeutil import local_tz

    return datetime(*args, tzinfo=local_tz())


def test_gb18030_csv_under_banner_rows(tmp_path):
    path = write_csv(
        tmp_path / "流水.csv", ["流水号", "交易时间", "金额", "对方户名", "对方账号", "摘要"],
        [["202611250001", "2026-11-25 10:12:13", "63,990.25", "上海恒通机电", "6222021001123456789", "货款 I1"],
         ["202611250002", "2026/11/25 11:00", "¥500.00", "成都蓉城电气", "6222021001123456790", "服务费"]],
        encoding="gb18030", banner=BANNER,
    )
    frame = read_table(path)
    assert frame.attrs["table"] == "bank_transactions"
    assert frame.attrs["encoding"] == "gb18030"
    assert frame.attrs["header_row"] == 4
    assert frame["payer_account"].tolist() == ["6222021001123456789", "6222021001123456790"]
    assert frame["amount"].tolist() == [Decimal("63990.25"), Decimal("500.00")]
    assert frame["booked_at"].tolist() == [local(2026, 11, 25, 10, 12, 13), local(2026, 11, 25, 11, 0)]
    assert frame["payer_name"].tolist() == ["上海恒通机电", "成都蓉城电气"]


def test_bom_csv_with_columns_in_any_order_and_extra_columns(tmp_path):
    path = write_csv(
        tmp_path / "customers.csv", ["备注", "客户名称", "创建时间", "客户编号", "大区"],
        [["老客户", "上海恒通", "2026-10-08", "C1", "华东"], ["", "成都蓉城", "2026-10-09 14:00", "C2", "西南"]],
        encoding="utf-8-sig",
    )
    frame = read_table(path)
    assert frame.attrs["encoding"] == "utf-8-sig"
    assert frame.attrs["table"] == "customers"
    assert frame["customer_id"].tolist() == ["C1", "C2"]
    assert frame["region"].tolist() == ["华东", "西南"]
    assert frame["备注"].tolist()[0] == "老客户"


def test_xlsx_with_two_banner_rows_and_a_merged_header(tmp_path):
    path = orders_xlsx_with_banners(tmp_path / "orders.xlsx", [
        ["O1", "K1", datetime(2026, 11, 11, 9, 0), datetime(2026, 11, 15, 17, 45), "已发货", "加急"],
        ["O2", "K1", "2026-11-12 09:00", None, "open", None],
    ])
    source = open_source(path)
    assert source.table == "orders"
    assert source.header.row == 4
    assert source.header.labels()["created_at"] == "下单时间"
    frame = read_table(path)
    assert frame["order_id"].tolist() == ["O1", "O2"]
    assert frame["status"].tolist() == ["shipped", "open"]
    assert frame["created_at"].tolist() == [local(2026, 11, 11, 9, 0), local(2026, 11, 12, 9, 0)]
    assert frame["shipped_at"].iloc[0] == local(2026, 11, 15, 17, 45)
    assert frame["备注"].tolist()[0] == "加急"


def test_errors_in_a_banner_xlsx_name_the_excel_row_and_header(tmp_path):
    path = orders_xlsx_with_banners(tmp_path / "orders.xlsx", [
        ["O1", "K1", "2026-11-11 09:00", None, "open", None],
        ["O2", "K1", "下周一", None, "open", None],
    ])
    with pytest.raises(InputError) as err:
        read_table(path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (6, "下单时间", "下周一")
    assert "orders.xlsx" in str(err.value) and "第 6 行" in str(err.value)


def test_bank_html_saved_as_xls(tmp_path):
    path = bank_html_xls(tmp_path / "对账单.xls", [
        ("2026-11-25", "10:12:13", "", "63,990.25", "上海恒通机电", "6222021001123456789", "货款 I1", "000123456789012345678"),
        ("2026-11-25", "15:00:00", "1,000.00", "", "顺丰速运", "6222021001123450000", "运费", "000123456789012345679"),
    ])
    source = open_source(path)
    assert source.kind == "html" and source.encoding == "gb18030"
    assert source.table == "bank_transactions"
    frame = read_table(path)
    assert frame["txn_id"].tolist() == ["000123456789012345678", "000123456789012345679"]
    assert frame["payer_account"].tolist()[0] == "6222021001123456789"
    assert frame["amount"].tolist() == [Decimal("63990.25"), Decimal("1000.00")]
    assert frame["direction"].tolist() == ["in", "out"]
    assert frame["booked_at"].tolist() == [local(2026, 11, 25, 10, 12, 13), local(2026, 11, 25, 15, 0)]
    assert len(frame) == 2  # the 合计 footer is not a transaction


def test_gbk_tab_text_saved_as_xls(tmp_path):
    path = write_csv(
        tmp_path / "明细.xls", ["交易流水号", "记账日期", "交易金额", "收付标志", "对方单位名称", "用途"],
        [["T9", "20261125", "1200.00", "贷", "重庆某机械", "预付款"], ["T10", "20261126 093000", "-50.00", "借", "中国电信", "话费"]],
        encoding="gbk", banner=[["交易明细查询结果"]], delimiter="\t",
    )
    source = open_source(path)
    assert source.kind == "text" and source.source.delimiter == "\t" and source.encoding == "gb18030"
    frame = read_table(path)
    assert frame["txn_id"].tolist() == ["T9", "T10"]
    assert frame["direction"].tolist() == ["in", "out"]
    assert frame["booked_at"].tolist() == [local(2026, 11, 25), local(2026, 11, 26, 9, 30)]


def test_real_xls_via_calamine(tmp_path):
    path = real_xls(tmp_path / "leads.xls", ["线索编号", "客户编号", "负责人编号", "创建时间", "询盘类型", "是否提供预算", "近3月采购频次"], [
        ["L1", "C1", "U3", datetime(2026, 11, 2, 10, 0), "技术咨询", "是", 2],
        ["L2", "C2", "U3", "2026-11-03 08:00", "招标比价", "否", 0.5],
    ], banner="线索台账")
    frame = read_table(path)
    assert frame.attrs["table"] == "leads" and frame.attrs["header_row"] == 2
    assert frame["inquiry_type"].tolist() == ["technical", "tender"]
    assert frame["budget_provided"].tolist() == [True, False]
    assert frame["purchase_freq_per_month"].tolist() == [2.0, 0.5]
    assert frame["created_at"].tolist() == [local(2026, 11, 2, 10, 0), local(2026, 11, 3, 8, 0)]


@pytest.mark.parametrize("table", list(CANONICAL))
def test_table_is_inferred_from_english_headers(tmp_path, table):
    assert open_source(write_table_csv(tmp_path, table)).table == table


@pytest.mark.parametrize("table", list(CANONICAL))
def test_table_is_inferred_from_chinese_headers(tmp_path, table):
    from salesnb.schema import table_spec

    zh = {c.name: c.zh for c in table_spec(table).columns}
    rows = CANONICAL[table]
    header = [zh[h] for h in rows[0]]
    path = write_csv(tmp_path / "x.csv", header, [list(r.values()) for r in rows])
    assert open_source(path).table == table


def test_blank_rows_count_in_row_numbers(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("order_id,created_at\n\nO1,2026-11-01\n\n\nO2,not a date\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path)
    assert [(p.row, p.column) for p in err.value.problems] == [(6, "created_at")]


def test_a_file_without_a_header_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path)
    assert "notes.csv" in str(err.value)


def test_duplicate_ids_are_reported_by_read_table(tmp_path):
    path = write_csv(tmp_path / "u.csv", ["user_id", "name", "role"], [["U1", "a", "sales"], ["U2", "b", "sales"], ["U1", "c", "sales"]])
    with pytest.raises(InputError) as err:
        read_table(path)
    (problem,) = err.value.problems
    assert problem.row == 4 and "U1" in problem.message and "2" in problem.message


def test_trailing_delimiters_are_tolerated_and_overlong_rows_name_their_row(tmp_path):
    lines = ["user_id,name,role", "U0,甲,sales,,"] + [f"U{i},乙,sales" for i in range(1, 100)]
    lines[90] += ",1,2,3,4,5,6,7,8"
    path = tmp_path / "u.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path)
    (problem,) = err.value.problems
    assert problem.row == 91 and "u.csv" in problem.file
    path.write_text("\n".join(lines[:50]) + "\n", encoding="utf-8")
    assert len(read_table(path)) == 49


def test_a_header_without_data_rows_imports_nothing(tmp_path):
    path = write_csv(tmp_path / "lanes.csv", ["承运商", "目的地区域", "在途天数"], [])
    frame = read_table(path)
    assert frame.attrs["table"] == "lanes" and len(frame) == 0


def test_xlsx_rows_are_numbered_from_the_top_of_the_sheet_even_when_it_starts_lower(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["C4"], ws["D4"], ws["E4"] = "员工编号", "姓名", "角色"
    ws["C5"], ws["D5"], ws["E5"] = "U1", "甲", "销售"
    ws["C6"], ws["D6"], ws["E6"] = 1002, "乙", "厨师"
    wb.save(tmp_path / "u.xlsx")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "u.xlsx")
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (6, "角色", "厨师")


def test_excel_2003_xml_spreadsheet_saved_as_xls(tmp_path):
    from .ugly import xml_spreadsheet_xls

    path = xml_spreadsheet_xls(tmp_path / "明细.xls", [
        ("SN001", "2026-11-25T10:12:13.000", "", "63990.25", "上海恒通机电", "6222021001123456789"),
        ("SN002", "2026-11-25 15:00", "1000", "", "顺丰速运", "6222021001123450000"),
    ])
    source = open_source(path)
    assert source.kind == "xml" and source.table == "bank_transactions" and source.header.row == 4
    frame = read_table(path)
    assert frame["txn_id"].tolist() == ["SN001", "SN002"]
    assert frame["amount"].tolist() == [Decimal("63990.25"), Decimal("1000.00")]
    assert frame["direction"].tolist() == ["in", "out"]
    assert frame["payer_account"].tolist() == ["6222021001123456789", "6222021001123450000"]
    assert frame["booked_at"].tolist() == [local(2026, 11, 25, 10, 12, 13), local(2026, 11, 25, 15, 0)]


@pytest.mark.parametrize("order", ["date first", "time first"])
def test_date_and_time_columns_are_joined_in_either_order(tmp_path, order):
    header = ["流水号", "交易日期", "交易时间", "金额"]
    rows = [["T1", "2026-11-25", "10:12:13", "5.00"], ["T2", "2026/11/26", "2026-11-26 08:00:00", "6.00"]]
    if order == "time first":
        header = [header[0], header[2], header[1], header[3]]
        rows = [[r[0], r[2], r[1], r[3]] for r in rows]
    frame = read_table(write_csv(tmp_path / "b.csv", header, rows))
    assert frame["booked_at"].tolist() == [local(2026, 11, 25, 10, 12, 13), local(2026, 11, 26, 8, 0)]


def test_excel_unicode_text_and_old_mac_line_ends(tmp_path):
    # Excel's "Unicode text" export: UTF-16 with BOM, tab separated
    path = write_csv(tmp_path / "u.txt", ["员工编号", "姓名", "角色"], [["U1", "甲", "销售"], ["U2", "乙", "财务"]],
                     encoding="utf-16", delimiter="\t", banner=[["员工名单"]])
    frame = read_table(path)
    assert frame.attrs["encoding"] == "utf-16" and frame.attrs["header_row"] == 2
    assert frame["role"].tolist() == ["sales", "finance"]
    mac = tmp_path / "mac.csv"
    mac.write_bytes("user_id,name,role\r\rU1,甲,sales\rU2,乙,nobody\r".encode("gb18030"))
    with pytest.raises(InputError) as err:
        read_table(mac)
    assert [(p.row, p.column) for p in err.value.problems] == [(4, "role")]
