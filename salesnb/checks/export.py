"""Open findings as people read them, and as an xlsx file written from a database cursor.

The findings list shows a page of these rows; its export writes every row
the filters leave, read with a server-side cursor a batch at a time, so a
million findings never sit in memory (the web layer streams the file).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import Engine, Row, select

from ..directory import user_names
from ..i18n import register, t
from ..labels import check_title, entity_label, is_missing
from ..models import Finding
from ..timeutil import to_local
from ..xlsx import write_xlsx
from . import messages  # noqa: F401 - the checks' titles
from .listing import LIST_COLUMNS, FindingQuery

register({
    "zh-CN": {
        "findings.col.check": "检查项", "findings.col.entity": "对象", "findings.col.owner": "负责人",
        "findings.col.region": "区域", "findings.col.severity": "严重程度", "findings.col.message": "说明",
        "findings.col.first_seen": "首次发现", "findings.col.age": "已持续",
        "findings.age": "{days} 天 {hours} 小时",
        "findings.sheet": "断点清单", "findings.file": "断点清单_{stamp}.xlsx",
        "findings.no_owner": "（未分配）",
    },
    "en": {
        "findings.col.check": "Check", "findings.col.entity": "Entity", "findings.col.owner": "Owner",
        "findings.col.region": "Region", "findings.col.severity": "Severity", "findings.col.message": "Message",
        "findings.col.first_seen": "First seen", "findings.col.age": "Open for",
        "findings.age": "{days} d {hours} h",
        "findings.sheet": "Findings", "findings.file": "findings_{stamp}.xlsx",
        "findings.no_owner": "(unassigned)",
    },
})

COLUMNS = ("check", "entity", "owner", "region", "severity", "message", "first_seen", "age")
SEVERITY_COLUMN = COLUMNS.index("severity")


def finding_headers() -> list[str]:
    """The column titles of the list and its export."""
    return [t(f"findings.col.{c}") for c in COLUMNS]


def owner_name(names: dict[str, str], owner_id: str | None) -> str:
    """The owner as people know them (「未分配」 without one)."""
    return names.get(owner_id, owner_id) if owner_id else t("findings.no_owner")


def finding_row(rec: Row, names: dict[str, str], as_of: datetime) -> list[object]:
    """One finding (a row of :data:`~salesnb.checks.listing.LIST_COLUMNS`) as the list shows it."""
    first_seen = _aware(rec.first_seen)
    return [
        check_title(rec.check_name),
        entity_label(rec.entity_type, rec.entity_id),
        owner_name(names, rec.owner_id),
        rec.region,
        t(f"severity.{rec.severity}"),
        rec.message,
        first_seen,
        _age(as_of - first_seen) if first_seen else "",
    ]


def stream_findings(engine: Engine, query: FindingQuery, batch: int = 2_000) -> Iterator[Row]:
    """Every listed finding, in the list's order, read through one server-side cursor ``batch`` rows at a time."""
    f = Finding.__table__.c
    stmt = (select(*(f[c] for c in LIST_COLUMNS)).where(*query.conditions())
            .order_by(f.check_name, f.first_seen.desc(), f.entity_id, f.id))
    with engine.connect() as conn:
        yield from conn.execution_options(yield_per=batch).execute(stmt)


def export_filename(as_of: datetime) -> str:
    return t("findings.file", stamp=to_local(as_of).strftime("%Y%m%d_%H%M"))


def write_findings_xlsx(engine: Engine, query: FindingQuery, as_of: datetime, out: BinaryIO) -> int:
    """Write every finding ``query`` lists to ``out`` as xlsx; the number of rows written."""
    names = user_names(engine)
    rows = (finding_row(rec, names, as_of) for rec in stream_findings(engine, query))
    return write_xlsx(out, finding_headers(), rows, t("findings.sheet"))


def _aware(value) -> datetime | None:
    if value is None or is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return to_local(value)


def _age(delta) -> str:
    hours = max(0, int(delta.total_seconds() // 3600))
    return t("findings.age", days=hours // 24, hours=hours % 24)
