"""The 意向评分卡: refuse incomplete cards, grade A/B/C, promote A leads, versions, batch grading."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, update

from salesnb.db import session_scope
from salesnb.io import import_frame
from salesnb.models import Lead, LeadScore, OutboxMessage, PriorityPoolEntry, Scorecard
from salesnb.rules import RuleError
from salesnb.scorecards import (
    IncompleteScorecard, default_definition, get_scorecard, grade_leads, grades_frame, list_scorecards, save_lead,
    save_scorecard,
)

from ..checks.helpers import AS_OF, add, base_people

NEW_LEAD = {"lead_id": "L1", "customer_id": "C1", "owner_id": "U1", "region": "华东"}


@pytest.mark.parametrize("answers, grade", [
    ({"budget_provided": "是", "delivery_date_specified": "是", "purchase_freq_per_month": 2}, "A"),
    ({"budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": "3 次/月"}, "A"),
    ({"budget_provided": "是", "delivery_date_specified": "是", "purchase_freq_per_month": 1}, "B"),
    ({"budget_provided": "否", "delivery_date_specified": "是", "purchase_freq_per_month": 0}, "B"),
    ({"budget_provided": "否", "delivery_date_specified": "否", "purchase_freq_per_month": 1}, "B"),
    ({"budget_provided": "否", "delivery_date_specified": "否", "purchase_freq_per_month": 0}, "C"),
])
def test_default_grading(sqlite_engine, answers, grade):
    with session_scope(sqlite_engine) as s:
        assert get_scorecard(s).grade({**dict.fromkeys(["inquiry_type"]), **_normal(s, answers)}) == grade


def _normal(session, answers):
    from salesnb.scorecards import check_answers

    return check_answers(get_scorecard(session), answers)


def test_incomplete_card_is_refused_with_one_message_per_field(engine):
    base_people(engine)
    with pytest.raises(IncompleteScorecard) as err:
        with session_scope(engine) as s:
            save_lead(s, NEW_LEAD, {"budget_provided": "是", "purchase_freq_per_month": "",
                                    "inquiry_type": "闲聊"}, actor="U1", at=AS_OF, language="zh-CN")
    assert err.value.missing == ["delivery_date_specified", "purchase_freq_per_month"]
    assert err.value.problems == [
        "缺少必填项「是否明确交期」",
        "缺少必填项「近3个月采购频次（次/月）」",
        "「询盘类型」的值 '闲聊' 无效：请从下拉选项中选择（技术咨询、招标比价）",
    ]
    assert "L1" in str(err.value)
    with session_scope(engine) as s:  # nothing written
        assert s.scalar(select(func.count()).select_from(Lead)) == 0
        assert s.scalar(select(func.count()).select_from(LeadScore)) == 0
    with pytest.raises(IncompleteScorecard) as err:
        with session_scope(engine) as s:
            save_lead(s, NEW_LEAD, {}, actor="U1", language="en")
    assert err.value.problems[0] == "missing required field “Budget provided”"


def test_grade_a_notifies_the_manager_and_fills_the_pool_once(engine):
    base_people(engine)
    answers = {"budget_provided": "是", "delivery_date_specified": "是", "purchase_freq_per_month": 2,
               "inquiry_type": "招标比价"}
    with session_scope(engine) as s:
        result = save_lead(s, NEW_LEAD, answers, actor="U1", at=AS_OF)
    assert (result.grade, result.previous, result.promoted) == ("A", None, True)
    with session_scope(engine) as s:
        lead = s.get(Lead, "L1")
        assert (lead.grade, lead.graded_at, lead.inquiry_type, lead.purchase_freq_per_month) == \
               ("A", AS_OF, "tender", 2.0)
        (message,) = s.scalars(select(OutboxMessage)).all()
        assert message.recipients == ["M1"] and message.dedup_key == "scorecard:promote:L1"
        assert message.entity_id == "L1" and "L1" in message.subject
        (entry,) = s.scalars(select(PriorityPoolEntry)).all()
        assert (entry.pool, entry.lead_id, entry.added_by, entry.added_at) == ("新品优先体验池", "L1", "U1", AS_OF)
    # saving again (still A) neither notifies nor pools twice; history keeps both gradings
    with session_scope(engine) as s:
        again = save_lead(s, "L1", answers, actor="M1", at=AS_OF + timedelta(hours=1))
    assert (again.grade, again.previous, again.promoted) == ("A", "A", False)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        assert s.scalar(select(func.count()).select_from(PriorityPoolEntry)) == 1
        assert s.scalar(select(func.count()).select_from(LeadScore)) == 2


def test_promotion_rolls_back_with_its_transaction(engine):
    base_people(engine)
    answers = {"budget_provided": "是", "delivery_date_specified": "是", "purchase_freq_per_month": 4}
    with pytest.raises(RuntimeError):
        with session_scope(engine) as s:
            save_lead(s, NEW_LEAD, answers, actor="U1", at=AS_OF)
            raise RuntimeError("the caller fails later in the same transaction")
    with session_scope(engine) as s:
        for model in (Lead, LeadScore, OutboxMessage, PriorityPoolEntry):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_new_version_keeps_the_old_and_regrades_on_request(engine):
    base_people(engine)
    add(engine, Lead,
        {"lead_id": "L1", "budget_provided": True, "delivery_date_specified": False, "purchase_freq_per_month": 1},
        {"lead_id": "L2", "budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": 2},
        {"lead_id": "L3", "budget_provided": False, "delivery_date_specified": False, "purchase_freq_per_month": 0},
        {"lead_id": "L4", "budget_provided": None, "delivery_date_specified": True, "purchase_freq_per_month": 5})
    report = grade_leads(engine, as_of=AS_OF)
    assert (report.graded, report.incomplete, report.changed, report.promoted) == (3, 1, 3, 1)
    assert report.grades == {"B": 1, "A": 1, "C": 1}
    assert grade_leads(engine, as_of=AS_OF).changed == 0  # a rerun changes nothing
    # version 2: A needs only a budget and frequency ≥ 1
    definition = default_definition()
    definition["grades"][0]["rule"] = {"all": [{"field": "budget_provided", "op": "eq", "value": True},
                                               {"field": "purchase_freq_per_month", "op": "ge", "value": 1}]}
    with session_scope(engine) as s:
        card = save_scorecard(s, definition, actor="system")
    assert card.version == 2
    report = grade_leads(engine, as_of=AS_OF + timedelta(days=1), regrade=True)
    assert (report.version, report.graded, report.changed, report.promoted) == (2, 3, 1, 1)
    frame = grades_frame(engine)
    assert dict(zip(frame.lead_id, frame.grade)) == {"L1": "A", "L2": "A", "L3": "C"}
    assert frame.set_index("lead_id").in_pool.to_dict() == {"L1": True, "L2": True, "L3": False}
    history = grades_frame(engine, history=True)
    assert history[history.lead_id == "L1"][["scorecard_version", "grade"]].values.tolist() == [[1, "B"], [2, "A"]]
    with session_scope(engine) as s:
        assert [(v["version"], v["active"]) for v in list_scorecards(s)] == [(1, False), (2, True)]
        assert get_scorecard(s, version=1).grade({"budget_provided": True, "delivery_date_specified": False,
                                                  "purchase_freq_per_month": 1.0}) == "B"
        assert s.scalar(select(func.count()).select_from(Scorecard)) == 2


def test_batch_grading_pages_through_leads_and_promotes_like_saving_one(engine, monkeypatch):
    from salesnb.scorecards import grading

    monkeypatch.setattr(grading, "BATCH", 3)  # 8 leads: three pages
    base_people(engine)
    a = {"budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": 2}
    c = {"budget_provided": False, "delivery_date_specified": False, "purchase_freq_per_month": 0}
    add(engine, Lead, *[{"lead_id": f"B{i}", "customer_id": "C1", "owner_id": "U1", **(a if i % 2 else c)}
                        for i in range(8)])
    with session_scope(engine) as s:  # one lead graded A by saving it: the message batch grading must repeat
        save_lead(s, {**NEW_LEAD, "lead_id": "S1"}, {k: v for k, v in a.items()}, actor="system", at=AS_OF)
        (single,) = s.scalars(select(OutboxMessage)).all()
        single = {k: getattr(single, k) for k in ("recipients", "cc", "subject", "body", "payload", "event_type",
                                                  "entity_type", "status", "created_at")}
    report = grade_leads(engine, as_of=AS_OF)
    # S1 was graded by saving it with this version: the batch reads only the other eight
    assert (report.graded, report.changed, report.promoted, report.grades) == (8, 8, 4, {"A": 4, "C": 4})
    with session_scope(engine) as s:
        assert {lead.lead_id: lead.grade for lead in s.scalars(select(Lead))} == \
               {"S1": "A", **{f"B{i}": "A" if i % 2 else "C" for i in range(8)}}
        assert {e.lead_id for e in s.scalars(select(PriorityPoolEntry))} == {"S1", "B1", "B3", "B5", "B7"}
        messages = {m.entity_id: m for m in s.scalars(select(OutboxMessage))}
        assert set(messages) == {"S1", "B1", "B3", "B5", "B7"}
        b3 = messages["B3"]
        assert b3.dedup_key == "scorecard:promote:B3" and b3.subject == single["subject"].replace("S1", "B3")
        assert b3.body == single["body"].replace("S1", "B3")
        assert {k: getattr(b3, k) for k in ("recipients", "cc", "payload", "event_type", "entity_type", "status",
                                            "created_at")} == {k: v for k, v in single.items()
                                                               if k not in ("subject", "body")}
        assert s.scalar(select(func.count()).select_from(LeadScore)) == 9
    again = grade_leads(engine, as_of=AS_OF)  # a rerun reads no lead and writes nothing
    assert (again.graded, again.incomplete, again.changed, again.promoted) == (0, 0, 0, 0)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(LeadScore)) == 9
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 5


def test_invalid_scorecard_definitions_are_refused(sqlite_engine):
    definition = default_definition()
    definition["fields"][0]["column"] = "budget"
    definition["fields"][3]["options"].append({"value": "chat"})
    definition["grades"][0]["rule"] = {"field": "purchase_freq", "op": "ge", "value": 2}
    definition["grades"][1]["rule"] = {"field": "budget_provided", "op": "ge", "value": True}
    with pytest.raises(RuleError) as err, session_scope(sqlite_engine) as s:
        save_scorecard(s, definition)
    problems = err.value.problems
    assert problems[0] == "fields[0].column: leads has no column 'budget'"
    assert problems[1].startswith("fields[3].options: ['chat'] are not allowed in leads.inquiry_type")
    assert problems[2].startswith("grades[0].rule.field: unknown field 'purchase_freq'")
    assert problems[3].startswith("grades[1].rule.op: operator ge is not possible for budget_provided (bool)")
    with session_scope(sqlite_engine) as s:
        assert s.scalar(select(func.count()).select_from(Scorecard)) == 0


def test_custom_fields_are_kept_in_extra(engine):
    base_people(engine)
    definition = default_definition()
    definition["fields"].append({"name": "competitor", "type": "text", "required": True,
                                 "label": {"zh-CN": "竞争对手", "en": "Competitor"}})
    definition["fields"].append({"name": "budget_wan", "type": "number", "label": "预算（万元）"})
    definition["grades"].insert(0, {"grade": "A+", "rule": {"field": "budget_wan", "op": "ge", "value": 100}})
    with session_scope(engine) as s:
        save_scorecard(s, definition)
        result = save_lead(s, NEW_LEAD, {"budget_provided": "否", "delivery_date_specified": "否",
                                         "purchase_freq_per_month": 0, "competitor": "某厂", "budget_wan": "150"},
                           actor="U1", at=AS_OF)
    assert result.grade == "A+" and not result.promoted
    with session_scope(engine) as s:
        assert s.get(Lead, "L1").extra == {"scorecard": {"competitor": "某厂", "budget_wan": 150.0}}
    assert grade_leads(engine, as_of=AS_OF).grades == {}  # saving graded it with this version already
    assert grade_leads(engine, as_of=AS_OF, regrade=True).grades == {"A+": 1}


def test_the_daily_grading_reads_only_new_and_changed_leads(engine):
    base_people(engine)
    add(engine, Lead,
        {"lead_id": "L1", "budget_provided": True, "delivery_date_specified": False, "purchase_freq_per_month": 1},
        {"lead_id": "L2", "budget_provided": False, "delivery_date_specified": False, "purchase_freq_per_month": 0},
        {"lead_id": "L3", "budget_provided": None, "delivery_date_specified": True, "purchase_freq_per_month": 5})
    first = grade_leads(engine, as_of=AS_OF)
    assert (first.graded, first.incomplete, first.grades) == (2, 1, {"B": 1, "C": 1})
    rerun = grade_leads(engine, as_of=AS_OF)  # nothing changed: no lead read, none graded
    assert (rerun.graded, rerun.incomplete, rerun.changed) == (0, 0, 0)

    def import_leads(*rows):
        with session_scope(engine) as s:
            import_frame(s, "leads", pd.DataFrame([{"customer_id": "C1", "owner_id": "U1", "status": "open",
                                                    "created_at": "2026-03-01 09:00", **r} for r in rows]))

    with session_scope(engine) as s:
        stored = {c: getattr(s.get(Lead, "L2"), c) for c in ("customer_id", "owner_id", "created_at")}
    import_leads({"lead_id": "L1", "budget_provided": True, "delivery_date_specified": True,  # changed: B → A
                  "purchase_freq_per_month": 2},
                 {"lead_id": "L3", "budget_provided": False, "delivery_date_specified": True,  # now complete
                  "purchase_freq_per_month": 5})
    second = grade_leads(engine, as_of=AS_OF + timedelta(hours=1))
    assert (second.graded, second.changed, second.incomplete, second.grades) == (2, 2, 0, {"A": 1, "B": 1})
    with session_scope(engine) as s:  # an import that changes nothing leaves the lead alone
        import_frame(s, "leads", pd.DataFrame([{"lead_id": "L2", "budget_provided": False,
                                                "delivery_date_specified": False, "purchase_freq_per_month": 0,
                                                "status": "open", **stored}]))
    assert grade_leads(engine, as_of=AS_OF + timedelta(hours=2)).graded == 0
    with session_scope(engine) as s:  # a new scorecard version: every lead once, then nothing
        save_scorecard(s, default_definition(), actor="system")
    assert grade_leads(engine, as_of=AS_OF + timedelta(hours=3)).graded == 3
    assert grade_leads(engine, as_of=AS_OF + timedelta(hours=4)).graded == 0


def test_grading_reads_the_leads_left_unseen_anywhere_in_the_table_and_no_other(engine, monkeypatch):
    """Unseen: no basis (new, or changed by an import) or another card's or version's basis, sorting before or
    after the current one (read as two ranges so the index answers them); pages are written back by id."""
    from salesnb.scorecards import grading

    monkeypatch.setattr(grading, "BATCH", 2)
    base_people(engine)
    a = {"budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": 2}
    add(engine, Lead, *[{"lead_id": f"L{i}", "customer_id": "C1", "owner_id": "U1", **a} for i in range(9)])
    first = grade_leads(engine, as_of=AS_OF)
    assert first.graded == 9
    with session_scope(engine) as s:
        current = s.scalar(select(Lead.grade_basis).where(Lead.lead_id == "L0"))
        for lead_id, basis in (("L1", None), ("L4", "!older"), ("L7", current + "~")):
            s.execute(update(Lead).where(Lead.lead_id == lead_id).values(grade_basis=basis, grade=None))
    again = grade_leads(engine, as_of=AS_OF)
    assert (again.graded, again.changed) == (3, 3)
    with session_scope(engine) as s:
        assert set(s.scalars(select(Lead.grade_basis))) == {current}
        rows = s.execute(select(LeadScore.lead_id, func.count()).group_by(LeadScore.lead_id)).all()
        assert {lead_id for lead_id, n in rows if n == 2} == {"L1", "L4", "L7"}
    assert grade_leads(engine, as_of=AS_OF).graded == 0


def test_grading_many_leads_refreshes_postgresqls_statistics_of_them(engine, monkeypatch, fresh_statistics):
    # A first run marks every lead seen; with the statistics of before, PostgreSQL took the next day's read of
    # the unseen leads for a read of the whole table and walked it (6.2 s at 1 M orders).
    import salesnb.db
    from sqlalchemy import event

    monkeypatch.setattr(salesnb.db, "ANALYZE_AFTER", 3)
    base_people(engine)
    a = {"budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": 2}
    add(engine, Lead, *[{"lead_id": f"L{i}", "customer_id": "C1", "owner_id": "U1", **a} for i in range(4)])
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert grade_leads(engine, as_of=AS_OF).graded == 4
    analysed = [s for s in statements if s.strip().upper().startswith("ANALYZE")]
    assert analysed == (["ANALYZE leads"] if engine.dialect.name == "postgresql" else [])
    statements.clear()
    assert grade_leads(engine, as_of=AS_OF).graded == 0  # nothing read, nothing analysed
    assert not [s for s in statements if s.strip().upper().startswith("ANALYZE")]
