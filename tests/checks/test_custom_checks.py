"""Checks added by analysts (Python), by stored rules and by plugins run beside the built-in ones."""

from __future__ import annotations

import pytest
from sqlalchemy import String, cast, func, select, union_all

from salesnb.checks import Check, check_frame, findings_frame, register_check, run_checks, unregister_check
from salesnb.checks.registry import available_checks
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import CheckRun, Customer, Finding, Order, Quote
from salesnb.plugins import get_plugin_manager, hookimpl
from salesnb.rules import RuleError, save_rule

from .helpers import AS_OF, D, add, base_people

BIG_QUOTE = {"table": "quotes", "severity": "info",
             "rule": {"all": [{"field": "amount", "op": "ge", "value": 1000000},
                              {"field": "status", "op": "in", "value": ["quoted", "accepted"]}]},
             "message": {"zh-CN": "大额报价 {entity_id}", "en": "Big quote {entity_id}"}}


@pytest.fixture
def quotes(engine):
    base_people(engine)
    add(engine, Quote, {"quote_id": "Q1", "amount": 2000000}, {"quote_id": "Q2", "amount": 10},
        {"quote_id": "Q3", "amount": 5000000, "status": "lost", "owner_id": "U2"})
    return engine


def test_python_check_with_a_rule_and_one_with_a_query(english, quotes):
    register_check(Check(name="big_quote", table="quotes", rule=BIG_QUOTE["rule"], message=BIG_QUOTE["message"]))

    def customers_without_quotes(ctx):
        c = Customer.__table__
        return select(cast(c.c.customer_id, String).label("entity_id"), c.c.owner_id.label("owner_id")).where(
            ~select(Quote.quote_id).where(Quote.customer_id == c.c.customer_id).exists())

    register_check(Check(name="idle_customer", table="customers", query=customers_without_quotes))
    add(quotes, Customer, {"customer_id": "C2", "owner_id": "U2"})
    try:
        report = run_checks(quotes, AS_OF, only=["big_quote", "idle_customer"])
        assert report.checks["big_quote"].count == 1 and report.checks["idle_customer"].count == 1
        frame = findings_frame(quotes)
        assert dict(zip(frame.entity_id, frame.message)) == {"Q1": "大额报价 Q1", "C2": "idle_customer: C2"}
        rows = check_frame(quotes, "big_quote", AS_OF)
        assert rows[["entity_id", "owner_id", "region", "amount"]].values.tolist() == [["Q1", "U1", "华东", 2000000]]
        with pytest.raises(SalesnbError, match="already registered"):
            register_check(Check(name="big_quote", table="quotes", rule=BIG_QUOTE["rule"]))
        with pytest.raises(RuleError):
            register_check(Check(name="broken", table="quotes", rule={"field": "amout", "op": "eq", "value": 1}))
    finally:
        unregister_check("big_quote")
        unregister_check("idle_customer")
    assert "big_quote" not in available_checks()


def test_stored_rule_check_runs_until_disabled(quotes):
    with session_scope(quotes) as s:
        save_rule(s, "big_quote", BIG_QUOTE, kind="check", actor="system")
    report = run_checks(quotes, AS_OF)
    assert report.checks["big_quote"].count == 1
    assert findings_frame(quotes, check="big_quote").severity.tolist() == ["info"]
    with session_scope(quotes) as s:
        save_rule(s, "big_quote", BIG_QUOTE, kind="check", actor="system", enabled=False)
    assert "big_quote" not in run_checks(quotes, AS_OF).checks


def test_stored_check_definitions_are_validated(english, sqlite_engine):
    bad = {"table": "quotes", "rule": {"field": "amount", "op": "is_empty"}, "severity": "urgent",
           "owner": "manager_id", "colour": "red"}
    with pytest.raises(RuleError) as err, session_scope(sqlite_engine) as s:
        save_rule(s, "bad_check", bad, kind="check")
    assert err.value.problems == [
        "definition: unexpected key(s) colour (allowed: description, message, owner, rule, severity, started, table, title)",
        "definition.rule.op: operator is_empty is not possible for amount (decimal); use one of eq, ne, lt, le, gt, "
        "ge, in, not_in, is_null, not_null",
        "definition.severity: expected one of info, warning, critical",
        "definition.owner: quotes has no text field 'manager_id'",
    ]
    with pytest.raises(SalesnbError, match="two checks are named quote_not_ordered"), \
            session_scope(sqlite_engine) as s:
        save_rule(s, "quote_not_ordered", BIG_QUOTE, kind="check")
        available_checks(s)


class _Plugin:
    @hookimpl
    def salesnb_checks(self):
        return [Check(name="order_without_contract", table="orders", severity="info", owner=None,
                      rule={"field": "contract_id", "op": "is_null"})]


def test_plugin_contributes_a_check(engine):
    base_people(engine)
    add(engine, Order, {"order_id": "O1", "created_at": AS_OF - D}, {"order_id": "O2", "contract_id": "K1"})
    pm = get_plugin_manager()
    plugin = _Plugin()
    pm.register(plugin, name="test-checks")
    try:
        report = run_checks(engine, AS_OF, only=["order_without_contract"])
        assert report.checks["order_without_contract"].count == 1
        assert available_checks()["order_without_contract"].source == "plugin"
    finally:
        pm.unregister(plugin)


def test_a_query_check_giving_only_entity_ids_stores_nulls_and_persists(quotes):
    """The hits become a table created from the check's query: a column it does not give is a typed NULL
    (on PostgreSQL an untyped one would be text, and comparing it with findings.level would fail)."""
    def bare(ctx):
        q = Quote.__table__
        return select(cast(q.c.quote_id, String).label("entity_id")).where(q.c.amount >= 1000000)

    register_check(Check(name="bare_quote", table="quotes", query=bare, owner=None))
    try:
        first = run_checks(quotes, AS_OF, only=["bare_quote"]).checks["bare_quote"]
        again = run_checks(quotes, AS_OF + D, only=["bare_quote"]).checks["bare_quote"]
        with session_scope(quotes) as s:
            stored = s.execute(select(Finding.entity_id, Finding.owner_id, Finding.region, Finding.level,
                                      Finding.bucket, Finding.started_at, Finding.details, Finding.last_seen)
                               .where(Finding.check_name == "bare_quote").order_by(Finding.entity_id)).all()
    finally:
        unregister_check("bare_quote")
    assert (first.count, first.new) == (2, 2) and (again.new, again.persisting, again.resolved) == (0, 2, 0)
    assert [tuple(r) for r in stored] == [(q, None, None, None, None, None, None, AS_OF) for q in ("Q1", "Q3")]


def test_a_check_finding_one_entity_twice_fails_cleanly_and_stores_nothing(english, quotes):
    def doubled(ctx):
        q = Quote.__table__
        once = select(cast(q.c.quote_id, String).label("entity_id")).where(q.c.quote_id == "Q1")
        return union_all(once, once)

    register_check(Check(name="doubled_quote", table="quotes", query=doubled))
    try:
        with pytest.raises(SalesnbError, match="check doubled_quote found the same entity more than once"):
            run_checks(quotes, AS_OF, only=["doubled_quote"])
    finally:
        unregister_check("doubled_quote")
    with session_scope(quotes) as s:
        assert s.scalar(select(func.count()).select_from(Finding)) == 0
        assert s.scalars(select(CheckRun.status)).all() == ["failed"]


def _prefetched_quotes(ctx):
    """Quotes whose id the check's prefetch returned."""
    ids = ctx.prefetched.result() if ctx.prefetched is not None else ["Q2"]
    return select(cast(Quote.quote_id, String).label("entity_id")).where(Quote.quote_id.in_(ids))


def test_a_checks_prefetch_reaches_its_query_and_its_failure_fails_the_run(quotes):
    def prefetch(engine, as_of):
        with engine.connect() as conn:  # on a connection of its own: it sees the committed quotes
            return [q for q in conn.scalars(select(Quote.quote_id).where(Quote.amount >= 1000000))]

    def broken(engine, as_of):
        raise RuntimeError("the capacity system is down")

    register_check(Check(name="prefetched", table="quotes", query=_prefetched_quotes, prefetch=prefetch))
    try:
        report = run_checks(quotes, AS_OF, only=["prefetched"])
        assert set(findings_frame(quotes, check="prefetched").entity_id) == {"Q1", "Q3"}
        assert report.checks["prefetched"].count == 2
    finally:
        unregister_check("prefetched")
    register_check(Check(name="prefetched", table="quotes", query=_prefetched_quotes, prefetch=broken))
    try:
        with pytest.raises(RuntimeError, match="capacity system is down"):
            run_checks(quotes, AS_OF, only=["prefetched"])
        with session_scope(quotes) as s:
            assert s.scalars(select(CheckRun.status).order_by(CheckRun.id.desc())).first() == "failed"
    finally:
        unregister_check("prefetched")


def test_an_in_memory_database_runs_a_prefetch_in_turn():
    from salesnb.checks.runner import _prefetching
    from salesnb.db import make_engine

    check = Check(name="prefetched", table="quotes", query=_prefetched_quotes, prefetch=lambda engine, as_of: [])
    with _prefetching(make_engine("sqlite://"), AS_OF, [check]) as prefetched:
        assert prefetched == {}
