"""The ``sync_sources`` template: schedulable like any template; a failing stream fails the run visibly."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import Customer, User
from salesnb.runs import run_template

from tests.runs.notebooks import settings_for

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_sync_template_runs_and_fails_visibly(engine, db_url, tmp_path):
    with session_scope(engine) as session:
        session.add(User(user_id="ops1", name="运维", role="ops"))
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "customers.csv").write_text("客户编号,客户名称\nC001,杭州精工\n", encoding="utf-8")
    config = tmp_path / "salesnb.toml"
    config.write_text(f'[sync.drop]\ntype = "folder"\npath = "{drop.as_posix()}"\n', encoding="utf-8")
    (drop / "broken.csv").write_text("客户编号,客户名称,创建时间\nC002,苏州博远,不是日期\n", encoding="utf-8")
    settings = settings_for(db_url, tmp_path, sync={"drop": {"type": "folder", "path": str(drop)}})
    run = run_template(settings, engine, "sync_sources", {"config_file": str(config)})
    # the good file is in; the broken one is reported and fails the run (ops are told)
    assert not run.ok and "drop/files" in run.error and "broken.csv" in run.error
    assert run.metrics["inserted"] == 1 and run.metrics["failed"] == 1
    with session_scope(engine) as session:
        assert session.scalars(select(Customer.name)).all() == ["杭州精工"]
