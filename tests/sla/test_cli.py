"""``salesnb escalate`` and ``salesnb sla …`` through the real CLI, on both backends."""

from __future__ import annotations

import json

from click.testing import CliRunner

from salesnb.cli import main
from salesnb.models import EscalationLog, SlaPolicy

from .helpers import T0, add_task, count, seed_people


def run(db_url, *args, ok=True):
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_escalate_and_trace(engine, db_url):
    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    out = run(db_url, "escalate", "--as-of", "2026-11-02 13:00", "--json")
    report = json.loads(out.output)
    assert report["fired"] == 2 and report["todos"] == 1
    assert report["by_level"] == [{"node": "invoice_confirm", "level": 1, "fired": 1},
                                  {"node": "invoice_confirm", "level": 2, "fired": 1}]
    again = run(db_url, "escalate", "--as-of", "2026-11-02 13:00")
    assert "0 level(s) fired" in again.output
    text = run(db_url, "sla", "trace", "T1").output
    assert "L1: due 2026-11-02 11:00" in text and "孙财务经理 (FM)" in text
    assert "should have acted: 孙财务经理 (FM), 王总监 (D1)" in text
    traced = json.loads(run(db_url, "sla", "trace", "T1", "--json").output)
    assert [f["level"] for f in traced["fired"]] == [1, 2]
    missing = run(db_url, "sla", "trace", "NOPE", ok=False)
    assert missing.exit_code == 2 and "no task 'NOPE'" in missing.output
    bad = run(db_url, "escalate", "--as-of", "yesterday-ish", ok=False)
    assert bad.exit_code == 2 and "--as-of" in bad.output


def test_list_show_set_timeline_reset(engine, db_url, tmp_path):
    listing = run(db_url, "sla", "list").output
    assert "invoice_confirm" in listing and "L1@2h, L2@4h, L3@8h" in listing
    shown = json.loads(run(db_url, "sla", "show", "invoice_confirm").output)
    assert shown["target_hours"] == 2
    shown["target_hours"] = 3
    shown["levels"][0]["notify"] = ["role:finance_manager", "user:F1"]
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(shown), encoding="utf-8")
    assert "version 1" in run(db_url, "sla", "set", "invoice_confirm", "--file", str(path)).output
    assert "version 2" in run(db_url, "sla", "set", "invoice_confirm", "--calendar", "working_hours").output
    stored = json.loads(run(db_url, "sla", "show", "invoice_confirm").output)
    assert stored["target_hours"] == 3 and stored["calendar"]["mode"] == "working_hours"
    assert stored["levels"][0]["notify"] == ["role:finance_manager", "user:F1"]
    timeline = run(db_url, "sla", "timeline", "invoice_confirm", "--created-at", "2026-11-13 17:00").output
    assert "2026-11-16 Mon 11:00  deadline" in timeline  # 1 h Friday + 2 h Monday
    events = json.loads(run(db_url, "sla", "timeline", "invoice_confirm", "--created-at", "2026-11-13 17:00",
                            "--json").output)
    assert events[1]["kind"] == "deadline" and events[1]["at"].startswith("2026-11-16T11:00")
    assert "deleted" in run(db_url, "sla", "reset", "invoice_confirm").output
    assert count(engine, SlaPolicy) == 0


def test_bad_policy_file_changes_nothing(engine, db_url, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"target_hours": 2,, }', encoding="utf-8")
    result = run(db_url, "sla", "set", "invoice_confirm", "--file", str(broken), ok=False)
    assert result.exit_code == 2 and "broken.json: not valid JSON (line 1, column" in result.output
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"target_hours": 2, "levels": [{"level": 1, "notify": ["role:king"]}]}))
    result = run(db_url, "sla", "set", "x", "--file", str(invalid), ok=False)
    assert result.exit_code == 2 and "invalid.json: levels[0].notify[0]: unknown role 'king'" in result.output
    assert count(engine, SlaPolicy) == 0
    result = run(db_url, "sla", "set", "unknown_node", "--target-hours", "3", ok=False)
    assert result.exit_code == 2 and "--file" in result.output


def test_pause_and_resume(engine, db_url):
    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    assert "paused" in run(db_url, "sla", "pause", "T1", "--status", "waiting_customer", "--at", "2026-11-02 10:00").output
    twice = run(db_url, "sla", "pause", "T1", "--status", "waiting_customer", ok=False)
    assert twice.exit_code == 2 and "already paused" in twice.output
    early = run(db_url, "sla", "resume", "T1", "--at", "2026-11-02 09:30", ok=False)
    assert early.exit_code == 2 and "cannot resume before" in early.output
    assert "resumed" in run(db_url, "sla", "resume", "T1", "--at", "2026-11-02 11:00").output
    run(db_url, "escalate", "--as-of", "2026-11-02 11:30")
    assert count(engine, EscalationLog) == 1  # the default policy does not pause on waiting_customer
