"""Saving a lead with its scorecard, grading on save and in batch, promotion of grade-A leads.

Grading writes the grade to ``leads.grade`` / ``graded_at`` and a history row
to ``lead_scores``.  ``leads.grade_basis`` records the scorecard version that
last looked at a lead's answers; an import or sync that changes the row clears
it, so the daily batch reads only new and changed leads (and every lead once
after a new scorecard version).  A lead reaching a promoted grade (A) gets, in the same
transaction, an outbox notification to its rep's manager (``users.manager_id``;
dedup key ``scorecard:promote:LEAD``) and a ``priority_pool`` row with who put
it there and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..db import among, refresh_statistics, serialise
from ..errors import SalesnbError, ScorecardError
from ..i18n import get_language, t
from ..models import Customer, Lead, LeadScore, PriorityPoolEntry, User
from ..notify.outbox import enqueue_many, outbox_row
from ..timeutil import now, parse_timestamp
from . import messages  # noqa: F401  (registers the texts)
from .definition import DEFAULT_NAME, Card, missing
from .store import get_scorecard

if TYPE_CHECKING:
    import pandas as pd

BATCH = 5_000


class IncompleteScorecard(SalesnbError):
    """The scorecard is missing required answers or has invalid ones; nothing was saved.

    ``missing`` lists the names of the missing required fields, ``problems``
    one message per missing or invalid field.
    """

    def __init__(self, lead_id: str, missing_fields: list[str], problems: list[str], language: str):
        self.lead_id, self.missing, self.problems = lead_id, missing_fields, problems
        header = t("scorecard.incomplete", language, lead_id=lead_id)
        super().__init__("\n".join([header, *(f"  - {p}" for p in problems)]))


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one lead."""

    lead_id: str
    grade: str
    previous: str | None
    promoted: bool  # notified the manager and entered the pool now


def check_answers(card: Card, answers: Mapping[str, Any], lead_id: str = "-",
                  language: str | None = None) -> dict[str, Any]:
    """Normalised answers (是/否 → bool, option labels → values); raise :class:`IncompleteScorecard`."""
    language = language or get_language()
    values: dict[str, Any] = {}
    missing_fields: list[str] = []
    problems = [t("scorecard.unknown_field", language, name=k) for k in answers if k not in {f.name for f in card.fields}]
    for f in card.fields:
        raw = answers.get(f.name)
        if missing(raw):
            values[f.name] = None
            if f.required:
                missing_fields.append(f.name)
                problems.append(t("scorecard.missing", language, label=f.title(language)))
            continue
        value, reason = f.normalise(raw, language)
        if reason:
            problems.append(t("scorecard.invalid", language, label=f.title(language), value=raw, reason=reason))
        values[f.name] = value
    if problems:
        raise IncompleteScorecard(lead_id, missing_fields, problems, language)
    return values


def save_lead(session: Session, lead: Lead | Mapping[str, Any] | str, answers: Mapping[str, Any],
              actor: Actor | str, *, scorecard: str = DEFAULT_NAME, at: datetime | None = None,
              language: str | None = None) -> GradeResult:
    """Save a lead with its scorecard answers and grade it, in the caller's transaction.

    ``lead`` is a Lead, a lead id, or a mapping of lead columns (a new lead
    needs ``lead_id``, ``customer_id`` and ``owner_id``).  An incomplete or
    invalid card raises :class:`IncompleteScorecard` before anything is written.
    ``actor`` (``lead.edit``) is the lead's owner or above them — for a new lead
    or a change of owner, of the new owner too.
    """
    person = None
    for owner in _lead_owners(session, lead):
        person = authorize(session, actor, "lead.edit", owner)
    actor = (person or authorize(session, actor, "lead.edit")).user_id
    at = at or now()
    card = get_scorecard(session, scorecard)
    lead_id = lead.lead_id if isinstance(lead, Lead) else lead if isinstance(lead, str) else str(lead.get("lead_id"))
    values = check_answers(card, answers, lead_id, language)
    row = _lead_row(session, lead, at)
    before = {"grade": row.grade}
    extra = dict(row.extra or {})
    for f in card.fields:
        if f.column:
            setattr(row, f.column, values[f.name])
        else:
            extra.setdefault("scorecard", {})[f.name] = values[f.name]
    row.extra = extra or None
    session.flush()
    result = _apply_grade(session, row, card, values, at, actor, language)
    audit.record(session, actor=actor, action="lead.save", entity_type="leads", entity_id=row.lead_id,
                 before=before, after={"answers": values, "grade": result.grade, "scorecard": f"{card.name}@{card.version}"},
                 at=at)
    return result


def _lead_owners(session: Session, lead: Lead | Mapping[str, Any] | str) -> list[str | None]:
    """The owners a save of ``lead`` touches: the stored owner and, for a new lead or a new owner, that one."""
    if isinstance(lead, Lead):
        stored = session.get(Lead, lead.lead_id) if lead.lead_id and lead not in session else None
        return list(dict.fromkeys([stored.owner_id, lead.owner_id] if stored is not None else [lead.owner_id]))
    if isinstance(lead, str):
        row = session.get(Lead, lead)
        if row is None:
            raise ScorecardError("scorecard.no_lead", lead=repr(lead))
        return [row.owner_id]
    row = session.get(Lead, lead.get("lead_id")) if lead.get("lead_id") else None
    owners = [] if row is None else [row.owner_id]
    if row is None or (lead.get("owner_id") is not None and lead.get("owner_id") != row.owner_id):
        owners.append(lead.get("owner_id"))
    return owners


def _lead_row(session: Session, lead: Lead | Mapping[str, Any] | str, at: datetime) -> Lead:
    if isinstance(lead, Lead):
        if lead not in session:
            session.add(lead)
        return lead
    if isinstance(lead, str):
        row = session.get(Lead, lead)
        if row is None:
            raise ScorecardError("scorecard.no_lead", lead=repr(lead))
        return row
    data = dict(lead)
    row = session.get(Lead, data.get("lead_id")) if data.get("lead_id") else None
    if row is None:
        missing_cols = [c for c in ("lead_id", "customer_id", "owner_id") if missing(data.get(c))]
        if missing_cols:
            raise ScorecardError("scorecard.new_lead_needs", columns=", ".join(missing_cols))
        data.setdefault("created_at", at)
        data.setdefault("status", "open")
        row = Lead(**data)
        session.add(row)
    else:
        for key, value in data.items():
            setattr(row, key, value)
    return row


def basis(card: Card) -> str:
    """What ``leads.grade_basis`` holds for a lead this version of ``card`` has looked at."""
    return f"{card.name}:{card.version}"


def _apply_grade(session: Session, lead: Lead, card: Card, values: Mapping[str, Any], at: datetime, actor: str,
                 language: str | None) -> GradeResult:
    grade, previous = card.grade(dict(values)), lead.grade
    lead.grade, lead.graded_at, lead.grade_basis = grade, at, basis(card)
    session.add(LeadScore(lead_id=lead.lead_id, scorecard_name=card.name, scorecard_version=card.version,
                          answers=_jsonable(values), grade=grade, graded_at=at, graded_by=actor))
    promoted = grade in card.promote_grades and _promote(session, lead, card, grade, at, actor, language)
    return GradeResult(lead.lead_id, grade, previous, promoted)


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if hasattr(v, "as_tuple") else v) for k, v in values.items()}


def _promote(session: Session, lead: Lead, card: Card, grade: str, at: datetime, actor: str,
             language: str | None) -> bool:
    """Pool row + manager notification, once per lead and pool; True if done now."""
    return _promote_many(session, card, [(lead, grade)], at, actor, language or get_language()) == 1


def _promote_many(session: Session, card: Card, graded: list, at: datetime, actor: str, language: str) -> int:
    """Pool rows + manager notifications for the (lead, grade) pairs not yet in the pool; return how many."""
    candidates = {lead.lead_id for lead, grade in graded if grade in card.promote_grades}
    if not candidates:
        return 0
    pooled = set(session.scalars(select(PriorityPoolEntry.lead_id).where(
        PriorityPoolEntry.pool == card.pool, among(PriorityPoolEntry.lead_id, candidates))))
    promote = [(lead, grade) for lead, grade in graded if lead.lead_id in candidates - pooled]
    if not promote:
        return 0
    owners = _by_id(session, User, User.user_id, {lead.owner_id for lead, _ in promote})
    customers = _by_id(session, Customer, Customer.customer_id, {lead.customer_id for lead, _ in promote})
    pool_rows, messages = [], {}
    for lead, grade in promote:
        params = {"card": card.title(language), "version": card.version, "grade": grade, "pool": card.pool}
        pool_rows.append(dict(pool=card.pool, lead_id=lead.lead_id, added_at=at, added_by=actor,
                              reason=t("scorecard.pool.reason", language, **params)))
        messages[lead.lead_id] = _promotion_message(card, lead, owners.get(lead.owner_id),
                                                    customers.get(lead.customer_id), params, at, language)
    # a lead a concurrent transaction pooled meanwhile is skipped (its notification is that transaction's)
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    statement = dialect.insert(PriorityPoolEntry.__table__).on_conflict_do_nothing(index_elements=["pool", "lead_id"])
    pooled_now = set(session.connection().execute(
        statement.returning(PriorityPoolEntry.__table__.c.lead_id), pool_rows).scalars())
    enqueue_many(session, [m for lead_id, m in messages.items() if lead_id in pooled_now])
    return len(pooled_now)


def _promotion_message(card: Card, lead, owner: User | None, customer: Customer | None, params: dict[str, Any],
                       at: datetime, language: str) -> dict[str, Any]:
    """The outbox row telling the rep's manager that ``lead`` joined the pool (params: card, version, grade, pool)."""
    text = {"lead_id": lead.lead_id, "owner": owner.name if owner else lead.owner_id,
            "customer": customer.name if customer else lead.customer_id, **params}
    return outbox_row(
        dedup_key=f"scorecard:promote:{lead.lead_id}",
        recipients=[owner.manager_id] if owner is not None and owner.manager_id else [],
        subject=t("scorecard.notify.subject", language, **text), body=t("scorecard.notify.body", language, **text),
        event_type="lead_graded", entity_type="leads", entity_id=lead.lead_id,
        payload={"grade": params["grade"], "scorecard": card.name, "version": card.version,
                 "owner_id": lead.owner_id, "pool": card.pool},
        at=at,
    )


@dataclass
class GradeReport:
    """Counts of a batch grading run."""

    scorecard: str
    version: int
    graded: int = 0
    changed: int = 0
    promoted: int = 0
    incomplete: int = 0
    grades: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def grade_leads(engine: Engine, *, as_of: datetime | None = None, scorecard: str = DEFAULT_NAME,
                regrade: bool = False, actor: str = "grade", language: str | None = None) -> GradeReport:
    """Grade the new and changed leads whose scorecard is complete, in one transaction.

    Only leads this scorecard version has not looked at are read: new ones,
    ones an import or sync changed since, and all of them once after a new
    version (``leads.grade_basis``); the report counts those.  Of them, only
    leads whose grade changes (or that had none) get a new history row.  With
    ``regrade`` every lead is read and every complete one graded again.

    Leads are read in pages of plain rows (by ``lead_id``) and written in bulk:
    memory stays flat in the number of leads, and a page costs a handful of
    statements, not several per lead.
    """
    at = parse_timestamp(as_of) if as_of is not None else now()
    language = language or get_language()
    with Session(engine) as session, session.begin():
        serialise(session, "grade_leads")  # a concurrent run waits, then finds these leads graded
        card = get_scorecard(session, scorecard)
        report = GradeReport(card.name, card.version)
        columns = {f.name: f.column for f in card.fields}
        leads = Lead.__table__
        wanted = {"lead_id", "grade", "owner_id", "customer_id", "extra", *(c for c in columns.values() if c)}
        current = basis(card)
        # "not the current basis" as two ranges and NULL, which ix_leads_grade_basis answers (!= it cannot)
        basis_column = leads.c.grade_basis
        unseen = or_(basis_column.is_(None), basis_column < current, basis_column > current)
        query = select(*[leads.c[c] for c in sorted(wanted)]).order_by(leads.c.lead_id).limit(BATCH)
        if not regrade:
            query = query.where(unseen)
        last, seen = None, 0
        while True:
            page = session.execute(query if last is None else query.where(leads.c.lead_id > last)).all()
            if not page:
                # a first run marks every lead seen: the next day's read of the unseen ones must know it
                refresh_statistics(session, seen, leads.name)
                return report
            seen += len(page)
            last = page[-1].lead_id
            changed, unchanged = [], []
            for lead in page:
                values = _stored_answers(lead, card, columns)
                if any(values[f.name] is None for f in card.fields if f.required):
                    report.incomplete += 1
                    unchanged.append(lead.lead_id)
                    continue
                grade = card.grade(values)
                report.grades[grade] = report.grades.get(grade, 0) + 1
                report.graded += 1
                if grade == lead.grade and not regrade:
                    unchanged.append(lead.lead_id)
                    continue
                report.changed += grade != lead.grade
                changed.append((lead, grade, values))
            # seen: the leads graded now with their grade (one write a lead), the others here, by id (a next
            # day's unseen leads are spread over the whole range of ids)
            if unchanged:
                session.execute(update(leads).where(among(leads.c.lead_id, unchanged), unseen)
                                .values(grade_basis=current))
            report.promoted += _write_grades(session, card, changed, at, actor, language)


def _write_grades(session: Session, card: Card, changed: list, at: datetime, actor: str, language: str) -> int:
    """Store one page's grades and history rows and promote its new grade-A leads; return how many were."""
    if not changed:
        return 0
    conn = session.connection()  # Core executemany: the ORM's bulk bookkeeping cost more than the writes
    leads = Lead.__table__
    graded = update(leads).where(leads.c.lead_id == bindparam("lead"))
    conn.execute(graded.values(grade=bindparam("new_grade"), graded_at=at, grade_basis=basis(card)),
                 [{"lead": lead.lead_id, "new_grade": grade} for lead, grade, _ in changed])
    conn.execute(insert(LeadScore.__table__), [
        dict(lead_id=lead.lead_id, scorecard_name=card.name, scorecard_version=card.version,
             answers=_jsonable(values), grade=grade, graded_at=at, graded_by=actor)
        for lead, grade, values in changed])
    return _promote_many(session, card, [(lead, grade) for lead, grade, _ in changed], at, actor, language)


def _by_id(session: Session, model, key, ids: set) -> dict:
    ids = [i for i in ids if i]
    return {getattr(row, key.key): row for row in session.scalars(select(model).where(among(key, ids)))} if ids else {}


def _stored_answers(lead: Lead, card: Card, columns: Mapping[str, str | None]) -> dict[str, Any]:
    stored = (lead.extra or {}).get("scorecard", {})
    values: dict[str, Any] = {}
    for f in card.fields:
        value = getattr(lead, columns[f.name]) if columns[f.name] else stored.get(f.name)
        values[f.name] = None if missing(value) else (float(value) if f.kind == "float" else value)
    return values


def grades_frame(engine: Engine, *, history: bool = False) -> pd.DataFrame:
    """Current grades (lead_id, owner_id, region, grade, graded_at, in_pool) or, with ``history``, every grading."""
    with engine.connect() as conn:
        if history:
            query = select(LeadScore.lead_id, LeadScore.scorecard_name, LeadScore.scorecard_version, LeadScore.grade,
                           LeadScore.graded_at, LeadScore.graded_by, LeadScore.answers).order_by(LeadScore.id)
        else:
            in_pool = select(PriorityPoolEntry.id).where(PriorityPoolEntry.lead_id == Lead.lead_id,
                                                         PriorityPoolEntry.removed_at.is_(None)).exists()
            query = (select(Lead.lead_id, Lead.owner_id, Lead.region, Lead.status, Lead.grade, Lead.graded_at,
                            in_pool.label("in_pool"))
                     .where(Lead.grade.is_not(None)).order_by(Lead.lead_id))
        result = conn.execute(query)
        import pandas as pd  # a frame for analysts; the apps that grade never load pandas

        return pd.DataFrame(result.all(), columns=list(result.keys()))


__all__ = ["IncompleteScorecard", "GradeResult", "GradeReport", "check_answers", "save_lead", "grade_leads",
           "grades_frame"]
