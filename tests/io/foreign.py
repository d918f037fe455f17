"""Exports as other systems write them: the canonical test data under headers nobody here wrote.

Each table's columns get the headers a Chinese CRM / ERP / finance system
would use — units and notes in brackets, 编号 / 号 / ID / 代码 / 编码, 日期 for
时间, qualifiers (所属区域, 客户接受时间), synonyms (业务员, 交付区域, 开票金额,
认领人, 单据类型) — every example of the "real exports" issue among them.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from .helpers import CANONICAL, write_csv

FOREIGN: dict[str, dict[str, str]] = {
    "users": {"user_id": "工号", "name": "姓名", "role": "岗位", "manager_id": "上级工号", "region": "所属区域",
              "mobile": "手机号码"},
    "customers": {"customer_id": "客户编码", "name": "客户全称", "region": "所属区域", "industry": "行业",
                  "owner_id": "负责人", "created_at": "创建日期"},
    "leads": {"lead_id": "线索ID", "customer_id": "客户编码", "owner_id": "跟进人", "region": "所属区域",
              "source": "线索来源", "inquiry_type": "询盘类型", "created_at": "创建时间", "first_response_at": "首次跟进时间",
              "budget_provided": "是否提供预算", "delivery_date_specified": "是否明确交期",
              "purchase_freq_per_month": "近3个月采购频次（次/月）", "status": "线索状态", "converted_at": "转化时间"},
    "quotes": {"quote_id": "报价单号", "lead_id": "商机编号", "customer_id": "客户编码", "owner_id": "业务员",
               "amount": "报价金额（元）", "quoted_at": "报价日期", "status": "报价状态", "accepted_at": "客户接受时间"},
    "contracts": {"contract_id": "合同号", "quote_id": "报价单编号", "customer_id": "客户编码", "owner_id": "销售",
                  "amount": "合同金额(元)", "product_line": "产品系列", "quantity": "订货数量（台）", "dest_region": "交付区域",
                  "submitted_at": "提交审批时间", "promised_delivery_days": "承诺交期（天）",
                  "payment_terms_days": "账期（天）", "status": "审批状态", "approved_at": "审批时间"},
    "orders": {"order_id": "ERP订单号", "contract_id": "合同编号", "quote_id": "报价单号", "created_at": "下单日期",
               "status": "订单状态", "shipped_at": "出库时间"},
    "shipments": {"shipment_id": "发货单号", "order_id": "订单号", "carrier": "物流公司", "tracking_no": "快递单号",
                  "shipped_at": "发货时间", "delivered_at": "签收时间"},
    "invoices": {"invoice_id": "发票号码", "contract_id": "合同编号", "order_id": "订单编号", "amount": "开票金额",
                 "requested_at": "开票申请时间", "confirmed_at": "财务确认时间", "issued_at": "开票日期", "status": "发票状态"},
    "payment_claims": {"claim_id": "认领单号", "invoice_id": "发票号", "owner_id": "认领人", "amount": "认领金额",
                       "submitted_at": "申请时间", "reviewed_at": "审核时间", "status": "审核状态"},
    "bank_transactions": {"txn_id": "交易流水号", "booked_at": "交易日期", "amount": "交易金额", "payer_name": "对方户名",
                          "payer_account": "对方账号", "memo": "摘要", "direction": "收付标志"},
    "tasks": {"task_id": "待办编号", "node": "流程节点", "entity_type": "单据类型", "entity_id": "单据编号",
              "owner_id": "处理人", "created_at": "开始时间", "done_at": "完成时间"},
    "interactions": {"interaction_id": "沟通记录编号", "customer_id": "客户编码", "at": "沟通时间", "channel": "沟通方式",
                     "question": "咨询内容", "materials": "发送资料", "engineer": "对接工程师"},
    "production_slots": {"product_line": "产品系列", "date": "排产日期", "free_capacity": "可用产能"},
    "lanes": {"carrier": "物流公司", "dest_region": "目的区域", "transit_days": "运输天数", "daily_capacity": "每日运力"},
    "holidays": {"day": "放假日期（含调休）", "kind": "休/班", "name": "节日名称"},
}

XLSX_TABLES = ("contracts", "quotes", "invoices")  # the rest are GBK CSV under a banner row


def write_foreign(folder: Path, tables: list[str] | None = None) -> dict[str, Path]:
    """The canonical test data as another system exports it: xlsx with a banner row, or GBK CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for table in tables or CANONICAL:
        rows = CANONICAL[table]
        names = FOREIGN[table]
        columns = [c for c in rows[0] if c in names]
        header = [names[c] for c in columns]
        body = [[r[c] for c in columns] for r in rows]
        if table in XLSX_TABLES:
            wb = Workbook()
            ws = wb.active
            ws.append([f"{table} 导出 2026-11-27"])
            ws.append(header)
            for row in body:
                ws.append(row)
            out[table] = folder / f"导出_{table}.xlsx"
            wb.save(out[table])
        else:
            out[table] = write_csv(folder / f"导出_{table}.csv", header, body, encoding="gbk",
                                   banner=[[f"系统导出：{table}"]])
    return out
