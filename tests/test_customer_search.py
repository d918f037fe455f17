"""Customer search in SQL: the search keys kept per customer, pinyin and initials, a limit, the scope (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from salesnb.auth.visibility import Scope
from salesnb.customer_search import CANDIDATES, index_customer_names, search_customers
from salesnb.db import session_scope
from salesnb.models import Customer, CustomerSearchKey
from salesnb.scorecards.leads import search_leads

from .widgets.seed import seed


@pytest.fixture
def seeded(engine):
    seed(engine)
    return engine


def ids(hits):
    return [h.customer_id for h in hits]


def test_found_by_name_pinyin_initials_and_id(seeded):
    for text in ("华电", "huadian", "HD", "shanghaihua", "c001", "上海 华电"):
        assert ids(search_customers(seeded, text))[:1] == ["C001"], text
    # the limit; the ids match equally well, so by name (C003's starts with "<")
    assert ids(search_customers(seeded, "c00", limit=2)) == ["C003", "C001"]
    assert search_customers(seeded, "%") == [] and search_customers(seeded, "_") == []  # no LIKE wild cards
    assert ids(search_customers(seeded, "明珠", scope=Scope(frozenset({"U01"})))) == []


def test_keys_follow_new_renamed_and_deleted_customers(seeded):
    search_customers(seeded, "华电")  # the keys exist
    with session_scope(seeded) as s:
        assert s.scalar(select(func.count()).select_from(CustomerSearchKey)) == 4
        s.add(Customer(customer_id="C900", name="杭州海康精密", owner_id="U01"))  # not through an import
    assert ids(search_customers(seeded, "hkjm")) == ["C900"]  # a new customer: indexed before the search
    with session_scope(seeded) as s:
        s.execute(update(Customer).where(Customer.customer_id == "C001").values(name="上海远东电气"))
        s.execute(delete(Customer).where(Customer.customer_id == "C004"))
    assert index_customer_names(seeded) == 1  # the renamed one (the deleted one's keys dropped)
    assert ids(search_customers(seeded, "yuandong")) == ["C001"] and search_customers(seeded, "huadian") == []
    assert search_customers(seeded, "中科") == []
    assert index_customer_names(seeded) == 0  # nothing left to do


def test_a_search_reads_a_bounded_number_of_rows(seeded):
    """Many customers match: the database ranks and limits; the best matches come first."""
    with session_scope(seeded) as s:
        s.add_all(Customer(customer_id=f"X{i:04d}", name=f"华东电子{i:04d}号有限公司", owner_id="U01")
                  for i in range(3 * CANDIDATES))
        s.add(Customer(customer_id="X9999", name="华东", owner_id="U01"))
    hits = search_customers(seeded, "华东", limit=1)
    assert ids(hits) == ["X9999"]  # the whole name, shortest prefix match
    assert len(search_customers(seeded, "huadong", limit=5)) == 5


def test_leads_by_customer_pinyin_or_lead_id(seeded):
    assert [h.lead_id for h in search_leads(seeded, "huadian")] == [
        h.lead_id for h in search_leads(seeded, "华电")]
    assert search_leads(seeded, "huadian") and all(h.customer_id == "C001" for h in search_leads(seeded, "hd"))
    first = search_leads(seeded, "l00", limit=1)
    assert len(first) == 1 and first[0].lead_id.lower().startswith("l00")
    assert search_leads(seeded, "%") == []
