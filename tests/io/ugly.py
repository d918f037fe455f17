"""Ugly input files as real exports look, generated in the tests (openpyxl, xlwt, encode())."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def orders_xlsx_with_banners(path: Path, rows: list[list[object]]) -> Path:
    """Two banner rows, then a header over rows 3-4 with merged cells, data from row 5.

    Row 3: 订单编号 (A3:A4 merged), 合同编号 (B3:B4), 时间 (C3:D3 merged), 状态 (E3:E4), 备注 (F3:F4)
    Row 4: -, -, 下单时间, 发货时间, -, -
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "订单"
    ws["A1"] = "华东事业部 ERP 订单导出"
    ws.merge_cells("A1:F1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "导出时间：2026-11-27 08:00    操作人：张三"
    ws.merge_cells("A2:F2")
    for col, text in zip("ABCDEF", ["订单编号", "合同编号", "时间", None, "状态", "备注"]):
        if text:
            ws[f"{col}3"] = text
    for col in "ABEF":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("C3:D3")
    ws["C4"] = "下单时间"
    ws["D4"] = "发货时间"
    for cell in ws[3]:
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


BANK_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<style>td {{ mso-number-format:'\\@'; }}</style></head><body>
<table border="1">
<tr><td colspan="8">中国XX银行 对公账户交易明细</td></tr>
<tr><td colspan="8">账号：6222 0210 0112 3456 789&nbsp;&nbsp;户名：上海某某科技有限公司</td></tr>
<tr><td colspan="8"></td></tr>
<tr><th rowspan="2">交易日期</th><th rowspan="2">交易时间</th><th colspan="2">发生额</th><th rowspan="2">对方户名</th><th rowspan="2">对方账号</th><th rowspan="2">摘要</th><th rowspan="2">流水号</th></tr>
<tr><th>借方发生额</th><th>贷方发生额</th></tr>
{rows}
<tr><td>合计</td><td></td><td>1,000.00</td><td>{total}</td><td></td><td></td><td></td><td></td></tr>
</table></body></html>
"""


def bank_html_xls(path: Path, lines: list[tuple[str, ...]]) -> Path:
    """A bank statement saved as ``.xls`` that is really GBK HTML (banner rows, two-row header, 合计 footer)."""
    rows = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in line) + "</tr>" for line in lines)
    html = BANK_HTML.format(rows=rows, total="0.00")
    path.write_bytes(html.encode("gbk"))
    return path


def real_xls(path: Path, header: list[str], rows: list[list[object]], banner: str | None = None) -> Path:
    """A real BIFF8 .xls written with xlwt."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    offset = 0
    if banner:
        sheet.write_merge(0, 0, 0, len(header) - 1, banner)
        offset = 1
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for c, text in enumerate(header):
        sheet.write(offset, c, text)
    for r, row in enumerate(rows, start=offset + 1):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


XML_SPREADSHEET = """<?xml version="1.0" encoding="{encoding}"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="说明"><Table><Row><Cell><Data ss:Type="String">本文件由网银导出</Data></Cell></Row></Table></Worksheet>
 <Worksheet ss:Name="交易明细">
  <Table>
   <Row><Cell ss:MergeAcross="5"><Data ss:Type="String">XX银行 账户交易明细</Data></Cell></Row>
   <Row ss:Index="3"><Cell ss:MergeDown="1"><Data ss:Type="String">交易流水号</Data></Cell><Cell ss:MergeDown="1"><Data ss:Type="String">交易时间</Data></Cell>
    <Cell ss:MergeAcross="1"><Data ss:Type="String">发生额</Data></Cell><Cell ss:MergeDown="1"><Data ss:Type="String">对方户名</Data></Cell>
    <Cell ss:MergeDown="1"><Data ss:Type="String">对方账号</Data></Cell></Row>
   <Row><Cell ss:Index="3"><Data ss:Type="String">借方金额</Data></Cell><Cell><Data ss:Type="String">贷方金额</Data></Cell></Row>
{rows}
  </Table>
 </Worksheet>
</Workbook>
"""


def xml_spreadsheet_xls(path: Path, lines: list[tuple[str, str, str, str, str, str]], encoding: str = "gb2312") -> Path:
    """An Excel 2003 XML Spreadsheet saved as ``.xls``: a notes sheet first, banner, merged two-row header."""
    def cell(value: str, numeric: bool = False) -> str:
        if value == "":
            return "<Cell/>"
        kind = "Number" if numeric else "String"
        return f'<Cell><Data ss:Type="{kind}">{value}</Data></Cell>'

    rows = "\n".join(
        "   <Row>" + cell(t) + cell(at) + cell(debit, True) + cell(credit, True) + cell(name) + cell(account) + "</Row>"
        for t, at, debit, credit, name, account in lines
    )
    path.write_bytes(XML_SPREADSHEET.format(rows=rows, encoding=encoding).encode("gb18030" if encoding.startswith("gb") else encoding))
    return path
