"""A small, hand-made data set for the widget and browser tests.

Written with the ORM (no import pipeline) so the apps' tests do not depend on
the importer; every row is chosen for a scenario the tests check: a customer
with questions, material and engineers; a customer whose name is an XSS
payload; a feasible and an infeasible contract; findings for two owners and
two regions; a bank line with candidate invoices.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from salesnb.db import session_scope
from salesnb.models import (
    BankTransaction,
    Contract,
    Customer,
    Finding,
    Interaction,
    Invoice,
    Lane,
    Lead,
    Order,
    PaymentClaim,
    ProductionSlot,
    Quote,
    Shipment,
    User,
)
from salesnb.timeutil import local_tz

XSS = "<img src=x onerror=alert(1)>"
XSS_QUESTION = "<script>alert(2)</script>能否提供 <b>CE</b> 认证？"
AS_OF = datetime(2026, 3, 16, 10, 0, tzinfo=local_tz())


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A local time in March 2026."""
    return datetime(2026, 3, day, hour, minute, tzinfo=local_tz())


def seed(engine: Engine) -> None:
    """Write the data set (idempotent only on an empty database)."""
    with session_scope(engine) as s:
        s.add_all([
            User(user_id="D01", name="周总监", role="sales_director", region="华东"),
            User(user_id="M01", name="陈经理", role="sales_manager", manager_id="D01", region="华东"),
            User(user_id="M02", name="刘经理", role="sales_manager", manager_id="D01", region="华南"),
            User(user_id="U01", name="张伟", role="sales", manager_id="M01", region="华东"),
            User(user_id="U02", name="李娜", role="sales", manager_id="M02", region="华南"),
            User(user_id="F01", name="王芳", role="finance", manager_id="D01", region="华东"),
        ])
        s.flush()
        s.add_all([
            Customer(customer_id="C001", name="上海华电设备有限公司", region="华东", industry="电力", owner_id="U01",
                     created_at=at(1)),
            Customer(customer_id="C002", name="广州明珠电子科技", region="华南", industry="电子", owner_id="U02",
                     created_at=at(1)),
            Customer(customer_id="C003", name=XSS, region="华东", industry="<i>化工</i>", owner_id="U01",
                     created_at=at(2)),
            Customer(customer_id="C004", name="北京中科仪器", region="华北", industry="仪器", owner_id="U01",
                     created_at=at(2)),
        ])
        s.add_all([
            Interaction(interaction_id="I001", customer_id="C001", at=at(3, 10), channel="电话",
                        question="变压器温升测试标准是什么？", materials="温升测试报告、产品手册", engineer="赵工"),
            Interaction(interaction_id="I002", customer_id="C001", at=at(5, 14), channel="微信",
                        question="能否支持 10kV 接入？", materials="接线图", engineer="钱工"),
            Interaction(interaction_id="I003", customer_id="C001", at=at(8, 16), channel="拜访",
                        question="交货期最短多少天？", materials="产品手册", engineer="赵工"),
            Interaction(interaction_id="I004", customer_id="C003", at=at(6, 11), channel="<u>邮件</u>",
                        question=XSS_QUESTION, materials="<a href=javascript:alert(3)>资料</a>", engineer=XSS),
        ])
        s.flush()
        s.add_all([
            Lead(lead_id="L001", customer_id="C001", owner_id="U01", region="华东", source="展会",
                 inquiry_type="technical", created_at=at(10, 9)),
            Lead(lead_id="L002", customer_id="C002", owner_id="U02", region="华南", source="官网",
                 inquiry_type="tender", created_at=at(10, 9), first_response_at=at(10, 10),
                 budget_provided=True, delivery_date_specified=True, purchase_freq_per_month=3),
            Lead(lead_id="L003", customer_id="C003", owner_id="U01", region="华东", source=XSS,
                 inquiry_type="technical", created_at=at(11, 9), first_response_at=at(11, 10)),
        ])
        s.add_all([
            Quote(quote_id="Q001", lead_id="L001", customer_id="C001", owner_id="U01", amount=Decimal(120000),
                  quoted_at=at(11), status="accepted", accepted_at=at(12)),
            Quote(quote_id="Q002", lead_id="L002", customer_id="C002", owner_id="U02", amount=Decimal(80000),
                  quoted_at=at(11), status="accepted", accepted_at=at(11, 15)),
            Quote(quote_id="Q003", lead_id="L003", customer_id="C003", owner_id="U01", amount=Decimal(5000),
                  quoted_at=at(12), status="quoted"),
        ])
        s.flush()
        s.add_all([
            # Feasible: slot on day 17 (+1 day from the 16th) and 2 transit days to 华东, 30 promised.
            Contract(contract_id="K001", quote_id="Q001", customer_id="C001", owner_id="U01", amount=Decimal(120000),
                     product_line="变压器", quantity=10, dest_region="华东", promised_delivery_days=30,
                     payment_terms_days=30, status="pending_approval"),
            # Infeasible: 3 days promised, 华南 needs 4 transit days.
            Contract(contract_id="K002", quote_id="Q002", customer_id="C002", owner_id="U02", amount=Decimal(80000),
                     product_line="变压器", quantity=10, dest_region="华南", promised_delivery_days=3,
                     payment_terms_days=30, status="pending_approval"),
            Contract(contract_id="K003", quote_id="Q003", customer_id="C003", owner_id="U01", amount=Decimal(5000),
                     product_line="变压器", quantity=2, dest_region="华东", promised_delivery_days=20,
                     payment_terms_days=30, status="pending_approval"),
        ])
        s.add_all([ProductionSlot(product_line="变压器", date=date(2026, 3, 16) + timedelta(days=d),
                                  free_capacity=50) for d in range(1, 30)])
        s.add_all([
            Lane(carrier="顺丰", dest_region="华东", transit_days=2, daily_capacity=100),
            Lane(carrier="德邦", dest_region="华南", transit_days=4, daily_capacity=100),
        ])
        s.flush()
        s.add_all([
            Order(order_id="O002", contract_id="K002", quote_id="Q002", created_at=at(12), status="shipped",
                  shipped_at=at(13)),
            Order(order_id="O003", contract_id="K003", quote_id="Q003", created_at=at(12), status="open"),
        ])
        s.flush()
        s.add(Shipment(shipment_id="S002", order_id="O002", carrier="德邦", tracking_no="", shipped_at=at(13)))
        s.add_all([
            Invoice(invoice_id="INV001", contract_id="K002", order_id="O002", amount=Decimal(80000),
                    requested_at=at(13), issued_at=at(13), status="issued"),
            Invoice(invoice_id="INV002", contract_id="K003", order_id="O003", amount=Decimal(5000),
                    requested_at=at(13), issued_at=at(13), status="issued"),
            Invoice(invoice_id="INV003", contract_id="K001", amount=Decimal(120000),
                    requested_at=at(13), issued_at=at(14), status="issued"),
            Invoice(invoice_id="INV004", contract_id="K002", amount=Decimal(120000),
                    requested_at=at(14), issued_at=at(14, 12), status="issued"),
        ])
        s.flush()
        s.add(PaymentClaim(claim_id="PC001", invoice_id="INV002", owner_id="U01", amount=Decimal(5000),
                           submitted_at=at(13), status="finance_review"))
        s.add_all([
            BankTransaction(txn_id="B001", booked_at=at(15, 10), amount=Decimal(80000),
                            payer_name="广州明珠电子科技", payer_account="6222000011112222", memo="货款 INV001"),
            BankTransaction(txn_id="B002", booked_at=at(15, 11), amount=Decimal(4990),
                            payer_name=XSS, payer_account="6222000033334444", memo="<b>付款</b>"),
            # No reference, a payer nobody knows: only the amount points at INV003 and INV004 — a person decides.
            BankTransaction(txn_id="B003", booked_at=at(15, 14), amount=Decimal(120000),
                            payer_name="某某贸易有限公司", payer_account="6222000055556666", memo="货款"),
        ])
        s.add_all([
            Finding(check_name="quote_not_ordered", entity_type="quote", entity_id="Q001", owner_id="U01",
                    region="华东", severity="warning", message="报价 Q001 已接受 96 小时，ERP 中没有订单",
                    first_seen=at(14), last_seen=AS_OF),
            Finding(check_name="shipped_without_tracking", entity_type="order", entity_id="O002", owner_id="U02",
                    region="华南", severity="warning", message="订单 O002 已发货 24 小时以上没有物流单号",
                    first_seen=at(14), last_seen=AS_OF),
            Finding(check_name="lead_response_overdue", entity_type="lead", entity_id="L001", owner_id="U01",
                    region="华东", severity="critical", message=f"线索 L001（{XSS}）超过 4 小时未响应",
                    first_seen=at(10, 14), last_seen=AS_OF),
            Finding(check_name="claim_stalled", entity_type="payment_claim", entity_id="PC001", owner_id="U01",
                    region="华东", severity="warning", message="回款申请 PC001 已等待 48 小时",
                    first_seen=at(15, 9), last_seen=AS_OF, resolved_at=AS_OF),
        ])
