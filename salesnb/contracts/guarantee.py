"""The delivery guarantee document (交付保障书): a .docx and a PDF a customer can read, in Chinese.

Both are produced for every feasible submission of a contract, from the same
text, and stored in the ``attachments`` table against the contract (kinds
``delivery_guarantee`` and ``delivery_guarantee_pdf``), so that they can be
listed and downloaded (CLI ``salesnb contract attachments`` / ``download``).
The PDF embeds a CJK font (:mod:`salesnb.contracts.pdf`); where none is
installed only the .docx is attached and a warning is logged.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import ConfigError, ContractError
from ..filenames import safe_file_name
from ..models import Attachment, Contract
from ..timeutil import to_local
from .feasibility import Feasibility
from .pdf import PDF_MIME, Table, find_cjk_font, render_pdf

log = logging.getLogger(__name__)

KIND = "delivery_guarantee"
KIND_PDF = "delivery_guarantee_pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "SimSun"
TITLE = "交付保障书"


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


@dataclass(frozen=True)
class GuaranteeText:
    """The document's text, shared by the .docx and the PDF."""

    before: list[str]  # paragraphs before the table
    rows: list[tuple[str, str]]
    after: list[str]  # paragraphs after it


def guarantee_text(facts: GuaranteeFacts) -> GuaranteeText:
    """What the 交付保障书 says; refuses an infeasible submission."""
    f = facts.feasibility
    if not f.feasible:
        raise ContractError("contract.guarantee.infeasible", contract_id=facts.contract_id)
    buffer_days = f.promised_days - (f.required_days or 0)
    return GuaranteeText(
        before=[f"编号：{facts.number}", f"致：{facts.customer_name}",
                f"感谢贵司的信任。就合同 {facts.contract_id} 项下的 {facts.product_line} 共 {facts.quantity} 件，"
                "我司已按当前排产计划与物流运力逐项核实，确认可在承诺交期内完成交付，具体安排如下："],
        rows=guarantee_rows(facts),
        after=[f"预计交付日期较承诺交付日期提前 {buffer_days} 天。"
               "如排产或物流安排发生变化，我司将第一时间通知贵司并提供替代方案。",
               f"签发日期：{_cn_date(to_local(facts.issued_at).date())}", f"签发人：{facts.issued_by}"],
    )


def build_docx(facts: GuaranteeFacts) -> bytes:
    """Render the 交付保障书 as .docx bytes."""
    text = guarantee_text(facts)
    document = Document()
    _set_font(document)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(20)
    for paragraph in text.before:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in text.rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    for paragraph in text.after:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_pdf(facts: GuaranteeFacts, settings: Settings | None = None) -> bytes:
    """Render the 交付保障书 as PDF bytes (Chinese text in an embedded CJK font)."""
    text = guarantee_text(facts)
    return render_pdf(TITLE, [*text.before, Table(text.rows), *text.after], find_cjk_font(settings),
                      author=facts.issued_by)


def attach(session: Session, facts: GuaranteeFacts, *, actor: str, settings: Settings | None = None) -> Attachment:
    """Build the documents and store them as attachments of the contract; return the .docx one."""
    content = build_docx(facts)
    attachment = _store(session, facts, KIND, f"交付保障书_{facts.number}.docx", DOCX_MIME, content, actor)
    try:
        pdf = build_pdf(facts, settings)
    except ConfigError as exc:
        log.warning("contract %s: delivery guarantee attached as .docx only: %s", facts.contract_id, exc)
    else:
        _store(session, facts, KIND_PDF, f"交付保障书_{facts.number}.pdf", PDF_MIME, pdf, actor)
    session.flush()
    return attachment


def _store(session: Session, facts: GuaranteeFacts, kind: str, filename: str, mime: str, content: bytes,
           actor: str) -> Attachment:
    attachment = Attachment(
        entity_type="contract", entity_id=facts.contract_id, kind=kind, filename=safe_file_name(filename), mime=mime,
        content=content, sha256=hashlib.sha256(content).hexdigest(), created_at=facts.issued_at, created_by=actor,
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


def get_attachment(session: Session, contract_id: str, attachment_id: int | None = None,
                   kind: str = KIND) -> Attachment:
    """One attachment of the contract: ``attachment_id`` or, by default, the latest guarantee of ``kind``
    (the .docx; :data:`KIND_PDF` for the PDF)."""
    query = select(Attachment).where(Attachment.entity_type == "contract", Attachment.entity_id == contract_id)
    if attachment_id is None:
        query = query.where(Attachment.kind == kind).order_by(Attachment.id.desc()).limit(1)
    else:
        query = query.where(Attachment.id == attachment_id)
    found = session.scalar(query)
    if found is None:
        if attachment_id is None:
            raise ContractError("contract.guarantee.none", contract_id=contract_id)
        raise ContractError("contract.attachment.none", contract_id=contract_id, attachment_id=attachment_id)
    return found


def guarantee_number(contract: Contract, submission_id: int) -> str:
    return f"DG-{contract.contract_id}-{submission_id}"
