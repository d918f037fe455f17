"""Find a customer by part of its name, its id, its pinyin or pinyin initials — in SQL, with a limit.

Each customer's name is kept folded, in full pinyin and as pinyin initials
in ``customer_search_keys`` (:func:`index_customer_names`, run after an
import and before a search finds a name it has not seen), so search as you
type is one ``LIKE`` query bounded by a limit, not a scan of every customer
in Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine, case, delete, func, insert, literal, or_, select

from .auth.visibility import Scope
from .models import Customer, CustomerSearchKey

INDEX_BATCH = 5_000
CANDIDATES = 20  # rows read a suggestion shown, ranked exactly in Python
ESCAPE = "\\"


@dataclass(frozen=True)
class CustomerHit:
    """One search suggestion."""

    customer_id: str
    name: str
    region: str | None
    score: float


def fold(text: str) -> str:
    """``text`` folded for matching: NFKC, lower case, without spaces and separators."""
    return re.sub(r"[\s·\-_()（）]+", "", unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=65536)
def _search_keys(name: str) -> tuple[str, str, str]:
    """(folded name, full pinyin, pinyin initials) of a name; pinyin is imported lazily."""
    from pypinyin import lazy_pinyin

    folded = fold(name)
    syllables = lazy_pinyin(folded, errors="default")
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()  # as Style.FIRST_LETTER, without a second pass
    return folded, full, initials


def match_score(query: str, name: str, customer_id: str) -> float | None:
    """Higher is better; None when the customer does not match."""
    folded, full, initials = _search_keys(name)
    best: float | None = None
    for key, weight in ((folded, 3.0), (fold(customer_id), 2.5), (full, 2.0), (initials, 1.5)):
        pos = key.find(query)
        if pos >= 0:
            score = weight + (1.0 if pos == 0 else 0.0) - len(key) / 1000
            best = score if best is None else max(best, score)
    return best


def index_customer_names(engine: Engine) -> int:
    """Make the search keys of customers that have none or were renamed, drop those of deleted ones.

    Returns how many customers were (re)indexed; a second call with nothing changed reads one query.
    """
    k = CustomerSearchKey.__table__.c
    c = Customer.__table__.c
    stale = (select(c.customer_id, c.name).select_from(Customer.__table__.outerjoin(
        CustomerSearchKey.__table__, k.customer_id == c.customer_id))
             .where(or_(k.customer_id.is_(None), k.name != c.name)).limit(INDEX_BATCH))
    done = 0
    with engine.begin() as conn:
        conn.execute(delete(CustomerSearchKey.__table__).where(
            ~k.customer_id.in_(select(c.customer_id))))
    while True:
        with engine.begin() as conn:
            rows = conn.execute(stale).all()
            if not rows:
                return done
            conn.execute(delete(CustomerSearchKey.__table__).where(k.customer_id.in_([r[0] for r in rows])))
            conn.execute(insert(CustomerSearchKey.__table__), [
                {"customer_id": customer_id, "name": name or "", "folded_id": fold(customer_id)[:200],
                 **dict(zip(("folded", "pinyin", "initials"), _keys(name or "")))}
                for customer_id, name in rows])
        done += len(rows)


def unindexed(engine: Engine) -> bool:
    """Customers added or deleted since the keys were made (two counts; imports and syncs index renames)."""
    with engine.connect() as conn:
        customers = conn.scalar(select(func.count()).select_from(Customer.__table__))
        keys = conn.scalar(select(func.count()).select_from(CustomerSearchKey.__table__))
    return customers != keys


def _keys(name: str) -> tuple[str, str, str]:
    folded, full, initials = _search_keys(name)
    return folded[:200], full[:1600], initials[:200]


def _like(query: str) -> tuple[str, str]:
    """(``%query%``, ``query%``) with LIKE's wild cards in ``query`` escaped."""
    text = query.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{text}%", f"{text}%"


def key_match(query: str):
    """The SQL condition "a customer's search keys contain ``query``" (folded) — and the LIKE pattern used."""
    k = CustomerSearchKey.__table__.c
    anywhere, _prefix = _like(query)
    return or_(*(column.like(anywhere, escape=ESCAPE) for column in (k.folded, k.folded_id, k.pinyin, k.initials)))


def like_pattern(query: str) -> str:
    """``%query%`` with LIKE's wild cards in ``query`` escaped (escape character :data:`ESCAPE`)."""
    return _like(query)[0]


def search_customers(engine: Engine, text: str, limit: int = 10, *, scope: Scope | None = None) -> list[CustomerHit]:
    """Customers whose name, id, pinyin or pinyin initials contain ``text`` (case-insensitive).

    ``"华电"``, ``"huadian"`` and ``"hd"`` all find 上海华电设备有限公司.  Best
    matches first (name before pinyin, prefix before infix); at most ``limit``.
    ``scope`` keeps the customers of the owners a person sees (:func:`salesnb.auth.scope_of`).
    The database ranks and limits (by the kind of match, then the shorter name); the few rows read are
    ordered exactly here.
    """
    query = fold(text or "")
    if not query:
        return []
    if unindexed(engine):
        index_customer_names(engine)
    k = CustomerSearchKey.__table__.c
    anywhere, prefix = _like(query)
    customer_id = k.folded_id
    # the score's whole part: the best kind of match (prefix of the name 4, of the id 3.5, …, inside the initials 1.5)
    tier = case((k.folded.like(prefix, escape=ESCAPE), 4.0), (customer_id.like(prefix, escape=ESCAPE), 3.5),
                (k.folded.like(anywhere, escape=ESCAPE), 3.0), (k.pinyin.like(prefix, escape=ESCAPE), 3.0),
                (customer_id.like(anywhere, escape=ESCAPE), 2.5), (k.initials.like(prefix, escape=ESCAPE), 2.5),
                (k.pinyin.like(anywhere, escape=ESCAPE), 2.0), else_=literal(1.5))
    stmt = (select(Customer.customer_id, Customer.name, Customer.region)
            .join(CustomerSearchKey.__table__, k.customer_id == Customer.customer_id)
            .where((scope or Scope(None)).clause(Customer.owner_id), key_match(query))
            .order_by(tier.desc(), func.length(k.folded), Customer.name, Customer.customer_id)
            .limit(max(limit, 1) * CANDIDATES))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    hits = []
    for cid, name, region in rows:
        score = match_score(query, name or "", cid)
        if score is not None:
            hits.append(CustomerHit(cid, name, region, score))
    hits.sort(key=lambda h: (-h.score, h.name, h.customer_id))
    return hits[:limit]
