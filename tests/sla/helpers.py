"""Shared set-up for the SLA tests: a small organisation and tasks."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.models import Task, User
from salesnb.timeutil import local_tz

TZ = local_tz()
H = timedelta(hours=1)
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)  # a Monday

PEOPLE = [
    ("D1", "王总监", "sales_director", None, "east"),
    ("D2", "李总监", "sales_director", None, "south"),
    ("M1", "张经理", "sales_manager", "D1", "east"),
    ("S1", "赵销售", "sales", "M1", "east"),
    ("S2", "钱销售", "sales", "M1", "east"),
    ("FM", "孙财务经理", "finance_manager", None, "east"),
    ("F1", "周会计", "finance", None, "east"),
    ("F2", "吴会计", "finance", None, "east"),
    ("F9", "郑会计", "finance", None, "south"),
    ("W1", "冯仓管", "warehouse", None, "east"),
    ("O1", "陈运营", "ops", None, None),
]


def seed_people(engine) -> None:
    with session_scope(engine) as s:
        s.add_all(User(user_id=u, name=n, role=r, manager_id=m, region=g) for u, n, r, m, g in PEOPLE)


def add_task(engine, task_id: str, node: str, created_at: datetime, owner_id: str | None = "S1",
             entity_type: str = "invoice", entity_id: str | None = None, **kw) -> None:
    with session_scope(engine) as s:
        s.add(Task(task_id=task_id, node=node, entity_type=entity_type, entity_id=entity_id or f"E-{task_id}",
                   owner_id=owner_id, created_at=created_at, **kw))


def count(engine, model, *where) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))
