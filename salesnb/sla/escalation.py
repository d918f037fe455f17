"""The escalation engine: fire each due rung of every open task's ladder exactly once.

``escalate(engine, as_of)`` streams the candidate tasks of each enabled policy
(:mod:`salesnb.sla.candidates`), decides in Python which rungs are due
(:func:`salesnb.sla.timeline.due_levels`: working hours, holidays, pauses),
and writes each batch in one transaction:

1. ``INSERT … ON CONFLICT (task_id, level, repeat_no) DO NOTHING RETURNING`` into
   ``escalation_log`` — the unique key makes a rung fire once across reruns and
   concurrent runs; only the rows this transaction inserted go on;
2. for those rows: the notification (to the level's ``notify`` and the holder of the to-do it creates; an outbox row, dedup key
   ``sla:TASK:LEVEL:REPEAT``; the batched form of ``salesnb.notify.enqueue``
   — same values, one ``INSERT … ON CONFLICT (dedup_key) DO NOTHING`` per
   batch through :func:`salesnb.notify.outbox.insert_ignoring_duplicates`), the to-do (a ``tasks`` row, ``kind="todo"``,
   ``node="sla_todo"``, ``entity_type="task"``, ``entity_id`` = the late task)
   and an audit entry (``sla.escalated``), and a row per person told or copied in
   ``escalation_recipients`` (My work's escalations, read by person).

Rungs of one task that fall due together (a gap between scans, or a task
seen for the first time long after its deadline) are all logged, but only
the highest sends a message; the lower ones are logged with nobody told
(their to-dos are still created).  The scan of the run that takes the
baseline (``quiet_before``) logs the due rungs of tasks created before it
without any message or to-do: they are the backlog the managers were told
about once.  Escalation messages are digest events: at delivery each person
gets one digest per channel (:mod:`salesnb.notify.digest`).

Before scanning it closes the to-dos of finished tasks.  The log answers
"who was told, when, and when was it finally done": a trigger on ``tasks``
(migration 0026) copies a task's ``done_at`` into its rungs as it is done.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, delete, exists, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..db import among, plan_for_bulk, refresh_statistics, session_scope
from ..i18n import get_language, t
from ..models import AuditLog, EscalationLog, EscalationRecipient, OutboxMessage, Task
from ..notify.digest import digest_item
from ..notify.outbox import DEFAULT_CHANNEL, insert_ignoring_duplicates
from ..timeutil import to_local
from . import messages  # noqa: F401 - registers the UI text
from .autoclose import close_waiting_tasks
from .candidates import LOG, TASKS, candidate_query
from .pauses import task_pauses
from .policies import TODO_NODE, Policy, holiday_warning, load_policies
from .recipients import Directory, entity_owners
from .timeline import Due, due_levels

ACTOR = "sla"
EVENTS_KEPT = 500


@dataclass
class EscalationReport:
    """What one escalation run did."""

    as_of: datetime
    candidates: int = 0  # tasks read from the database and checked in Python
    fired: int = 0  # rungs this run logged (and notified)
    already_fired: int = 0  # due rungs another run logged first
    todos: int = 0
    notifications: int = 0
    collapsed: int = 0  # lower rungs logged without a message because a higher one fell due with them
    quiet: int = 0  # rungs of a baseline's backlog logged without message or to-do
    todos_closed: int = 0
    by_level: Counter = field(default_factory=Counter)  # (node, level) → fired
    warnings: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # the first EVENTS_KEPT fired rungs
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(), "candidates": self.candidates, "fired": self.fired,
            "already_fired": self.already_fired, "todos": self.todos, "notifications": self.notifications,
            "collapsed": self.collapsed, "quiet": self.quiet,
            "todos_closed": self.todos_closed,
            "by_level": [{"node": n, "level": lv, "fired": c} for (n, lv), c in sorted(self.by_level.items())],
            "warnings": list(self.warnings), "events": list(self.events), "seconds": round(self.seconds, 3),
        }


def escalate(engine: Engine, as_of: datetime, *, actor: str = ACTOR, batch_size: int = 2000,
             nodes: Sequence[str] | None = None, language: str | None = None,
             quiet_before: datetime | None = None) -> EscalationReport:
    """Fire every due escalation level of every open task as of ``as_of``; see the module doc.

    Parameters
    ----------
    engine : the database (each batch is its own transaction).
    as_of : the time the scan represents; it is also ``fired_at`` of the rungs it fires.
    nodes : restrict to these workflow nodes (default: every enabled policy).
    language : language of the notification text (default: the current one).
    quiet_before : the baseline's time: due rungs of tasks created before it are logged without message or to-do.
    """
    started = time.perf_counter()
    as_of = to_local(as_of)
    language = language or get_language()
    report = EscalationReport(as_of=as_of)
    with session_scope(engine) as session:
        plan_for_bulk(session)
        close_waiting_tasks(session, as_of, actor)  # records that arrived other than through an import
        report.todos_closed = close_done_todos(session, as_of, actor)
        policies = load_policies(session, include_disabled=False)
        directory = Directory.load(session)
        calendar_note = holiday_warning(session, as_of, language)
    if calendar_note:
        report.warnings.append(calendar_note)
    for policy in policies.values():
        if nodes is not None and policy.node not in nodes:
            continue
        query = candidate_query(policy, as_of, ordered=engine.dialect.name != "sqlite")
        with engine.connect() as conn:
            plan_for_bulk(conn, whole_cursor=True)  # every candidate is read (4.4 → 2.8 s for a day at 1 M orders)
            result = conn.execution_options(yield_per=batch_size).execute(query)
            for rows in result.partitions():
                _fire_batch(engine, policy, rows, as_of, directory, report, actor, language, quiet_before)
        report.warnings.extend(w for w in sorted(policy.clock.warnings) if w not in report.warnings)
    with engine.begin() as conn:  # a first run logs a million rungs: the next run looks them up by task
        refresh_statistics(conn, report.fired, LOG.name, EscalationRecipient.__tablename__,
                           OutboxMessage.__tablename__)
    report.seconds = time.perf_counter() - started
    return report


def close_done_todos(session: Session, as_of: datetime, actor: str = ACTOR) -> int:
    """Close the to-dos of done tasks (with their task's ``done_at``); return how many."""
    parent = TASKS.alias("parent")
    closed = session.execute(
        update(TASKS)
        .where(TASKS.c.kind == "todo", TASKS.c.node == TODO_NODE, TASKS.c.entity_type == "task",
               TASKS.c.done_at.is_(None),
               exists().where(parent.c.task_id == TASKS.c.entity_id, parent.c.done_at.is_not(None)))
        .values(done_at=select(parent.c.done_at).where(parent.c.task_id == TASKS.c.entity_id).scalar_subquery())
    ).rowcount
    if closed:
        session.execute(AuditLog.__table__.insert(), [dict(
            at=as_of, actor=actor, action="sla.todos_closed", entity_type="task", entity_id="*",
            before=None, after={"closed": closed}, note="to-dos of tasks that were done")])
    return closed or 0


def _insert_ignore(session: Session, table, keys: list[str]):
    module = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    return module.insert(table).on_conflict_do_nothing(index_elements=keys)


def _logged(session: Session, task_ids: list[str]) -> dict[str, dict[int, int]]:
    """{task_id: {level: highest repeat_no fired}} for a batch."""
    out: dict[str, dict[int, int]] = {}
    for task_id, level, repeat_no in session.execute(
            select(LOG.c.task_id, LOG.c.level, LOG.c.repeat_no).where(among(LOG.c.task_id, task_ids))):
        levels = out.setdefault(task_id, {})
        levels[level] = max(repeat_no, levels.get(level, -1))
    return out


def todo_id(task_id: str, level: int, repeat_no: int) -> str:
    """The deterministic id of the to-do a rung creates."""
    suffix = f":L{level}" + (f":R{repeat_no}" if repeat_no else "")
    base = f"SLA-TODO:{task_id}"
    if len(base) + len(suffix) > 200:
        base = "SLA-TODO:" + hashlib.sha1(task_id.encode()).hexdigest()
    return base + suffix


@dataclass
class _Firing:
    row: Any
    due: Due
    notified: list[str]
    cc: list[str]
    todo_id: str | None
    assignee: str | None
    quiet: bool = False  # a baseline's backlog: logged only
    collapsed_into: int | None = None  # a higher level fell due with it and was sent instead
    collapsed: tuple[int, ...] = ()  # the lower levels this one was sent for

    @property
    def told(self) -> bool:
        return not self.quiet and self.collapsed_into is None


def _collapse(firings: list[_Firing], quiet_before: datetime | None) -> None:
    """Mark backlog rungs quiet, and per task all rungs but the highest as collapsed into it."""
    by_task: dict[str, list[_Firing]] = {}
    for f in firings:
        if quiet_before is not None and f.row.created_at < quiet_before:
            f.quiet = True
            f.assignee = None
            continue
        by_task.setdefault(f.row.task_id, []).append(f)
    for group in by_task.values():
        if len(group) < 2:
            continue
        top = max(group, key=lambda f: (f.due.level.level, f.due.repeat_no))
        top.collapsed = tuple(sorted({f.due.level.level for f in group if f is not top
                                      and f.due.level.level != top.due.level.level}))
        for f in group:
            if f is not top:
                f.collapsed_into = top.due.level.level


def _fire_batch(engine: Engine, policy: Policy, rows: Sequence[Any], as_of: datetime, directory: Directory,
                report: EscalationReport, actor: str, language: str | None,
                quiet_before: datetime | None = None) -> None:
    report.candidates += len(rows)
    with session_scope(engine) as session:
        logged = _logged(session, [r.task_id for r in rows])
        due = [(r, d) for r in rows
               for d in due_levels(policy, r.created_at, as_of, task_pauses(r.details, policy.pause_statuses),
                                   logged.get(r.task_id))]
        if not due:
            return
        owners = _entity_owners(session, policy, [r for r, _ in due])
        firings = [_plan(r, d, directory, owners.get((r.entity_type, r.entity_id))) for r, d in due]
        _collapse(firings, quiet_before)
        log_rows = [dict(task_id=f.row.task_id, node=policy.node, level=f.due.level.level, repeat_no=f.due.repeat_no,
                         due_at=f.due.due_at, fired_at=as_of, notified=f.notified if f.told else [],
                         cc=f.cc if f.told else [], todo_task_id=f.todo_id if f.assignee else None, task_done_at=None)
                    for f in firings]
        statement = _insert_ignore(session, EscalationLog.__table__, ["task_id", "level", "repeat_no"])
        won = {(task_id, level, repeat_no): log_id for log_id, task_id, level, repeat_no in session.execute(
            statement.returning(LOG.c.id, LOG.c.task_id, LOG.c.level, LOG.c.repeat_no), log_rows)}
        # (firing, its log row's id) for the rungs this transaction inserted
        mine = [(f, won[key]) for f in firings if (key := (f.row.task_id, f.due.level.level, f.due.repeat_no)) in won]
        report.already_fired += len(firings) - len(mine)
        if not mine:
            return
        todos, audits, messages = [], [], []
        for f, log_id in mine:
            message = _message(policy, f, as_of, directory, language) if f.told else None
            if message is not None:
                messages.append(message)
            if f.assignee:
                todos.append(_todo_row(policy, f, as_of, language))
            summary = _summary(policy, f)
            report.quiet += f.quiet
            report.collapsed += f.collapsed_into is not None
            audits.append(dict(at=as_of, actor=actor, action="sla.baseline" if f.quiet else "sla.escalated",
                               entity_type="task", entity_id=f.row.task_id, before=None, note=None, after=summary))
            report.by_level[(policy.node, f.due.level.level)] += 1
            if len(report.events) < EVENTS_KEPT:
                report.events.append({"task_id": f.row.task_id, **summary})
            unknown = directory.unknown(f.notified + f.cc)
            if unknown:
                _warn(report, f"{policy.node}: recipients not in users: {', '.join(sorted(set(unknown)))}")
            if not f.notified and f.told:
                _warn(report, f"{policy.node} level {f.due.level.level}: nobody to notify (no owner/manager/role "
                              f"user found); logged without a notification")
        if messages:
            # every key is new: it is derived from a log row this transaction just inserted
            session.execute(insert_ignoring_duplicates(session.get_bind().dialect.name), messages)
            report.notifications += len(messages)
        if todos:
            session.execute(_insert_ignore(session, Task.__table__, ["task_id"]), todos)
        told = [log_id for f, log_id in mine if f.told]
        if told:
            # a new rung's id may be a deleted one's (SQLite reuses the highest ids): never inherit its people
            session.execute(delete(EscalationRecipient).where(among(EscalationRecipient.log_id, won.values())))
            record_recipients(session, told)
        session.execute(AuditLog.__table__.insert(), audits)
        report.fired += len(mine)
        report.todos += len(todos)


# Per dialect: the FROM items giving each item of a rung's list {col} (notified / cc), its text, the condition
# that it is a string (the engine writes lists of user ids; anything else names nobody), and the rungs :ids
# (one array on PostgreSQL: see salesnb.db.among)
_LIST_ITEMS = {
    "sqlite": ("json_each(CASE WHEN json_type(l.{col}) = 'array' THEN l.{col} ELSE '[]' END) j", "j.value",
               "j.type = 'text'", "l.id IN :ids"),
    "postgresql": ("json_array_elements(CASE WHEN json_typeof(l.{col}) = 'array' THEN l.{col} ELSE '[]'::json END)"
                   " AS j(item)", "j.item #>> '{}'", "json_typeof(j.item) = 'string'", "l.id = ANY(:ids)"),
}


def record_recipients(session: Session, log_ids: Sequence[int]) -> None:
    """The ``escalation_recipients`` rows of the rungs ``log_ids``, from their log rows: each person of a rung
    once, as told if told, else as copied.  Written in the database: a day at a million orders tells 577,571
    people-rungs, and binding them row by row took about 4 s of the step's 19."""
    if not log_ids:
        return
    dialect = session.get_bind().dialect.name
    items, value, is_text, chosen = _LIST_ITEMS[dialect]
    for col in ("notified", "cc"):  # told first: told wins over copied
        statement = text(
            f"INSERT INTO escalation_recipients (log_id, user_id, role, fired_at) "
            f"SELECT DISTINCT l.id, {value}, '{col}', l.fired_at FROM escalation_log l, {items.format(col=col)} "
            f"WHERE {chosen} AND {is_text} AND {value} <> '' ON CONFLICT DO NOTHING")
        if dialect != "postgresql":
            statement = statement.bindparams(bindparam("ids", expanding=True))
        session.execute(statement, {"ids": list(log_ids)})


def _summary(policy: Policy, f: _Firing) -> dict[str, Any]:
    out = {"node": policy.node, "level": f.due.level.level, "repeat_no": f.due.repeat_no,
           "due_at": f.due.due_at.isoformat(), "notified": f.notified if f.told else [],
           "cc": f.cc if f.told else [], "todo_task_id": f.todo_id if f.assignee else None}
    if f.quiet:
        out["quiet"] = True
    if f.collapsed_into is not None:
        out["collapsed_into"] = f.collapsed_into
    if f.collapsed:
        out["collapsed"] = list(f.collapsed)
    return out


def _warn(report: EscalationReport, message: str) -> None:
    if message not in report.warnings:
        report.warnings.append(message)


def _entity_owners(session: Session, policy: Policy, rows: Sequence[Any]) -> dict[tuple[str, str], str]:
    """Owners of the tasks' records, looked up only when a level names ``entity_owner``."""
    uses = any("entity_owner" in (*lv.notify, *lv.cc, lv.todo_for) for lv in policy.levels)
    if not uses:
        return {}
    by_type: dict[str, set[str]] = {}
    for r in rows:
        by_type.setdefault(r.entity_type, set()).add(r.entity_id)
    out: dict[tuple[str, str], str] = {}
    for entity_type, ids in by_type.items():
        for entity_id, owner in entity_owners(session, entity_type, ids).items():
            out[(entity_type, entity_id)] = owner
    return out


def _plan(row: Any, due: Due, directory: Directory, entity_owner: str | None) -> _Firing:
    level = due.level
    notified = directory.resolve_all(level.notify, row.owner_id, entity_owner)
    cc = [u for u in directory.resolve_all(level.cc, row.owner_id, entity_owner) if u not in notified]
    todo = todo_id(row.task_id, level.level, due.repeat_no) if level.todo_for else None
    assignee = directory.assignee(level.todo_for, row.owner_id, entity_owner, row.task_id) if level.todo_for else None
    if assignee and assignee not in notified:  # the to-do's holder is told with the level that gives it
        notified.append(assignee)
        cc = [u for u in cc if u != assignee]
    return _Firing(row, due, notified, cc, todo, assignee)


def _entity_text(row: Any) -> str:
    return f"{row.entity_type} {row.entity_id}" + (f"（{row.title}）" if row.title else "")


def _message(policy: Policy, f: _Firing, as_of: datetime, directory: Directory,
             language: str | None) -> dict[str, Any] | None:
    """The outbox row of a fired rung (the values ``salesnb.notify.enqueue`` writes); None without recipients."""
    if not f.notified:
        return None
    level, row = f.due.level, f.row
    node = policy.label(language)
    entity = _entity_text(row)
    if level.is_warning:
        subject = t("sla.subject.warning", language, node=node, entity=entity)
        level_text = t("sla.level.warning", language)
    else:
        subject = t("sla.subject.level", language, level=level.level, node=node, entity=entity)
        level_text = t("sla.level.n", language, level=level.level)
    if f.due.repeat_no:
        subject += t("sla.subject.repeat", language, repeat=f.due.repeat_no)
    deadline = policy.clock.add_paused(row.created_at, policy.target, task_pauses(row.details, policy.pause_statuses))
    todo = (t("sla.body.todo", language, todo_id=f.todo_id, assignee=directory.name(f.assignee))
            if f.assignee else "")
    if f.collapsed:
        todo += t("sla.body.collapsed", language, levels=", ".join(f"L{lv}" for lv in f.collapsed))
    body = t("sla.body", language, title=subject, node=node, entity=entity, owner=directory.name(row.owner_id),
             created=_fmt(row.created_at), target=_hours(policy), calendar=t(f"sla.calendar.{policy.calendar.mode}", language),
             deadline=_fmt(deadline), due=_fmt(f.due.due_at), level_text=level_text,
             notify=", ".join(directory.name(u) for u in f.notified) or "-",
             cc=", ".join(directory.name(u) for u in f.cc) or "-", todo=todo)
    payload = {"node": policy.node, "level": level.level, "repeat_no": f.due.repeat_no,
               "due_at": f.due.due_at.isoformat(), "deadline": None if deadline is None else deadline.isoformat(),
               "entity_type": row.entity_type, "entity_id": row.entity_id,
               "todo_task_id": f.todo_id if f.assignee else None, "collapsed": list(f.collapsed),
               "items": [digest_item(kind="task", item_id=row.task_id, since=row.created_at, text=subject,
                                     severity="info" if level.is_warning else ("critical" if level.level >= 2
                                                                               else "warning"))]}
    return dict(dedup_key=f"sla:{row.task_id}:{level.level}:{f.due.repeat_no}", channel=level.channel or DEFAULT_CHANNEL,
                recipients=sorted(set(f.notified)), cc=sorted(set(f.cc)), subject=subject, body=body, payload=payload,
                event_type="sla_warning" if level.is_warning else "sla_escalation", entity_type="task",
                entity_id=row.task_id, status="pending", attempts=0, next_attempt_at=as_of, created_at=as_of)


def _todo_row(policy: Policy, f: _Firing, as_of: datetime, language: str | None) -> dict[str, Any]:
    row = f.row
    return dict(task_id=f.todo_id, node=TODO_NODE, entity_type="task", entity_id=row.task_id, owner_id=f.assignee,
                created_at=as_of, done_at=None, kind="todo", extra=None,
                title=t("sla.todo.title", language, level=f.due.level.level, node=policy.label(language),
                        entity=_entity_text(row))[:400],
                details={"source": "sla", "node": policy.node, "level": f.due.level.level,
                         "repeat_no": f.due.repeat_no, "parent_task_id": row.task_id,
                         "parent_entity_type": row.entity_type, "parent_entity_id": row.entity_id})


def _fmt(value: datetime | None) -> str:
    return "-" if value is None else to_local(value).strftime("%Y-%m-%d %H:%M")


def _hours(policy: Policy) -> str:
    hours = policy.target.total_seconds() / 3600
    return f"{hours:g}"
