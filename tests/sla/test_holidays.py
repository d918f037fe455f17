"""The team's own holidays and 调休: entered from a sheet, used ahead of chinese_calendar (which stops
after 2026), and a visible warning before the known range runs out."""

from __future__ import annotations

from datetime import datetime, timedelta

from click.testing import CliRunner
from openpyxl import Workbook

from salesnb.cli import main
from salesnb.db import session_scope
from salesnb.sla import default_policies, escalate, get_policy, save_policy

from .helpers import TZ, add_task, seed_people

H = timedelta(hours=1)
CREATED = datetime(2027, 2, 5, 17, 0, tzinfo=TZ)  # the Friday before the 2027 Spring Festival
SHEET = [("日期", "类型", "名称"),
         *((f"2027-02-{d:02d}", "放假", "春节") for d in range(6, 14)),
         ("2027-02-14", "上班", "春节调休"), ("2027-02-20", "上班", "春节调休")]


def working_hours_policy(engine):
    definition = default_policies()["invoice_confirm"].to_dict()  # 2 h target
    definition["calendar"] = {"mode": "working_hours", "chinese_holidays": True}
    with session_scope(engine) as session:
        save_policy(session, definition)


def write_sheet(path):
    workbook = Workbook()
    for row in SHEET:
        workbook.active.append(row)
    workbook.save(path)
    return path


def due(engine):
    with session_scope(engine) as session:
        clock = get_policy(session, "invoice_confirm").clock
        return clock.add(CREATED, 2 * H), set(clock.warnings)


def test_the_2027_spring_festival_is_no_working_time_once_entered(engine, db_url, tmp_path):
    seed_people(engine)
    working_hours_policy(engine)
    before, warnings = due(engine)
    assert before == datetime(2027, 2, 8, 10, 0, tzinfo=TZ)  # without the team's days: Monday in the holiday
    assert any("2027" in w for w in warnings)
    result = CliRunner().invoke(main, ["--db", db_url, "holidays", "import", str(write_sheet(tmp_path / "2027.xlsx"))])
    assert result.exit_code == 0, result.output
    assert "节假日表覆盖到 2027-12-31" in result.output
    after, warnings = due(engine)
    assert after == datetime(2027, 2, 14, 10, 0, tzinfo=TZ) and warnings == set()  # the Sunday 调休
    add_task(engine, "INV-CNY", "invoice_confirm", CREATED)
    assert escalate(engine, datetime(2027, 2, 10, 12, 0, tzinfo=TZ)).fired == 0
    assert escalate(engine, datetime(2027, 2, 14, 10, 30, tzinfo=TZ)).fired == 1
    listed = CliRunner().invoke(main, ["--db", db_url, "holidays", "list", "--year", "2027"])
    assert "2027-02-06  holiday  春节" in listed.output and "2027-02-14  workday  春节调休" in listed.output


def test_the_end_of_the_known_calendar_is_announced_60_days_ahead(engine, db_url, tmp_path):
    seed_people(engine)
    working_hours_policy(engine)
    early = escalate(engine, datetime(2026, 10, 15, 9, 0, tzinfo=TZ))
    assert not [w for w in early.warnings if "2026-12-31" in w]
    late = escalate(engine, datetime(2026, 11, 27, 9, 0, tzinfo=TZ))
    assert [w for w in late.warnings if "2026-12-31" in w and "2027" in w]
    daily = CliRunner().invoke(main, ["--db", db_url, "daily", "--as-of", "2026-11-27 09:00", "--steps", "escalate"])
    assert daily.exit_code == 0 and "2026-12-31" in daily.output
    CliRunner().invoke(main, ["--db", db_url, "holidays", "import", str(write_sheet(tmp_path / "2027.xlsx"))])
    assert not escalate(engine, datetime(2026, 11, 27, 9, 0, tzinfo=TZ)).warnings
    assert [w for w in escalate(engine, datetime(2027, 11, 15, 9, 0, tzinfo=TZ)).warnings if "2027-12-31" in w]


def test_no_warning_when_no_policy_follows_holidays(engine):
    seed_people(engine)
    assert escalate(engine, datetime(2026, 12, 20, 9, 0, tzinfo=TZ)).warnings == []


def test_a_bundle_carries_the_holidays(engine, db_url, tmp_path):
    from salesnb.runs.bundles import apply_import, export_bundle, plan_import, read_bundle
    from salesnb.db import make_engine, upgrade
    from salesnb.sla import load_holidays

    from ..runs.notebooks import settings_for

    CliRunner().invoke(main, ["--db", db_url, "holidays", "import", str(write_sheet(tmp_path / "2027.xlsx"))])
    settings = settings_for(db_url, tmp_path / "a")
    export_bundle(engine, settings, "team", tmp_path / "team.zip")
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    plan = plan_import(other, settings_for(str(other.url), tmp_path / "b"), read_bundle(tmp_path / "team.zip"))
    assert [(i.kind, i.name, i.action) for i in plan.items] == [("holidays", "2027", "add")]
    apply_import(other, plan)
    with session_scope(engine) as mine, session_scope(other) as theirs:
        assert load_holidays(theirs) == load_holidays(mine) and len(load_holidays(mine).entries) == 10
    again = plan_import(other, settings_for(str(other.url), tmp_path / "b"), read_bundle(tmp_path / "team.zip"))
    assert [i.action for i in again.items] == ["same"]
    other.dispose()
