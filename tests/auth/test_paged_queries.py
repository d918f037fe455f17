"""The apps' lists counted and paged in the database, with the person's scope in SQL (both backends).

Seed (tests/widgets/seed.py): D01 director above M01 and M02; U01 reports to M01, U02 to M02; F01 finance.
U01 owns K001, K003; U02 owns K002.
"""

from __future__ import annotations

import pytest

from salesnb.contracts.approval_queue import approval_queue, queue_counts
from salesnb.contracts import submit
from salesnb.db import session_scope

from ..widgets.seed import AS_OF, seed
from .test_scoped_queries import scope


@pytest.fixture
def seeded(engine):
    seed(engine)
    return engine


def ids(items):
    return [i.contract_id for i in items]


def test_contract_queue_counts_then_pages(seeded):
    director, rep, other = (scope(seeded, u) for u in ("D01", "U01", "M02"))
    assert queue_counts(seeded, scope=director) == {"feasible": 0, "frozen": 0, "unchecked": 3}
    assert ids(approval_queue(seeded, scope=director, limit=2)) == ["K001", "K002"]
    assert ids(approval_queue(seeded, scope=director, limit=2, offset=2)) == ["K003"]
    assert ids(approval_queue(seeded, scope=rep, limit=1, offset=1)) == ["K003"]  # the scope is in the query
    assert queue_counts(seeded, scope=other) == {"feasible": 0, "frozen": 0, "unchecked": 1}
    with session_scope(seeded) as s:
        submit(s, "K001", actor="U01", at=AS_OF)  # feasible
        submit(s, "K002", actor="U02", at=AS_OF)  # frozen (the promised days are too few)
    assert queue_counts(seeded, scope=director) == {"feasible": 1, "frozen": 1, "unchecked": 1}
    assert queue_counts(seeded, scope=rep) == {"feasible": 1, "frozen": 0, "unchecked": 1}
    assert ids(approval_queue(seeded, scope=director, verdict="frozen")) == ["K002"]
    assert ids(approval_queue(seeded, scope=director, verdict="unchecked", limit=5)) == ["K003"]
    assert ids(approval_queue(seeded, scope=rep, verdict="frozen")) == []
    assert ids(approval_queue(seeded, scope=director, contract_id="K002")) == ["K002"]
    assert approval_queue(seeded, scope=rep, contract_id="K002") == []  # another team's contract is absent
    item = approval_queue(seeded, scope=director, verdict="feasible")[0]
    assert item.feasible is True and item.guarantees == 1 and item.verdict["required_days"] > 0


def add_line(engine, txn_id: str, hour: int, invoice_id: str) -> None:
    """One more incoming bank line with a candidate for ``invoice_id`` (waits for review)."""
    from datetime import timedelta
    from decimal import Decimal

    from salesnb.models import BankMatch, BankTransaction

    with session_scope(engine) as s:
        s.add(BankTransaction(txn_id=txn_id, booked_at=AS_OF - timedelta(hours=hour), amount=Decimal(100),
                              payer_name="某公司", payer_account="1", memo=""))
        s.add(BankMatch(txn_id=txn_id, invoice_id=invoice_id, amount=Decimal(100), rule="name_only",
                        confidence=0.5, status="candidate", created_at=AS_OF))


def test_review_queue_counts_lines_then_pages_by_line(seeded):
    from salesnb.receivables import reconcile, review_queue
    from salesnb.receivables.bank_matches import applied_count, applied_matches
    from salesnb.receivables.review import review_count

    reconcile(seeded, AS_OF)  # B001, B002 applied; B003 waits with INV003 (K001, U01) and INV004 (K002, U02)
    add_line(seeded, "B9", 1, "INV004")  # the latest line, U02's invoice only
    finance, rep, other = (scope(seeded, u, "receivables") for u in ("F01", "U01", "M02"))
    assert review_count(seeded, scope=finance) == 2 and review_count(seeded, scope=rep) == 1
    assert review_count(seeded, scope=other) == 2
    first = review_queue(seeded, scope=finance, limit=1)
    assert list(first["txn_id"]) == ["B003", "B003"]  # a page holds every candidate of its lines
    assert list(review_queue(seeded, scope=finance, limit=1, offset=1)["txn_id"]) == ["B9"]
    assert list(review_queue(seeded, scope=rep, limit=5)["invoice_id"]) == ["INV003"]
    assert list(review_queue(seeded, scope=finance, item="INV004")["txn_id"].unique()) == ["B003", "B9"]
    assert review_queue(seeded, scope=rep, item="B9").empty  # a line with nothing the rep sees
    assert applied_count(seeded, scope=finance) == 2 and applied_count(seeded, scope=rep) == 1
    assert len(applied_matches(seeded, 1, scope=finance)) == 1
    assert len(applied_matches(seeded, 1, scope=finance, offset=1)) == 1
    assert applied_matches(seeded, 1, scope=finance, offset=2).empty
    assert list(applied_matches(seeded, scope=finance, item="B001")["invoice_id"]) == ["INV001"]
    assert applied_matches(seeded, scope=rep, item="B001").empty  # U02's invoice


def test_claimable_invoices_count_search_and_page_in_the_database(seeded):
    from salesnb.auth import allowed_owners, load_actor
    from salesnb.receivables.claim_lists import claimable_count, claimable_invoices

    def files_for(user_id):
        with session_scope(seeded) as s:
            return allowed_owners(load_actor(s, user_id), "claim.file")

    rep, manager, director, finance = (files_for(u) for u in ("U01", "M02", "D01", "F01"))
    # INV002 is claimed in full by PC001 (waiting for finance): nothing left on it, so it is not counted
    assert claimable_count(seeded, scope=rep) == 1
    assert [i.invoice_id for i in claimable_invoices(seeded, scope=rep)] == ["INV003"]
    assert [i.invoice_id for i in claimable_invoices(seeded, scope=manager)] == ["INV001", "INV004"]
    assert claimable_count(seeded, scope=director) == 3 and claimable_count(seeded, scope=finance) == 0
    assert [i.invoice_id for i in claimable_invoices(seeded, scope=director, limit=2, offset=1)] == ["INV003", "INV004"]
    assert claimable_count(seeded, scope=director, text="明珠") == 2  # the customer's name
    assert [i.invoice_id for i in claimable_invoices(seeded, scope=director, text="inv003")] == ["INV003"]
    assert claimable_count(seeded, scope=director, text="%") == 0  # typed text is no pattern
    assert claimable_count(seeded, scope=rep, text="明珠") == 0


def test_claims_count_and_page(seeded):
    from decimal import Decimal

    from salesnb.receivables import submit_claim
    from salesnb.receivables.claim_lists import claim_count, claim_rows

    with session_scope(seeded) as s:
        submit_claim(s, "INV003", owner_id="U01", amount=Decimal(1000), at=AS_OF)
        submit_claim(s, "INV004", owner_id="U02", amount=Decimal(1000), at=AS_OF)
    assert claim_count(seeded) == 3 and claim_count(seeded, status="finance_review") == 3
    assert claim_count(seeded, owners={"U01"}) == 2 and claim_count(seeded, owners={"U02"}) == 1
    newest = [c.claim_id for c in claim_rows(seeded, limit=2)]
    assert len(newest) == 2 and "PC001" not in newest  # newest first
    assert [c.claim_id for c in claim_rows(seeded, limit=2, offset=2)] == ["PC001"]
    assert [c.claim_id for c in claim_rows(seeded, owners={"U02"})] == ["CLM-INV004-1"]
    for status in (None, "finance_review", "confirmed"):  # the count without owners skips the joins: same number
        for owners in (None, {"U01"}, {"U02", "U01"}):
            assert claim_count(seeded, status=status, owners=owners) == len(
                claim_rows(seeded, status=status, owners=owners, limit=None))


def test_a_page_of_claims_is_read_in_index_order_not_sorted_whole(sqlite_engine):
    from sqlalchemy import text

    from salesnb.receivables.claim_lists import newest_claims

    for status, index in ((None, "ix_payment_claims_submitted"),
                          ("finance_review", "ix_payment_claims_status_submitted")):
        query = newest_claims(status, None).limit(200)
        sql = str(query.compile(sqlite_engine, compile_kwargs={"literal_binds": True}))
        with sqlite_engine.connect() as conn:
            plan = " | ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert f"payment_claims USING INDEX {index}" in plan, plan


def test_allowed_owners_is_allowed_as_a_set(seeded):
    from salesnb.auth import allowed, allowed_owners, load_actor

    with session_scope(seeded) as s:
        people = [load_actor(s, u) for u in ("U01", "U02", "M01", "M02", "D01", "F01")]
    for actor in people:
        owners = allowed_owners(actor, "claim.file")
        assert {p.user_id for p in people if owners.sees(p.user_id)} == {
            p.user_id for p in people if allowed(actor, "claim.file", p.user_id)}
    with pytest.raises(ValueError):
        allowed_owners(people[4], "contract.approve")  # the director's rule (not their own) is no set
