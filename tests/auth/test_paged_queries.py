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
