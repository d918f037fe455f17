"""The ``folder`` source: a new, a changed and a broken export; each good file imported once, by content."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import Customer, Lead, SyncState
from salesnb.sync import run_sync

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def settings(folder):
    return Settings(db_url="", raw={"sync": {"drop": {"type": "folder", "path": str(folder)}}})


def names(engine, model, column):
    with session_scope(engine) as session:
        return dict(session.execute(select(model.__table__.primary_key.columns[0], column)).all())


def test_new_changed_and_broken_exports(team, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "客户导出.csv").write_text("客户编号,客户名称,负责人\nC001,杭州精工,张伟\nC002,苏州博远,李娜\n", encoding="utf-8")
    first = run_sync(team, settings=settings(drop))
    assert first.ok and first.streams[0].inserted == 2
    assert names(team, Customer, Customer.owner_id) == {"C001": "U001", "C002": "U002"}

    again = run_sync(team, settings=settings(drop))
    assert again.ok and again.streams[0].batches == 0  # the same content is not read again

    # a changed export, a new one, and a broken one (an unknown person, a bad date) in the same run
    (drop / "客户导出.csv").write_text("客户编号,客户名称,负责人\nC001,杭州精工集团,张伟\nC002,苏州博远,李娜\n",
                                     encoding="utf-8")
    (drop / "线索.csv").write_text("线索编号,客户编号,跟进人,创建时间\nL001,C001,王芳,2026-11-02 09:00\n", encoding="utf-8")
    (drop / "线索_坏.csv").write_text("线索编号,客户编号,跟进人,创建时间\nL002,C002,李娜,2026-11-02 09:00\n"
                                    "L003,C002,赵无名,2026-13-45\n", encoding="gb18030")
    third = run_sync(team, settings=settings(drop))
    stream = third.streams[0]
    assert not third.ok and stream.inserted == 1 and stream.updated == 1
    assert names(team, Customer, Customer.name)["C001"] == "杭州精工集团"
    assert set(names(team, Lead, Lead.owner_id)) == {"L001"}  # nothing of the broken file
    problems = {(p.key, p.column) for p in stream.problems}
    assert ("线索_坏.csv 第 3 行", "跟进人") in problems and ("线索_坏.csv 第 3 行", "创建时间") in problems
    assert "线索_坏.csv" in stream.error

    # the broken file stays reported until it is fixed; the good ones are not read again
    fourth = run_sync(team, settings=settings(drop))
    assert not fourth.ok and fourth.streams[0].batches == 1 and "线索_坏.csv" in fourth.streams[0].error
    (drop / "线索_坏.csv").write_text("线索编号,客户编号,跟进人,创建时间\nL002,C002,李娜,2026-11-02 09:00\n"
                                    "L003,C002,王芳,2026-11-03 09:00\n", encoding="gb18030")
    fixed = run_sync(team, settings=settings(drop))
    assert fixed.ok and fixed.streams[0].inserted == 2
    with session_scope(team) as session:
        state = session.get(SyncState, ("drop", "files"))
        assert sorted(state.cursor["files"].values()) == ["客户导出.csv", "客户导出.csv", "线索.csv", "线索_坏.csv"]
        assert state.status == "ok" and state.last_error is None
