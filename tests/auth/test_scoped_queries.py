"""Row-level visibility in the library queries the apps call: a rep, a manager, a director, finance (both backends).

Seed (tests/widgets/seed.py): D01 director above M01 and M02; U01 reports to M01, U02 to M02; F01 finance.
U01 owns C001, C003, C004, K001, K003, findings Q001 and L001; U02 owns C002, K002, finding O002.
"""

from __future__ import annotations

import pytest

from salesnb.auth import load_actor, scope_of
from salesnb.checks import findings_frame
from salesnb.contracts.approval_queue import approval_queue
from salesnb.customers import customer_card, search_customers
from salesnb.db import session_scope
from salesnb.kpi import compute_kpis
from salesnb.kpi.audit_process import process_audit
from salesnb.receivables import reconcile, review_queue
from salesnb.receivables.bank_matches import applied_matches

from ..widgets.seed import AS_OF, seed


@pytest.fixture
def seeded(engine):
    seed(engine)
    return engine


def scope(engine, user_id: str, domain: str | None = None):
    with session_scope(engine) as session:
        return scope_of(load_actor(session, user_id), domain)


@pytest.mark.parametrize(("user", "contracts"), [
    ("U01", ["K001", "K003"]), ("M01", ["K001", "K003"]), ("M02", ["K002"]), ("D01", ["K001", "K002", "K003"]),
])
def test_contract_queue(seeded, user, contracts):
    assert sorted(i.contract_id for i in approval_queue(seeded, scope=scope(seeded, user))) == contracts


def test_customer_search_and_card(seeded):
    rep, manager, director = (scope(seeded, u) for u in ("U01", "M02", "D01"))
    assert sorted(h.customer_id for h in search_customers(seeded, "c00", scope=rep)) == ["C001", "C003", "C004"]
    assert [h.customer_id for h in search_customers(seeded, "明珠", scope=rep)] == []
    assert [h.customer_id for h in search_customers(seeded, "c00", scope=manager)] == ["C002"]
    assert len(search_customers(seeded, "c00", scope=director)) == 4
    assert customer_card(seeded, "C001", scope=rep).name == "上海华电设备有限公司"
    with pytest.raises(KeyError):
        customer_card(seeded, "C002", scope=rep)  # another rep's customer is as good as absent
    assert customer_card(seeded, "C002", scope=manager).customer_id == "C002"


def test_findings(seeded):
    assert sorted(findings_frame(seeded, scope=scope(seeded, "U01"))["entity_id"]) == ["L001", "Q001"]
    assert list(findings_frame(seeded, scope=scope(seeded, "M02"))["entity_id"]) == ["O002"]
    assert len(findings_frame(seeded, scope=scope(seeded, "D01"))) == 3
    assert len(findings_frame(seeded, scope=scope(seeded, "F01"))) == 3  # finance sees everything


def test_reconciliation_lists(seeded):
    reconcile(seeded, AS_OF)  # B001 → INV001 (U02), B002 → INV002 (U01) applied; B003 waits: INV003 (U01), INV004 (U02)
    rep = scope(seeded, "U01", "receivables")
    assert list(review_queue(seeded, scope=rep)["invoice_id"]) == ["INV003"]
    assert list(applied_matches(seeded, scope=rep)["invoice_id"]) == ["INV002"]
    finance = scope(seeded, "F01", "receivables")
    assert sorted(review_queue(seeded, scope=finance)["invoice_id"]) == ["INV003", "INV004"]
    assert sorted(applied_matches(seeded, scope=finance)["invoice_id"]) == ["INV001", "INV002"]


def test_kpis_and_audit(seeded):
    rep = compute_kpis(seeded, AS_OF, scope=scope(seeded, "U01"))
    owners = set(rep.rates["owner_id"].dropna())
    assert owners and owners <= {"U01"}
    regions = set(rep.at("region")["region"].dropna())
    assert regions == {"华东"}  # the region filter offers only what the rep sees
    everyone = compute_kpis(seeded, AS_OF, scope=scope(seeded, "D01"))
    assert {"U01", "U02"} <= set(everyone.rates["owner_id"].dropna())
    manager = compute_kpis(seeded, AS_OF, scope=scope(seeded, "M02"))
    assert set(manager.rates["owner_id"].dropna()) <= {"U02"}
    assert sorted(process_audit(seeded, AS_OF, scope=scope(seeded, "U01")).orders["order_id"]) == ["O003"]
    assert sorted(process_audit(seeded, AS_OF).orders["order_id"]) == ["O002", "O003"]
