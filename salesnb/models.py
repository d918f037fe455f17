"""The store: typed SQLAlchemy 2 models for the canonical tables and the engines' tables.

Canonical tables (docs/design.md "the import interface") carry import metadata in
``Column.info``: ``zh`` (the Chinese header), ``aliases`` (other headers
accepted on import), ``enum`` (allowed values), ``ref`` (``table.column`` a
value must exist in) and ``required``.  :mod:`salesnb.schema` reads it.

References between canonical tables are checked by the importer rather than by
foreign-key constraints: the data comes from systems that disagree with each
other, and finding that disagreement is the point of the checks.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import Money, UTCDateTime

ROLES = ("sales", "sales_manager", "sales_director", "finance", "finance_manager", "warehouse", "ops")


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime(),
        Decimal: Money(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        str: String(200),
    }


def field(zh: str, *, aliases: tuple[str, ...] = (), enum: tuple[str, ...] | None = None,
          ref: str | None = None, required: bool = False, **kw: Any) -> Any:
    """A canonical column with its import metadata."""
    info: dict[str, Any] = {"zh": zh, "aliases": aliases, "required": required}
    if enum is not None:
        info["enum"] = enum
    if ref is not None:
        info["ref"] = ref
    kw.setdefault("index", ref is not None)
    type_ = kw.pop("type_", None)
    if type_ is not None:
        return mapped_column(type_, info=info, **kw)
    return mapped_column(info=info, **kw)


class Canonical:
    """Mixin for canonical tables: extra import columns are kept in ``extra``."""

    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, info={"internal": True})


# ---------------------------------------------------------------- canonical tables

class User(Canonical, Base):
    __tablename__ = "users"
    user_id: Mapped[str] = field("员工编号", aliases=("用户编号", "工号", "用户ID"), primary_key=True)
    name: Mapped[str] = field("姓名", aliases=("员工姓名", "名字"), required=True)
    role: Mapped[str] = field("角色", aliases=("岗位", "职位"), enum=ROLES, required=True)
    manager_id: Mapped[str | None] = field("上级编号", aliases=("直属上级", "主管编号", "上级"), ref="users.user_id")
    region: Mapped[str | None] = field("区域", aliases=("大区", "地区"))
    wecom_userid: Mapped[str | None] = field("企业微信账号", aliases=("企业微信ID", "企微账号"))
    mobile: Mapped[str | None] = field("手机号", aliases=("手机", "电话", "手机号码"))
    email: Mapped[str | None] = field("邮箱", aliases=("电子邮箱", "邮件"))
    dingtalk_userid: Mapped[str | None] = field("钉钉账号", aliases=("钉钉ID", "钉钉用户ID"))
    feishu_user_id: Mapped[str | None] = field("飞书账号", aliases=("飞书ID", "飞书用户ID"))
    active: Mapped[bool | None] = field("在职", aliases=("启用", "是否在职", "状态"), default=True)
    # other names people use for this user in sheets (张伟（华东）, Wei Zhang), separated by 、 , ; |
    aliases: Mapped[str | None] = field("别名", aliases=("曾用名", "昵称", "英文名", "其他称呼"), type_=String(400))


class Customer(Canonical, Base):
    __tablename__ = "customers"
    customer_id: Mapped[str] = field("客户编号", aliases=("客户ID", "客户代码"), primary_key=True)
    name: Mapped[str] = field("客户名称", aliases=("客户", "公司名称", "客户全称"), required=True)
    region: Mapped[str | None] = field("区域", aliases=("大区", "地区"))
    industry: Mapped[str | None] = field("行业", aliases=("所属行业",))
    owner_id: Mapped[str | None] = field("负责人编号", aliases=("销售编号", "负责人", "客户经理"), ref="users.user_id")
    created_at: Mapped[datetime | None] = field("创建时间", aliases=("建档时间", "录入时间"))
    # the customer's contacts' ids on WeCom / DingTalk / Feishu (external_userid, conversation or chat id),
    # separated by 、 , ; | — inbound message events map a contact to its customer through them
    contact_ids: Mapped[str | None] = field("联系人账号", aliases=("外部联系人ID", "客户联系人ID", "会话ID"),
                                            type_=String(1000))


class CustomerSearchKey(Base):
    """A customer's name as the search box matches it (kept by :func:`salesnb.customers.index_customer_names`).

    ``name`` is the name the keys were made from: a renamed customer is found by comparing it with the
    customer's name, in SQL.
    """

    __tablename__ = "customer_search_keys"
    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    folded: Mapped[str] = mapped_column(String(200))
    folded_id: Mapped[str] = mapped_column(String(200))
    pinyin: Mapped[str] = mapped_column(String(1600))
    initials: Mapped[str] = mapped_column(String(200))


class Lead(Canonical, Base):
    __tablename__ = "leads"
    lead_id: Mapped[str] = field("线索编号", aliases=("线索ID", "商机编号"), primary_key=True)
    customer_id: Mapped[str] = field("客户编号", aliases=("客户ID", "客户代码"), ref="customers.customer_id", required=True)
    owner_id: Mapped[str] = field("负责人编号", aliases=("销售编号", "负责人", "跟进人"), ref="users.user_id", required=True)
    region: Mapped[str | None] = field("区域", aliases=("大区", "地区"))
    source: Mapped[str | None] = field("来源", aliases=("线索来源", "渠道"))
    inquiry_type: Mapped[str | None] = field("询盘类型", aliases=("咨询类型", "需求类型"), enum=("technical", "tender"))
    created_at: Mapped[datetime] = field("创建时间", aliases=("录入时间", "获取时间"), required=True, index=True)
    first_response_at: Mapped[datetime | None] = field("首次响应时间", aliases=("首次跟进时间", "首响时间"))
    budget_provided: Mapped[bool | None] = field("是否提供预算", aliases=("提供预算", "有预算"))
    delivery_date_specified: Mapped[bool | None] = field("是否明确交期", aliases=("明确交期", "交期明确", "有交期"))
    purchase_freq_per_month: Mapped[float | None] = field("近3月采购频次", aliases=("采购频次", "月采购频次", "近三个月采购频次"))
    status: Mapped[str] = field("状态", aliases=("线索状态",), enum=("open", "converted", "lost"), default="open")
    converted_at: Mapped[datetime | None] = field("转化时间", aliases=("成交时间",))
    grade: Mapped[str | None] = mapped_column(String(8), info={"internal": True})
    graded_at: Mapped[datetime | None] = mapped_column(info={"internal": True})
    # "scorecard:version" that last looked at this lead's answers (graded or found incomplete); an import or
    # sync that changes the row clears it (reset_on_change), so the daily grading reads only those leads (by index)
    grade_basis: Mapped[str | None] = mapped_column(String(120), index=True,
                                                    info={"internal": True, "reset_on_change": True})

    # the leads nobody has answered, by age (lead_response_overdue): the plain created_at index matches them all
    __table_args__ = (Index("ix_leads_unanswered", "created_at", sqlite_where=text("first_response_at IS NULL"),
                            postgresql_where=text("first_response_at IS NULL")),)


class Quote(Canonical, Base):
    __tablename__ = "quotes"
    quote_id: Mapped[str] = field("报价单号", aliases=("报价编号", "报价ID"), primary_key=True)
    lead_id: Mapped[str | None] = field("线索编号", aliases=("线索ID", "商机编号"), ref="leads.lead_id")
    customer_id: Mapped[str] = field("客户编号", aliases=("客户ID", "客户代码"), ref="customers.customer_id", required=True)
    owner_id: Mapped[str] = field("负责人编号", aliases=("销售编号", "负责人"), ref="users.user_id", required=True)
    amount: Mapped[Decimal] = field("报价金额", aliases=("金额", "总金额"), required=True)
    quoted_at: Mapped[datetime | None] = field("报价时间", aliases=("报价日期",))
    status: Mapped[str] = field("状态", aliases=("报价状态",), enum=("draft", "quoted", "accepted", "lost"), default="quoted", index=True)
    accepted_at: Mapped[datetime | None] = field("接受时间", aliases=("客户确认时间", "中标时间"))


class Contract(Canonical, Base):
    __tablename__ = "contracts"
    contract_id: Mapped[str] = field("合同编号", aliases=("合同号", "合同ID"), primary_key=True)
    quote_id: Mapped[str | None] = field("报价单号", aliases=("报价编号",), ref="quotes.quote_id")
    customer_id: Mapped[str] = field("客户编号", aliases=("客户ID", "客户代码"), ref="customers.customer_id", required=True)
    owner_id: Mapped[str] = field("负责人编号", aliases=("销售编号", "负责人"), ref="users.user_id", required=True)
    amount: Mapped[Decimal] = field("合同金额", aliases=("金额", "总金额"), required=True)
    product_line: Mapped[str | None] = field("产品线", aliases=("产品系列", "产品"))
    quantity: Mapped[int | None] = field("数量", aliases=("订货数量", "台数"))
    dest_region: Mapped[str | None] = field("目的地区域", aliases=("交货区域", "目的地", "收货区域"))
    submitted_at: Mapped[datetime | None] = field("提交审批时间", aliases=("提交时间", "送审时间"))
    promised_delivery_days: Mapped[int | None] = field("承诺交期天数", aliases=("承诺交期", "交期天数"))
    payment_terms_days: Mapped[int | None] = field("账期天数", aliases=("账期", "付款期限天数"))
    status: Mapped[str] = field("状态", aliases=("合同状态", "审批状态"),
                                enum=("pending_approval", "approved", "frozen", "rejected", "cancelled"),
                                default="pending_approval", index=True)
    approved_at: Mapped[datetime | None] = field("审批通过时间", aliases=("审批时间",))
    frozen_reason: Mapped[dict[str, Any] | None] = mapped_column(JSON, info={"internal": True})
    # a manager's contracts waiting for approval: per owner in the team, only the waiting ones
    __table_args__ = (Index("ix_contracts_owner_status", "owner_id", "status", "submitted_at"),)


class Order(Canonical, Base):
    __tablename__ = "orders"
    order_id: Mapped[str] = field("订单编号", aliases=("订单号", "ERP订单号"), primary_key=True)
    contract_id: Mapped[str | None] = field("合同编号", aliases=("合同号",), ref="contracts.contract_id")
    quote_id: Mapped[str | None] = field("报价单号", aliases=("报价编号",), ref="quotes.quote_id")
    created_at: Mapped[datetime] = field("下单时间", aliases=("创建时间", "订单日期"), required=True)
    status: Mapped[str] = field("状态", aliases=("订单状态",), enum=("open", "shipped", "delivered", "cancelled"), default="open", index=True)
    shipped_at: Mapped[datetime | None] = field("发货时间", aliases=("出库时间",))


class Shipment(Canonical, Base):
    __tablename__ = "shipments"
    shipment_id: Mapped[str] = field("发运单号", aliases=("运单编号", "发货单号"), primary_key=True)
    order_id: Mapped[str] = field("订单编号", aliases=("订单号",), ref="orders.order_id", required=True)
    carrier: Mapped[str | None] = field("承运商", aliases=("物流公司", "快递公司"))
    tracking_no: Mapped[str | None] = field("物流单号", aliases=("快递单号", "运单号"))
    shipped_at: Mapped[datetime | None] = field("发货时间", aliases=("揽收时间",))
    delivered_at: Mapped[datetime | None] = field("签收时间", aliases=("送达时间",))


class Invoice(Canonical, Base):
    __tablename__ = "invoices"
    invoice_id: Mapped[str] = field("发票号", aliases=("发票编号", "发票号码"), primary_key=True)
    contract_id: Mapped[str | None] = field("合同编号", aliases=("合同号",), ref="contracts.contract_id")
    order_id: Mapped[str | None] = field("订单编号", aliases=("订单号",), ref="orders.order_id")
    amount: Mapped[Decimal] = field("发票金额", aliases=("金额", "价税合计"), required=True)
    requested_at: Mapped[datetime | None] = field("申请时间", aliases=("开票申请时间",))
    confirmed_at: Mapped[datetime | None] = field("确认时间", aliases=("财务确认时间",))
    issued_at: Mapped[datetime | None] = field("开票时间", aliases=("开票日期",))
    status: Mapped[str] = field("状态", aliases=("发票状态",),
                                enum=("requested", "issued", "partially_paid", "paid", "cancelled"), default="requested", index=True)
    paid_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"), info={"internal": True})
    paid_at: Mapped[datetime | None] = mapped_column(info={"internal": True})


class PaymentClaim(Canonical, Base):
    __tablename__ = "payment_claims"
    claim_id: Mapped[str] = field("回款申请编号", aliases=("认领编号", "申请编号"), primary_key=True)
    invoice_id: Mapped[str] = field("发票号", aliases=("发票编号",), ref="invoices.invoice_id", required=True)
    owner_id: Mapped[str] = field("申请人编号", aliases=("负责人编号", "销售编号"), ref="users.user_id", required=True)
    amount: Mapped[Decimal] = field("申请金额", aliases=("金额", "回款金额"), required=True)
    submitted_at: Mapped[datetime] = field("提交时间", aliases=("申请时间",), required=True)
    reviewed_at: Mapped[datetime | None] = field("审核时间", aliases=("财务审核时间",))
    status: Mapped[str] = field("状态", aliases=("审核状态",), enum=("finance_review", "confirmed", "rejected"), default="finance_review", index=True)
    # The claim lists show the newest first, a page at a time: read in this order, not sorted whole.
    __table_args__ = (Index("ix_payment_claims_submitted", "submitted_at", "claim_id"),
                      Index("ix_payment_claims_status_submitted", "status", "submitted_at", "claim_id"))


class BankTransaction(Canonical, Base):
    __tablename__ = "bank_transactions"
    txn_id: Mapped[str] = field("流水号", aliases=("交易流水号", "交易编号", "凭证号"), primary_key=True)
    booked_at: Mapped[datetime] = field("交易时间", aliases=("交易日期", "记账日期", "入账时间"), required=True)
    amount: Mapped[Decimal] = field("金额", aliases=("交易金额", "发生额"), required=True)
    # reconciliation reads the history of a day's payers by account and by name
    payer_name: Mapped[str | None] = field("对方户名", aliases=("对方单位名称", "付款人", "对方名称", "对方账户名称"),
                                           index=True)
    payer_account: Mapped[str | None] = field("对方账号", aliases=("对方账户", "付款账号"), index=True)
    memo: Mapped[str | None] = field("摘要", aliases=("用途", "附言", "备注", "交易附言"), type_=Text)
    direction: Mapped[str] = field("收付方向", aliases=("收付标志", "借贷标志"), enum=("in", "out"), default="in")
    # when an automatic reconciliation first read the line and placed it nowhere (a corrected import clears it)
    unplaced_read_at: Mapped[datetime | None] = mapped_column(info={"internal": True, "reset_on_change": True})
    # the payer name as the payer history folds it ('' for none or a person), written by the first reconciliation
    # that reads the line: the history of a day's payers is then an index lookup, not a fold of every name
    payer_key: Mapped[str | None] = mapped_column(Text, index=True, info={"internal": True, "reset_on_change": True})


class Task(Canonical, Base):
    __tablename__ = "tasks"
    task_id: Mapped[str] = field("任务编号", aliases=("待办编号", "任务ID"), primary_key=True)
    node: Mapped[str] = field("流程节点", aliases=("节点",), required=True, index=True)
    entity_type: Mapped[str] = field("对象类型", aliases=("业务类型",), required=True)
    entity_id: Mapped[str] = field("对象编号", aliases=("业务编号",), required=True)
    owner_id: Mapped[str | None] = field("负责人编号", aliases=("处理人编号", "负责人"), ref="users.user_id")
    created_at: Mapped[datetime] = field("创建时间", aliases=("开始时间",), required=True)
    done_at: Mapped[datetime | None] = field("完成时间", aliases=("处理时间",))
    title: Mapped[str | None] = mapped_column(String(400), info={"internal": True})
    kind: Mapped[str] = mapped_column(String(20), default="workflow", info={"internal": True})
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, info={"internal": True})
    # the escalation scan reads open tasks of one node created before a threshold
    __table_args__ = (Index("ix_tasks_node_created", "node", "created_at"),
                      # a person's open to-dos, oldest first (My work), read in index order
                      Index("ix_tasks_owner_open", "owner_id", "done_at", "created_at", "task_id"),
                      # everybody's open to-dos, oldest first (a director's team page), read in index order
                      Index("ix_tasks_open_created", "done_at", "created_at", "task_id"))


class Interaction(Canonical, Base):
    __tablename__ = "interactions"
    interaction_id: Mapped[str] = field("记录编号", aliases=("沟通记录编号", "交互编号"), primary_key=True)
    customer_id: Mapped[str] = field("客户编号", aliases=("客户ID",), ref="customers.customer_id", required=True)
    at: Mapped[datetime] = field("时间", aliases=("沟通时间", "日期"), required=True)
    channel: Mapped[str | None] = field("渠道", aliases=("沟通方式",))
    question: Mapped[str | None] = field("问题", aliases=("技术问题", "咨询内容"), type_=Text)
    materials: Mapped[str | None] = field("已发资料", aliases=("资料", "发送资料"), type_=Text)
    engineer: Mapped[str | None] = field("对接工程师", aliases=("工程师", "技术支持"))


class ProductionSlot(Canonical, Base):
    __tablename__ = "production_slots"
    product_line: Mapped[str] = field("产品线", aliases=("产品系列", "产品"), primary_key=True)
    date: Mapped[date] = field("日期", aliases=("排产日期", "生产日期"), primary_key=True)
    free_capacity: Mapped[int] = field("剩余产能", aliases=("可用产能", "空余产能"), required=True)


class Lane(Canonical, Base):
    __tablename__ = "lanes"
    carrier: Mapped[str] = field("承运商", aliases=("物流公司",), primary_key=True)
    dest_region: Mapped[str] = field("目的地区域", aliases=("目的地", "到达区域"), primary_key=True)
    transit_days: Mapped[int] = field("在途天数", aliases=("运输天数", "时效天数"), required=True)
    daily_capacity: Mapped[int | None] = field("日运力", aliases=("每日运力",))


class Holiday(Canonical, Base):
    """A team's own holiday or adjusted workday (调休), used ahead of chinese_calendar's table."""

    __tablename__ = "holidays"
    day: Mapped[date] = field("日期", aliases=("放假日期", "调休日期"), primary_key=True)
    kind: Mapped[str] = field("类型", aliases=("安排", "放假/上班", "休/班"), enum=("holiday", "workday"), required=True)
    name: Mapped[str | None] = field("名称", aliases=("节日", "节日名称", "节假日名称", "说明"))


CANONICAL_MODELS: tuple[type[Base], ...] = (
    User, Customer, Lead, Quote, Contract, Order, Shipment, Invoice, PaymentClaim,
    BankTransaction, Task, Interaction, ProductionSlot, Lane, Holiday,
)

# ---------------------------------------------------------------- engine tables


class AuditLog(Base):
    """Who changed what, when: every state change the engines or apps make."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)


class ImportLog(Base):
    """One row per imported file: what it held and what changed."""

    __tablename__ = "import_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    table_name: Mapped[str] = mapped_column(String(50))
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)


class HeaderMapping(Base):
    """A header a person mapped to a canonical column (or to nothing), remembered for the next file.

    ``header`` is the folded header text (:func:`salesnb.schema.normalise_header`);
    ``column_name`` ``""`` means "not used, on purpose".  ``source_system`` ``""``
    applies to files from any system.
    """

    __tablename__ = "header_mappings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_system: Mapped[str] = mapped_column(String(100), default="")
    table_name: Mapped[str] = mapped_column(String(50))
    header: Mapped[str] = mapped_column(String(400))
    header_text: Mapped[str] = mapped_column(String(400))
    column_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    __table_args__ = (UniqueConstraint("source_system", "table_name", "header", name="uq_header_mappings"),)


class CheckRun(Base):
    """One run of the check suite as of a time."""

    __tablename__ = "check_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[datetime]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Finding(Base):
    """A breakpoint a check found on one entity, from first seen until resolved."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    check_name: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[str | None] = mapped_column(String(200), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20), default="warning")
    level: Mapped[int | None] = mapped_column(Integer)
    bucket: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime | None]  # when the breakpoint's clock started (the record time the check measures from)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    run_id: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        # level and bucket too: a run counts its open findings by them from the index alone
        Index("ix_findings_open", "check_name", "resolved_at", "entity_id", "level", "bucket"),
        Index("ix_findings_entity", "entity_type", "entity_id"),
    )


class OpenFindingCount(Base):
    """How many findings are open per check, severity, owner and region — kept by database triggers on
    ``findings`` (migration 0015), so an app counts a million open findings by reading a few hundred rows.

    A missing owner or region is stored as ``''`` (a key column cannot be NULL).
    """

    __tablename__ = "open_finding_counts"
    check_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    severity: Mapped[str] = mapped_column(String(20), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    region: Mapped[str] = mapped_column(String(100), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class KpiSnapshot(Base):
    """The KPI counts a daily run took (:mod:`salesnb.kpi.snapshots`): the dashboard shows them at once
    instead of counting a whole company's rows on every page load."""

    __tablename__ = "kpi_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[datetime] = mapped_column(index=True)
    taken_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class Baseline(Base):
    """The state of the breakpoints when salesnb started watching (or was re-baselined).

    The run that takes it records every finding; breakpoints that started
    before ``quiet_before`` go into the managers' backlog summaries instead of
    alerts.  The repair rate (流程断点修复率) is measured against the findings
    open right after ``taken_at``.
    """

    __tablename__ = "baselines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    taken_at: Mapped[datetime] = mapped_column(index=True)
    quiet_before: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100), default="system")
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Rule(Base):
    """A stored, versioned rule: a custom check, a filter or a grading rule set."""

    __tablename__ = "rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="check")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    __table_args__ = (UniqueConstraint("name", "version", name="uq_rules_name_version"),)


class Scorecard(Base):
    """A versioned scorecard definition: fields, required ones, grading rules."""

    __tablename__ = "scorecards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    __table_args__ = (UniqueConstraint("name", "version", name="uq_scorecards_name_version"),)


class LeadScore(Base):
    """One grading of a lead with one scorecard version (history kept)."""

    __tablename__ = "lead_scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(String(200), index=True)
    scorecard_name: Mapped[str] = mapped_column(String(100))
    scorecard_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    grade: Mapped[str] = mapped_column(String(8))
    graded_at: Mapped[datetime]
    graded_by: Mapped[str] = mapped_column(String(100), default="system")


class PriorityPoolEntry(Base):
    """A lead in a priority pool (新品优先体验池), with who put it there and when."""

    __tablename__ = "priority_pool"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pool: Mapped[str] = mapped_column(String(100), default="新品优先体验池")
    lead_id: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("pool", "lead_id", name="uq_priority_pool_lead"),)


class OutboxMessage(Base):
    """A notification to deliver, written in the transaction of the event that causes it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedup_key: Mapped[str] = mapped_column(String(400), unique=True)
    channel: Mapped[str] = mapped_column(String(100))
    recipients: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cc: Mapped[list[Any]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    event_type: Mapped[str | None] = mapped_column(String(100))
    entity_type: Mapped[str | None] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # a channel's due rows in delivery order: claims and routing read the first few, never sort them all
        Index("ix_outbox_channel_due", "channel", "status", "next_attempt_at", "id"),
    )


class SlaPolicy(Base):
    """The SLA policy and escalation ladder of one workflow node (JSON definition)."""

    __tablename__ = "sla_policies"
    node: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100), default="system")


class EscalationLog(Base):
    """One fired escalation level of one task: who was told, when, and when it was done."""

    __tablename__ = "escalation_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(200))
    node: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    repeat_no: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]
    fired_at: Mapped[datetime]
    notified: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cc: Mapped[list[Any]] = mapped_column(JSON, default=list)
    todo_task_id: Mapped[str | None] = mapped_column(String(200))
    task_done_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("task_id", "level", "repeat_no", name="uq_escalation_once"),)


class EscalationRecipient(Base):
    """A person one fired rung told (``role`` "notified") or copied ("cc"), once a rung (told wins), with the
    rung's time: the rungs a person was told of, latest first, are an index read (My work), not a search
    of every rung's recipient lists."""

    __tablename__ = "escalation_recipients"
    log_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # escalation_log.id
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    fired_at: Mapped[datetime]
    __table_args__ = (Index("ix_escalation_recipients_user_fired", "user_id", "fired_at", "log_id"),)


class TaskNote(Base):
    """A note on a to-do (跟进备注): who wrote what, when; shown with the to-do (:func:`salesnb.tasks.add_task_note`)."""

    __tablename__ = "task_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    author_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_task_notes_task_at", "task_id", "at"),)


class Attachment(Base):
    """A file stored with an entity (e.g. the 交付保障书 of a contract)."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(400))
    mime: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    __table_args__ = (Index("ix_attachments_entity", "entity_type", "entity_id"),)


class ContractSubmission(Base):
    """One submission of a contract to the feasibility check, with its verdict."""

    __tablename__ = "contract_submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(String(200), index=True)
    owner_id: Mapped[str] = mapped_column(String(200), index=True)
    submitted_at: Mapped[datetime]
    feasible: Mapped[bool] = mapped_column(Boolean)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class BankMatch(Base):
    """A bank line matched (or proposed) to an invoice, with the rule and confidence."""

    __tablename__ = "bank_matches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    txn_id: Mapped[str] = mapped_column(String(200), index=True)
    invoice_id: Mapped[str] = mapped_column(String(200), index=True)
    amount: Mapped[Decimal]
    rule: Mapped[str] = mapped_column(String(50))
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))  # applied, candidate, rejected, unmatched
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    __table_args__ = (Index("ix_bank_matches_status", "status", "txn_id"),
                      # the reconciliation app's page of applied matches, newest decision first
                      Index("ix_bank_matches_status_decided", "status", "decided_at"))


class UserCredential(Base):
    """A user's local password (an Argon2 hash; the password itself is never stored)."""

    __tablename__ = "user_credentials"
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(500))
    set_at: Mapped[datetime]


class WebSession(Base):
    """A signed-in browser: the SHA-256 of its cookie token, whose it is, until when."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), index=True)
    provider: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    client: Mapped[str | None] = mapped_column(String(500))


class SignInThrottle(Base):
    """Wrong passwords per login name (whether or not such a user exists): slow-down and lock-out."""

    __tablename__ = "sign_in_throttle"
    login: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]


class CapacityReservation(Base):
    """Production capacity an approved contract holds: ``quantity`` of ``product_line`` on ``day``.

    Every feasibility check reads free capacity minus the reservations of other contracts, so two
    contracts cannot both take the last free slot; rejecting or cancelling releases (``released_at``).
    """

    __tablename__ = "capacity_reservations"
    contract_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    product_line: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    reserved_at: Mapped[datetime]
    reserved_by: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_capacity_reservations_line_day", "product_line", "day"),)


class InboundEvent(Base):
    """An inbound event accepted once per (source, event id): a redelivery or a replay changes nothing."""

    __tablename__ = "inbound_events"
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class EventDelivery(Base):
    """One delivery to an event endpoint, accepted or refused: when, the outcome and why (a message key).

    Never the body or a secret; the latest ones per endpoint are kept (:mod:`salesnb.events.deliveries`).
    """

    __tablename__ = "event_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))  # accepted, duplicate, checked (a URL check), refused
    http_status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(100))  # the message key of a refusal or a duplicate
    event_id: Mapped[str | None] = mapped_column(String(200))
    event_type: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # counts we wrote (a refused event's problems)
    __table_args__ = (Index("ix_event_deliveries_source_id", "source", "id"),)


class TemplateRun(Base):
    """One papermill run of a template notebook."""

    __tablename__ = "template_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    template: Mapped[str] = mapped_column(String(400))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    output_path: Mapped[str | None] = mapped_column(String(1000))
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    scheduled_for: Mapped[datetime | None]
    job: Mapped[str | None] = mapped_column(String(100))
    __table_args__ = (UniqueConstraint("job", "scheduled_for", name="uq_template_runs_slot"),)


class SyncState(Base):
    """One stream of one sync source: its cursor and what its last run did (:mod:`salesnb.sync.state`).

    The cursor advances only in the transaction that commits the stream's rows.
    """

    __tablename__ = "sync_state"
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    stream: Mapped[str] = mapped_column(String(200), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(50))
    cursor: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    vanished: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="never")
    last_error: Mapped[str | None] = mapped_column(Text)
