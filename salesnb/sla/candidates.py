"""The SQL side of the escalation scan: which open tasks of a node might have a rung to fire.

Working time never runs faster than the wall clock (and a working-hours
clock holds at most its longest working day per calendar day), and pauses
only push deadlines later, so ``created_at + min_wall_time(offset)`` is a
lower bound of every rung's due time.  Comparing ``created_at`` with
``as_of − min_wall_time(offset)`` (bound constants, index-friendly) therefore
finds every task that *may* be due; for a 24×7 policy without pauses it is
exact.

A task is skipped in SQL when the highest rung that may be due is already in
``escalation_log`` (the engine fires rungs in ladder order, so lower ones are
logged too) and every repeating level has logged its highest possible repeat.
So a rerun with nothing new to fire reads only tasks that crossed a level
boundary since the last run (plus, for working-hours policies, the few whose
lower bound passed but whose working clock has not).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, case, exists, literal, or_, select

from ..models import Base, EscalationLog, Task
from ..rules import to_sql
from .policies import Policy

TASKS = Task.__table__
LOG = EscalationLog.__table__
COLUMNS = (TASKS.c.task_id, TASKS.c.created_at, TASKS.c.owner_id, TASKS.c.entity_type, TASKS.c.entity_id,
           TASKS.c.title, TASKS.c.details)


def open_tasks(as_of: datetime):
    """Tasks not done as of ``as_of``."""
    return or_(TASKS.c.done_at.is_(None), TASKS.c.done_at > as_of)


def candidate_query(policy: Policy, as_of: datetime, *, ordered: bool = True) -> Select:
    """The candidate SELECT for ``policy`` at ``as_of``.

    ``ordered`` sorts by task_id so that concurrent runs insert log rows in
    the same order (no deadlocks on PostgreSQL); SQLite serialises writers and
    is better off scanning ``ix_tasks_node_created`` unsorted.
    """
    levels = sorted(policy.levels, key=lambda lv: lv.level)
    if not levels:
        return select(*COLUMNS).where(literal(False))

    clock = policy.clock

    def reached(level, repeat_no=0):
        return TASKS.c.created_at <= as_of - clock.min_wall_time(policy.offset(level, repeat_no))

    top = case(*[(reached(lv), lv.level) for lv in reversed(levels)], else_=-1)
    pending = [~exists().where(LOG.c.task_id == TASKS.c.task_id, LOG.c.level == top)]
    for lv in levels:
        if lv.repeats:
            top_repeat = case(*[(reached(lv, k), k) for k in range(lv.repeats, 0, -1)], else_=0)
            pending.append(and_(reached(lv, 1), ~exists().where(
                LOG.c.task_id == TASKS.c.task_id, LOG.c.level == lv.level, LOG.c.repeat_no >= top_repeat)))
    where = [TASKS.c.node == policy.node, open_tasks(as_of), reached(levels[0]), or_(*pending)]
    condition = condition_clause(policy, as_of)
    if condition is not None:
        where.append(condition)
    query = select(*COLUMNS).where(*where)
    return query.order_by(TASKS.c.task_id) if ordered else query


def condition_clause(policy: Policy, as_of: datetime):
    """The policy's rule condition as SQL on its table, joined on ``tasks.entity_id`` (None without one)."""
    if policy.condition is None:
        return None
    expression = to_sql(policy.condition, policy.condition_table, as_of)
    if policy.condition_table == "tasks":
        return expression
    table = Base.metadata.tables[policy.condition_table]
    key = list(table.primary_key.columns)[0]
    return TASKS.c.entity_id.in_(select(key).where(expression))
