"""A hand-made bank statement, split over the ugly formats real Chinese banks export.

``write_statements(folder)`` writes five files whose incoming lines together
exercise every reconciliation pass (see ``EXPECTED``), and ``seed_ledger``
stores the customers, contracts and invoices they pay.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from salesnb.db import session_scope
from salesnb.models import Contract, Customer, Invoice, User

CUSTOMERS = {
    "C1": "上海某某贸易有限公司",
    "C2": "杭州远大机械有限公司",
    "C3": "深圳市华强电子科技有限公司",
    "C4": "北京恒通物流股份有限公司",
    "C5": "苏州新星材料有限公司",
    "C6": "广州天成食品有限公司",
    "C7": "宁波海天精工有限公司",
    "C8": "无锡华光锅炉股份有限公司",
}
INVOICES = {  # invoice → (customer, amount)
    "INV-1001": ("C1", "12000.00"),
    "INV-1002": ("C1", "8500.00"),
    "INV-2001": ("C2", "23456.78"),
    "INV-2002": ("C2", "1000.00"),
    "INV-2003": ("C2", "2500.00"),
    "INV-3001": ("C3", "50000.00"),
    "INV-4001": ("C4", "9999.00"),
    "INV-5001": ("C5", "4200.00"),
    "INV-5002": ("C5", "6000.00"),
    "INV-6001": ("C6", "7777.77"),
    "INV-7001": ("C7", "10000.00"),
    "INV-8001": ("C8", "8765.43"),
}
# txn → (invoice, amount applied, rule) for the lines reconciliation must apply
EXPECTED = {
    ("ICBC0001", "INV-1001"): ("12000.00", "reference"),
    ("ICBC0002", "INV-1002"): ("8500.00", "reference"),
    ("CCB-77001", "INV-2001"): ("23456.78", "amount_name"),
    ("CCB-77002", "INV-2002"): ("1000.00", "split_invoices"),
    ("CCB-77002", "INV-2003"): ("2500.00", "split_invoices"),
    ("BOC900001", "INV-3001"): ("20000.00", "split_payments"),
    ("BOC900002", "INV-3001"): ("30000.00", "split_payments"),
    ("MRG-001", "INV-6001"): ("7777.77", "amount_name"),
    ("MRG-002", "INV-7001"): ("3000.00", "percentage"),
    ("MRG-003", "INV-8001"): ("8765.43", "amount_unique"),
}
FEE_LINE = ("9984.00", "INV-4001", "9999.00")  # the CMB line without a serial: 15.00 fee deducted
REVIEW_PAYERS = ("李四", "苏州新星材料有限公司")  # amount-only and partial: queued for review
UNMATCHED_PAYER = "中国银行股份有限公司结息户"
GB18030_ONLY = "䶮"  # U+4DAE: encodable in GB18030, not in GBK


def seed_ledger(engine) -> None:
    with session_scope(engine) as s:
        s.add(User(user_id="U1", name="李销售", role="sales"))
        s.add(User(user_id="F1", name="财务甲", role="finance"))
        for cid, name in CUSTOMERS.items():
            s.add(Customer(customer_id=cid, name=name, owner_id="U1"))
            s.add(Contract(contract_id=f"HT-2026-00{cid[1]}", customer_id=cid, owner_id="U1", amount=100000,
                           payment_terms_days=30))
        for n, (invoice_id, (cid, amount)) in enumerate(INVOICES.items()):  # issued 2026-01-05 09:00 + n minutes
            s.add(Invoice(invoice_id=invoice_id, contract_id=f"HT-2026-00{cid[1]}", amount=Decimal(amount),
                          status="issued", issued_at=datetime(2026, 1, 5, 9, 0 + n)))


def _icbc_xlsx(path: Path) -> None:
    """借方/贷方 columns, 交易日期 + 交易时间 apart, a merged banner, a footer row."""
    wb = Workbook()
    ws = wb.active
    ws.append(["中国工商银行 账户历史明细"])
    ws.merge_cells("A1:J1")
    ws.append(["账号：", "1001 2345 6789 0000", None, "户名：", "本公司"])
    ws.append(["起始日期：2026-01-01", None, "终止日期：2026-01-31"])
    ws.append([])
    ws.append(["交易日期", "交易时间", "流水号", "借方发生额（支取）", "贷方发生额（收入）", "余额", "对方户名",
               "对方账号", "摘要", "用途"])
    ws.append(["2026-01-20", "09:15:02", "ICBC0001", None, "12,000.00", "112,000.00", "张三",
               "6222020200012345678", "转账", "货款 INV-1001"])
    ws.append(["2026-01-21", "10:00:00", "ICBC0002", None, "8500", "120,500.00", "上海某某贸易有限公司",
               "0310012345678", "网银转账", "合同HT2026001尾款"])
    ws.append(["2026-01-21", "11:30:00", "ICBC0003", "500.00", None, "120,000.00", "某某物流", "8888", "运费", None])
    ws.append(["合计", None, None, "500.00", "20,500.00"])
    wb.save(path)


def _ccb_csv(path: Path) -> None:
    """GB18030 text, banner lines, 金额 + 收付标志 (贷/借), the timestamp in one 交易时间 column."""
    text = "\n".join([
        "中国建设银行 活期账户交易明细",
        "账户名称,本公司,,,",
        "交易时间,凭证号,金额,收付标志,对方单位名称,对方账号,交易附言",
        f"2026-01-22 14:03:11,CCB-77001,\"23,456.78\",贷,杭州远大机械,0571000123,货款{GB18030_ONLY}",
        "2026-01-23 08:00:00,CCB-77002,3500.00,贷,杭州远大机械有限公司,0571000123,两张发票",
        "2026-01-23 09:00:00,CCB-77003,1200.00,借,某某电费,95598,电费",
    ]) + "\n"
    path.write_bytes(text.encode("gb18030"))


def _boc_html_xls(path: Path) -> None:
    """HTML saved as .xls (GBK), two-level header with colspan/rowspan."""
    html = """<html><head><meta charset="gbk"></head><body>
<table><tr><td colspan="6">中国银行交易流水</td></tr></table>
<table border="1">
<tr><th rowspan="2">交易日期</th><th rowspan="2">交易流水号</th><th colspan="2">发生额</th>
    <th rowspan="2">对方户名</th><th rowspan="2">摘要</th></tr>
<tr><th>借方</th><th>贷方</th></tr>
<tr><td>2026/01/24</td><td>BOC900001</td><td></td><td>20,000.00</td><td>深圳华强电子科技</td><td>首付款</td></tr>
<tr><td>2026/01/25</td><td>BOC900002</td><td></td><td>30,000.00</td><td>深圳华强电子科技</td><td>余款</td></tr>
<tr><td>合计</td><td></td><td>0.00</td><td>50,000.00</td><td></td><td></td></tr>
</table></body></html>"""
    path.write_bytes(html.encode("gbk"))


def _cmb_tsv_xls(path: Path) -> None:
    """Tab-separated GBK text named .xls: 金额 + D/C flag, compact dates and times, no serial numbers."""
    rows = [
        ["招商银行账户交易查询"],
        ["交易日", "交易时间", "交易金额", "借贷标志", "付款人", "付款账号", "用途"],
        ["20260126", "101500", "9,984.00", "C", "北京恒通物流股份公司", "0101888", "物流款"],
        ["20260126", "111500", "4200.00", "C", "李四", "6214000011112222", "代付"],
        ["20260127", "090000", "2345.00", "C", "苏州新星材料有限公司", "0512777", "部分货款"],
        ["20260128", "090000", "12.34", "C", UNMATCHED_PAYER, "", "利息"],
        ["20260128", "100000", "88.00", "D", "手续费", "", "汇款手续费"],
    ]
    path.write_bytes("\n".join("\t".join(r) for r in rows).encode("gbk"))


def _merged_header_xlsx(path: Path) -> None:
    """A two-level header with merged cells in a real .xlsx (收入/支出 under 金额)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["某农商银行对账单"])
    ws.merge_cells("A1:F1")
    ws.append(["记账日期", "流水号", "金额", None, "对方账户名称", "备注"])
    ws.append([None, None, "支出", "收入", None, None])
    for col in ("A", "B", "E", "F"):
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:D2")
    ws.append([datetime(2026, 1, 29, 15, 0), "MRG-001", None, 7777.77, "天成食品（广州）有限公司", "货款"])
    ws.append([datetime(2026, 1, 30, 9, 0), "MRG-002", None, 3000, "宁波海天精工", "首付款"])
    ws.append([datetime(2026, 1, 30, 10, 0), "MRG-003", None, "8,765.43", "江苏某某供应链管理有限公司", "代付"])
    wb.save(path)


def write_statements(folder: Path) -> list[Path]:
    """Write the five exports; return their paths."""
    makers = {"icbc.xlsx": _icbc_xlsx, "ccb.csv": _ccb_csv, "boc.xls": _boc_html_xls, "cmb.xls": _cmb_tsv_xls,
              "rural.xlsx": _merged_header_xlsx}
    paths = []
    for name, make in makers.items():
        path = folder / name
        make(path)
        paths.append(path)
    return paths
