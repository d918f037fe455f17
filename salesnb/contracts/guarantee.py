"""The delivery guarantee document (交付保障书): a .docx a customer can read, in Chinese.

It is produced for every feasible submission of a contract and stored in the
``attachments`` table against the contract, so that it can be listed and
downloaded (CLI ``salesnb contract attachments`` / ``download``).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import SalesnbError
from ..filenames import safe_file_name
from ..models import Attachment, Contract
from ..timeutil import to_local
from .feasibility import Feasibility

KIND = "delivery_guarantee"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "SimSun"


@dataclass(frozen=True)
class GuaranteeFacts:
    """What the document states; everything comes from the contract and its feasibility check."""

    number: str
    contract_id: str
    customer_name: str
    product_line: str
    quantity: int
    dest_region: str
    feasibility: Feasibility
    issued_at: datetime
    issued_by: str


def _cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _set_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    # Word picks the East Asian font from w:eastAsia, not from w:ascii.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def guarantee_rows(facts: GuaranteeFacts) -> list[tuple[str, str]]:
    """The label/value rows of the document's table (also used by the approval app)."""
    f = facts.feasibility
    return [
        ("合同编号", facts.contract_id),
        ("客户名称", facts.customer_name),
        ("产品线", facts.product_line),
        ("数量", str(facts.quantity)),
        ("交货区域", facts.dest_region),
        ("合同提交日期", _cn_date(f.submitted_date)),
        ("承诺交期", f"{f.promised_days} 天（{_cn_date(f.promised_date)}前交付）"),
        ("排产日期", f"{_cn_date(f.slot_date)}（提交后第 {f.production_days} 天）"),
        ("物流承运商及线路", f"{f.carrier}，发往{facts.dest_region}，在途 {f.transit_days} 天"),
        ("预计交付日期", _cn_date(f.expected_delivery_date)),
    ]


def build_docx(facts: GuaranteeFacts) -> bytes:
    """Render the 交付保障书 as .docx bytes."""
    f = facts.feasibility
    if not f.feasible:
        raise SalesnbError(f"contract {facts.contract_id} is not feasible: no delivery guarantee can be issued")
    document = Document()
    _set_font(document)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("交付保障书")
    run.bold = True
    run.font.size = Pt(20)
    document.add_paragraph(f"编号：{facts.number}")
    document.add_paragraph(f"致：{facts.customer_name}")
    document.add_paragraph(
        f"感谢贵司的信任。就合同 {facts.contract_id} 项下的 {facts.product_line} 共 {facts.quantity} 件，"
        "我司已按当前排产计划与物流运力逐项核实，确认可在承诺交期内完成交付，具体安排如下："
    )
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in guarantee_rows(facts):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    buffer_days = f.promised_days - (f.required_days or 0)
    document.add_paragraph(
        f"预计交付日期较承诺交付日期提前 {buffer_days} 天。"
        "如排产或物流安排发生变化，我司将第一时间通知贵司并提供替代方案。"
    )
    document.add_paragraph(f"签发日期：{_cn_date(to_local(facts.issued_at).date())}")
    document.add_paragraph(f"签发人：{facts.issued_by}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def attach(session: Session, facts: GuaranteeFacts, *, actor: str) -> Attachment:
    """Build the document and store it as an attachment of the contract."""
    content = build_docx(facts)
    attachment = Attachment(
        entity_type="contract", entity_id=facts.contract_id, kind=KIND,
        filename=safe_file_name(f"交付保障书_{facts.number}.docx"), mime=DOCX_MIME, content=content,
        sha256=hashlib.sha256(content).hexdigest(), created_at=facts.issued_at, created_by=actor,
    )
    session.add(attachment)
    session.flush()
    return attachment


def list_attachments(session: Session, contract_id: str) -> list[Attachment]:
    """The contract's attachments, oldest first (content is loaded lazily by the caller)."""
    return list(session.scalars(
        select(Attachment).where(Attachment.entity_type == "contract", Attachment.entity_id == contract_id)
        .order_by(Attachment.id)
    ))


def get_attachment(session: Session, contract_id: str, attachment_id: int | None = None) -> Attachment:
    """One attachment of the contract: ``attachment_id`` or, by default, the latest guarantee."""
    query = select(Attachment).where(Attachment.entity_type == "contract", Attachment.entity_id == contract_id)
    if attachment_id is None:
        query = query.where(Attachment.kind == KIND).order_by(Attachment.id.desc()).limit(1)
    else:
        query = query.where(Attachment.id == attachment_id)
    found = session.scalar(query)
    if found is None:
        what = "no delivery guarantee" if attachment_id is None else f"no attachment {attachment_id}"
        raise SalesnbError(f"contract {contract_id} has {what}")
    return found


def guarantee_number(contract: Contract, submission_id: int) -> str:
    return f"DG-{contract.contract_id}-{submission_id}"
