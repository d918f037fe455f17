"""The ``sql`` source against a second database with its own Chinese tables and columns."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from salesnb.cli import main
from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import Customer, Lead, SyncState
from salesnb.sync import run_sync, states

T0 = datetime(2026, 11, 2, 9, 0)


def settings_for(db_url: str, erp_url: str) -> Settings:
    return Settings(db_url=db_url, raw={"sync": {"erp": {
        "type": "sql", "url": erp_url,
        "streams": {
            "customers": {"query": 'SELECT "客户代码", "客户全称", "所属大区", "负责人", "更新时间" FROM "客户"',
                          "cursor": "更新时间"},
            "leads": {"source_table": "商机", "cursor": "修改时间",
                      "columns": {"录入时间": "created_at", "商机编号": "lead_id"}},
        }}}})


def add_customers(erp, *rows):
    with erp.begin() as conn:
        conn.execute(text('INSERT INTO "客户" VALUES (:id, :name, :region, :owner, :at)'),
                     [dict(zip(("id", "name", "region", "owner", "at"), r)) for r in rows])


def add_leads(erp, *rows):
    with erp.begin() as conn:
        conn.execute(text('INSERT INTO "商机" VALUES (:id, :customer, :owner, :created, :at)'),
                     [dict(zip(("id", "customer", "owner", "created", "at"), r)) for r in rows])


def store(engine, model, column):
    with session_scope(engine) as session:
        return {r[0]: r[1] for r in session.execute(select(model.__table__.primary_key.columns[0], column))}


def cursor(engine, stream):
    with session_scope(engine) as session:
        return session.get(SyncState, ("erp", stream)).cursor


def test_first_incremental_rerun_bad_row_and_vanished(team, erp, db_url, erp_url):
    engine, settings = team, settings_for(db_url, erp_url)
    add_customers(erp, ("C001", "杭州精工", "华东", "张伟", T0), ("C002", "苏州博远", "华东", "13800000002", T0),
                  ("C003", "成都蓉信", "西南", "wangfang", T0 + timedelta(minutes=1)))
    add_leads(erp, ("L001", "C001", "李娜", T0, T0), ("L002", "C003", "王芳", T0, T0))

    first = run_sync(engine, settings=settings)
    assert first.ok, first.lines()
    assert [(s.stream, s.rows, s.inserted) for s in first.streams] == [("customers", 3, 3), ("leads", 2, 2)]
    # people named by name, phone and platform id → user ids
    assert store(engine, Customer, Customer.owner_id) == {"C001": "U001", "C002": "U002", "C003": "U003"}
    assert store(engine, Customer, Customer.region)["C003"] == "西南"
    assert store(engine, Lead, Lead.owner_id) == {"L001": "U002", "L002": "U003"}
    assert "09:01:00" in str(cursor(engine, "customers")["value"])  # text on SQLite, a tagged datetime on PostgreSQL

    # incremental: one insert and one update move; the rest is not read
    with erp.begin() as conn:
        conn.execute(text('UPDATE "客户" SET "客户全称" = \'苏州博远科技\', "更新时间" = :at WHERE "客户代码" = \'C002\''),
                     {"at": T0 + timedelta(hours=1)})
    add_customers(erp, ("C004", "重庆山城", "西南", "张伟", T0 + timedelta(hours=1)))
    second = run_sync(engine, settings=settings)
    assert [(s.stream, s.rows, s.inserted, s.updated, s.unchanged) for s in second.streams] == [
        ("customers", 2, 1, 1, 0), ("leads", 0, 0, 0, 0)]
    assert store(engine, Customer, Customer.name)["C002"] == "苏州博远科技"

    # a rerun reads nothing and changes nothing
    third = run_sync(engine, settings=settings)
    assert third.total("rows") == 0 and third.ok

    # a bad row: the whole batch (the good row with it) is refused and named; the cursor stays
    before = cursor(engine, "leads")
    add_leads(erp, ("L003", "C002", "李娜", T0, T0 + timedelta(hours=2)),
              ("L004", "C002", "赵无名", T0, T0 + timedelta(hours=2)))
    bad = run_sync(engine, ["erp"], settings=settings)
    leads = bad.streams[1]
    assert not bad.ok and leads.rows == 0
    assert [(p.source, p.stream, p.key, p.column) for p in leads.problems] == [("erp", "leads", "L004", "跟进人")]
    assert "赵无名" in str(leads.problems[0])
    assert set(store(engine, Lead, Lead.owner_id)) == {"L001", "L002"}
    assert cursor(engine, "leads") == before
    assert [s for s in states(engine) if s["stream"] == "leads"][0]["status"] == "error"
    with erp.begin() as conn:
        conn.execute(text('UPDATE "商机" SET "跟进人" = \'李娜\' WHERE "商机编号" = \'L004\''))
    fixed = run_sync(engine, settings=settings)
    assert fixed.ok and fixed.streams[1].inserted == 2

    # a row deleted in the source is reported on --full, never deleted
    with erp.begin() as conn:
        conn.execute(text('DELETE FROM "客户" WHERE "客户代码" = \'C003\''))
    full = run_sync(engine, settings=settings, full=True)
    assert full.streams[0].vanished == ["C003"] and full.streams[0].rows == 3
    assert full.streams[0].unchanged == 3
    assert "C003" in store(engine, Customer, Customer.name)
    assert any("C003" in w for w in full.warnings)


def test_dry_run_writes_nothing_and_cli(team, erp, db_url, erp_url, tmp_path, monkeypatch):
    add_customers(erp, ("C001", "杭州精工", "华东", "张伟", T0))
    settings = settings_for(db_url, erp_url)
    dry = run_sync(team, settings=settings, dry_run=True)
    assert dry.streams[0].inserted == 1
    assert store(team, Customer, Customer.name) == {} and states(team) == []

    config = tmp_path / "salesnb.toml"
    config.write_text(f'[sync.erp]\ntype = "sql"\nurl = "${{ERP_URL}}"\n'
                      '[sync.erp.streams.customers]\nsource_table = "客户"\ncursor = "更新时间"\n', encoding="utf-8")
    monkeypatch.setenv("SALESNB_CONFIG", str(config))
    monkeypatch.setenv("ERP_URL", erp_url)
    dry = CliRunner().invoke(main, ["--db", db_url, "sync", "--dry-run", "--json"])
    assert dry.exit_code == 0 and json.loads(dry.output)["totals"]["inserted"] == 1
    assert store(team, Customer, Customer.name) == {}
    result = CliRunner().invoke(main, ["--db", db_url, "sync", "erp"])
    assert result.exit_code == 0, result.output
    assert "erp/customers" in result.output and store(team, Customer, Customer.name) == {"C001": "杭州精工"}
    status = CliRunner().invoke(main, ["--db", db_url, "sync", "--status"])
    assert "erp/customers" in status.output and "ok" in status.output
    unknown = CliRunner().invoke(main, ["--db", db_url, "sync", "nope"])
    assert unknown.exit_code == 2 and "nope" in unknown.output


@pytest.mark.parametrize("backend", ["sqlite"])
def test_batches_never_split_equal_cursor_values(backend, sqlite_engine, tmp_path):
    from salesnb.db import make_engine

    erp = make_engine(f"sqlite:///{tmp_path / 'erp2.db'}")
    with erp.begin() as conn:
        conn.execute(text('CREATE TABLE "客户" ("客户代码" TEXT PRIMARY KEY, "客户全称" TEXT, "版本" INTEGER)'))
        conn.execute(text('INSERT INTO "客户" VALUES (:i, :n, :v)'),
                     [{"i": f"C{i:03}", "n": f"客户{i}", "v": i // 3} for i in range(10)])
    settings = Settings(db_url="", raw={"sync": {"erp": {"type": "sql", "url": f"sqlite:///{tmp_path / 'erp2.db'}",
                                                         "batch_rows": 2, "streams": {"customers": {
                                                             "source_table": "客户", "cursor": "版本"}}}}})
    report = run_sync(sqlite_engine, settings=settings)
    # versions 0,0,0,1,1,1,2,2,2,3 in batches of 2: each batch ends between versions, none is lost
    assert report.ok and report.streams[0].inserted == 10 and report.streams[0].batches >= 3
    with erp.begin() as conn:
        conn.execute(text('INSERT INTO "客户" VALUES (\'C100\', \'新客户\', 4)'))
    again = run_sync(sqlite_engine, settings=settings)
    assert again.streams[0].rows == 1 and again.streams[0].inserted == 1


def test_no_sources_and_passwords_in_urls(engine, tmp_path, monkeypatch):
    from salesnb.errors import SyncError
    from salesnb.notify.redact import redact

    with pytest.raises(SyncError, match="没有配置同步来源"):
        run_sync(engine, settings=Settings(db_url=""))
    settings = Settings(db_url="", raw={"sync": {"erp": {
        "type": "sql", "url": "postgresql://erp:Erp-pa55word@127.0.0.1:1/erp",
        "streams": {"customers": {"source_table": "客户"}}}}})
    report = run_sync(engine, settings=settings)
    assert not report.ok and "Erp-pa55word" not in report.streams[0].error
    assert redact("x Erp-pa55word y") == "x *** y"
