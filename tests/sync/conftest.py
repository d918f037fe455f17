"""Fixtures of the sync tests: a second database standing in for an ERP / CRM, and the team's users."""

from __future__ import annotations

import os

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from salesnb.db import make_engine, session_scope
from salesnb.io import import_frame
from salesnb.models import Customer, Lead, User
from salesnb.timeutil import now

from ..conftest import PG_URL, _worker

USERS = pd.DataFrame([
    {"员工编号": "U001", "姓名": "张伟", "角色": "sales_manager", "手机号": "13800000001"},
    {"员工编号": "U002", "姓名": "李娜", "角色": "sales", "上级编号": "U001", "手机号": "13800000002"},
    {"员工编号": "U003", "姓名": "王芳", "角色": "sales", "上级编号": "U001", "企业微信账号": "wangfang"},
])


@pytest.fixture
def team(engine):
    """The store with three users (named by name, phone or platform id in the sources)."""
    with session_scope(engine) as session:
        import_frame(session, "users", USERS, source="team")
    return engine


@pytest.fixture
def shop(engine):
    """For the chat sources: two reps with WeCom and Feishu ids, a customer each whose contacts (a WeChat, a
    WeCom group, Feishu chats) are known, and an open, unanswered lead each, 3 h old (returned: its time)."""
    created = now().replace(microsecond=0) - timedelta(hours=3)
    with session_scope(engine) as s:
        s.add(User(user_id="M1", name="王经理", role="sales_manager"))
        s.add(User(user_id="U1", name="张伟", role="sales", manager_id="M1", wecom_userid="zhangwei",
                   feishu_user_id="zw001"))
        s.add(User(user_id="U2", name="李娜", role="sales", manager_id="M1", wecom_userid="lina",
                   feishu_user_id="ln002"))
        s.add(Customer(customer_id="C1", name="华东机械", owner_id="U1", contact_ids="wmEXT001、oc_chat01"))
        s.add(Customer(customer_id="C2", name="西南电气", owner_id="U2", contact_ids="wrROOM9、wmEXT002；oc_chat02"))
        s.add(Lead(lead_id="L1", customer_id="C1", owner_id="U1", created_at=created, status="open"))
        s.add(Lead(lead_id="L2", customer_id="C2", owner_id="U2", created_at=created, status="open"))
    return created


@pytest.fixture(scope="session")
def erp_pg_url() -> str:
    """A PostgreSQL database of its own for the ERP (created once per session)."""
    admin_url = make_url(os.environ.get("SALESNB_TEST_PG_URL", PG_URL))
    name = f"salesnb_erp_{_worker()}"
    admin = create_engine(admin_url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)


@pytest.fixture
def erp_url(db_url, tmp_path, request) -> str:
    """The ERP's URL: a separate SQLite file next to a SQLite store, a separate database next to PostgreSQL."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'erp.db'}"
    url = request.getfixturevalue("erp_pg_url")
    eng = make_engine(url)
    with eng.begin() as conn:
        conn.execute(text('DROP TABLE IF EXISTS "客户", "商机"'))
    eng.dispose()
    return url


@pytest.fixture
def erp(erp_url):
    """The ERP's engine, with its own Chinese tables 客户 and 商机."""
    eng = make_engine(erp_url)
    with eng.begin() as conn:
        conn.execute(text('CREATE TABLE "客户" ("客户代码" VARCHAR(20) PRIMARY KEY, "客户全称" VARCHAR(100), '
                          '"所属大区" VARCHAR(20), "负责人" VARCHAR(20), "更新时间" TIMESTAMP)'))
        conn.execute(text('CREATE TABLE "商机" ("商机编号" VARCHAR(20) PRIMARY KEY, "客户代码" VARCHAR(20), '
                          '"跟进人" VARCHAR(20), "录入时间" TIMESTAMP, "修改时间" TIMESTAMP)'))
    yield eng
    eng.dispose()
