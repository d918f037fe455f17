"""The rule language: edges and NULL semantics on all three compilers, validation messages, stored rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.rules import RuleError, get_rule, latest_rules, save_rule, to_predicate, validate_rule
from salesnb.timeutil import to_local

from .helpers import evaluate_three

AS_OF = to_local(datetime(2026, 3, 10, 9, 0))
US = timedelta(microseconds=1)
H = timedelta(hours=1)


def lead(lead_id, **values):
    return {"lead_id": lead_id, "customer_id": "C1", "owner_id": "U1", "created_at": AS_OF - 10 * H, **values}


def test_time_offsets_are_exact_to_the_microsecond(engine):
    rows = [lead("exact", first_response_at=AS_OF - 6 * H),            # created + 4 h exactly
            lead("over", first_response_at=AS_OF - 6 * H + US),
            lead("under", first_response_at=AS_OF - 6 * H - US),
            lead("none")]
    within_4h = {"diff": ["first_response_at", "created_at"], "op": "le", "value": {"hours": 4}}
    assert evaluate_three(engine, "leads", rows, within_4h) == {"exact", "under"}
    same = {"field": "first_response_at", "op": "eq", "value": {"field": "created_at", "offset": {"hours": 4}}}
    assert evaluate_three(engine, "leads", rows, same) == {"exact"}
    # as_of − 6 h, against stored timestamps with and without a fraction of a second
    cut = {"field": "first_response_at", "op": "ge", "value": {"as_of": True, "offset": {"hours": -6}}}
    assert evaluate_three(engine, "leads", rows, cut, AS_OF) == {"exact", "over"}
    rows = [lead("half", created_at=AS_OF - timedelta(seconds=0.5)), lead("second", created_at=AS_OF - timedelta(seconds=1))]
    half = {"field": "created_at", "op": "gt", "value": {"as_of": True, "offset": {"seconds": -0.75}}}
    assert evaluate_three(engine, "leads", rows, half, AS_OF) == {"half"}


def test_field_valued_day_offsets(engine):
    base = {"customer_id": "C1", "owner_id": "U1", "amount": Decimal("1.00"), "status": "approved"}
    rows = [
        {"contract_id": "due_today", "submitted_at": AS_OF - timedelta(days=30), "payment_terms_days": 30, **base},
        {"contract_id": "overdue", "submitted_at": AS_OF - timedelta(days=30) - US, "payment_terms_days": 30, **base},
        {"contract_id": "no_terms", "submitted_at": AS_OF - timedelta(days=99), **base},
        {"contract_id": "negative", "submitted_at": AS_OF, "payment_terms_days": -1, **base},
    ]
    overdue = {"field": "submitted_at", "op": "lt",
               "value": {"as_of": True, "offset": {"days": {"field": "payment_terms_days", "negate": True}}}}
    assert evaluate_three(engine, "contracts", rows, overdue, AS_OF) == {"overdue", "negative"}


def test_null_semantics_agree(engine):
    rows = [lead("a", source="展会", budget_provided=True, purchase_freq_per_month=2.0),
            lead("b", source="", budget_provided=False, purchase_freq_per_month=0.0),
            lead("c", source="   ", budget_provided=None),
            lead("d", source=None)]
    assert evaluate_three(engine, "leads", rows, {"field": "source", "op": "ne", "value": "展会"}) == {"b", "c"}
    assert evaluate_three(engine, "leads", rows, {"not": {"field": "source", "op": "eq", "value": "展会"}}) == {"b", "c", "d"}
    assert evaluate_three(engine, "leads", rows, {"field": "source", "op": "is_empty"}) == {"b", "c", "d"}
    assert evaluate_three(engine, "leads", rows, {"field": "source", "op": "not_in", "value": ["x"]}) == {"a", "b", "c"}
    assert evaluate_three(engine, "leads", rows, {"field": "budget_provided", "op": "ne", "value": True}) == {"b"}
    assert evaluate_three(engine, "leads", rows, {"at_least": 2, "of": [
        {"field": "budget_provided", "op": "eq", "value": True},
        {"field": "purchase_freq_per_month", "op": "ge", "value": 1},
        {"field": "source", "op": "not_empty"}]}) == {"a"}
    assert evaluate_three(engine, "leads", rows, {"any": []}) == set()
    assert evaluate_three(engine, "leads", rows, {"all": []}) == {"a", "b", "c", "d"}


def test_text_operators_are_case_sensitive_everywhere(engine):
    rows = [lead("a", source="WeChat 群"), lead("b", source="wechat"), lead("c", source="微信 WeChat")]
    assert evaluate_three(engine, "leads", rows, {"field": "source", "op": "contains", "value": "WeChat"}) == {"a", "c"}
    assert evaluate_three(engine, "leads", rows, {"field": "source", "op": "starts_with", "value": "WeChat"}) == {"a"}
    assert evaluate_three(engine, "leads", rows, {"field": "source", "op": "contains", "value": "%"}) == set()


def test_exists_and_not_exists(engine):
    quotes = [{"quote_id": "Q1", "customer_id": "C1", "owner_id": "U1", "amount": Decimal("5.00"), "status": "accepted"},
              {"quote_id": "Q2", "customer_id": "C1", "owner_id": "U1", "amount": Decimal("5.00"), "status": "accepted"},
              {"quote_id": "Q3", "customer_id": "C1", "owner_id": "U1", "amount": Decimal("5.00"), "status": "lost"}]
    orders = [{"order_id": "O1", "quote_id": "Q1", "created_at": AS_OF, "status": "cancelled"},
              {"order_id": "O2", "quote_id": None, "created_at": AS_OF, "status": "open"}]
    no_order = {"not_exists": {"table": "orders", "on": {"quote_id": "quote_id"}}}
    assert evaluate_three(engine, "quotes", quotes, no_order, related={"orders": orders}) == {"Q2", "Q3"}
    live_order = {"exists": {"table": "orders", "on": {"quote_id": "quote_id"},
                             "where": {"field": "status", "op": "ne", "value": "cancelled"}}}
    assert evaluate_three(engine, "quotes", quotes, live_order, related={"orders": orders}) == set()


def test_validation_names_the_rule_path():
    rule = {"all": [
        {"field": "stauts", "op": "eq", "value": "accepted"},
        {"field": "amount", "op": "contains", "value": "1"},
        {"field": "status", "op": "eq", "value": "won"},
        {"field": "accepted_at", "op": "le", "value": {"as_of": True, "offset": {"hour": -48}}},
        {"any": [{"field": "amount", "op": "gt", "value": "lots"}, {"field": "amount", "op": "gt", "value": 1.005}]},
        {"not_exists": {"table": "order", "on": {"quote_id": "quote_id"}}},
        {"field": "status", "op": "eq", "value": None},
        {"field": "accepted_at", "op": "lt", "value": {"field": "amount"}},
        {"fields": "status"},
    ]}
    with pytest.raises(RuleError) as err:
        validate_rule(rule, "quotes", name="my rule")
    problems = err.value.problems
    assert problems[0].startswith("rule.all[0].field: unknown field 'stauts' in quotes; known: quote_id, ")
    assert problems[1] == ("rule.all[1].op: operator contains is not possible for amount (decimal); use one of "
                           "eq, ne, lt, le, gt, ge, in, not_in, is_null, not_null")
    assert problems[2] == "rule.all[2].value: 'won' is not an allowed value of status (draft, quoted, accepted, lost)"
    assert problems[3] == "rule.all[3].value.offset: unknown unit 'hour'; use days, hours, minutes or seconds"
    assert problems[4].startswith("rule.all[4].any[0].value: amount is decimal: ")
    assert problems[5] == "rule.all[4].any[1].value: amount is decimal: expected an amount with at most 2 decimals, got 1.005"
    assert problems[6].startswith("rule.all[5].not_exists.table: unknown table 'order'")
    assert problems[7] == "rule.all[6].value: null is not a value; use the operator is_null / not_null"
    assert problems[8] == "rule.all[7].value: accepted_at (datetime) cannot be compared with amount (decimal)"
    assert problems[9].startswith("rule.all[8]: expected one of the keys all, any, not")
    assert err.value.render("en").startswith("invalid my rule:\n  rule.all[0].field")


def test_user_text_is_data_never_code():
    rule = {"field": "source", "op": "eq", "value": "__import__('os').system('echo hacked')"}
    predicate = to_predicate(rule, "leads")
    assert predicate({"source": "__import__('os').system('echo hacked')"}) is True
    assert predicate({"source": "x"}) is False
    with pytest.raises(RuleError):
        validate_rule({"field": "__class__", "op": "eq", "value": "x"}, "leads")


def test_stored_rules_are_validated_and_versioned(english, sqlite_engine):
    definition = {"table": "orders", "rule": {"field": "status", "op": "eq", "value": "open"}}
    with session_scope(sqlite_engine) as s:
        assert save_rule(s, "open_orders", definition, kind="filter", actor="system").version == 1
        definition["rule"]["value"] = "shipped"
        assert save_rule(s, "open_orders", definition, kind="filter", actor="system").version == 2
    with session_scope(sqlite_engine) as s:
        assert get_rule(s, "open_orders", 1).definition["rule"]["value"] == "open"
        assert [(r.name, r.version) for r in latest_rules(s)] == [("open_orders", 2)]
    with pytest.raises(RuleError) as err, session_scope(sqlite_engine) as s:
        save_rule(s, "bad", {"table": "orders", "rule": {"field": "tracking_no", "op": "is_empty"}}, kind="filter")
    assert "rule.field: unknown field 'tracking_no' in orders" in str(err.value)
    with pytest.raises(SalesnbError, match="unknown rule kind"), session_scope(sqlite_engine) as s:
        save_rule(s, "x", definition, kind="report")
    with session_scope(sqlite_engine) as s:
        assert [(r.name, r.version) for r in latest_rules(s)] == [("open_orders", 2)]


def test_dates_compare_as_calendar_days(engine):
    from datetime import date

    rows = [{"product_line": p, "date": date(2026, 3, d), "free_capacity": c}
            for p, d, c in (("a", 10, 5), ("b", 11, 0), ("c", 12, 9))]
    assert evaluate_three(engine, "production_slots", rows, {"field": "date", "op": "ge", "value": "2026-03-11"}) == {"b", "c"}
    assert evaluate_three(engine, "production_slots", rows,
                          {"field": "date", "op": "in", "value": ["2026-03-10", "2026-03-12"]}) == {"a", "c"}
    assert evaluate_three(engine, "production_slots", rows, {"all": [
        {"field": "date", "op": "lt", "value": "2026-03-12"},
        {"field": "free_capacity", "op": "ge", "value": 1}]}) == {"a"}
