"""Digests: per person and channel, one message for everything a run has for them.

A check run or an escalation scan can write hundreds of outbox rows; sent one
by one they hit the robots' 20 messages/min limit and bury the reader.
Rows of a *digest event* (:data:`DIGEST_EVENTS`) therefore wait in the
outbox until delivery, where :func:`digest_rows` folds every pending one of a
channel into one row per person (recipient or cc) and marks the originals
``digested`` — in one transaction, so a crash neither loses nor doubles one.

A digested row carries its *items* in ``payload["items"]`` — ``kind``,
``id``, ``severity``, ``since`` (ISO time the breakpoint started), ``amount``
and ``text`` — or is one item itself (its record, its subject, severity
``info``).  The digest lists them most important
first (critical, then oldest, then largest amount), as many as fit both
``[notify.digest] max_items`` (default 20) and the channel's byte limit
(:meth:`salesnb.notify.notifier.Notifier.body_limit`), and ends with a link to
"My work" for the rest.  A person with one single-item row gets that row's own
text, linked to the item's page.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from ..config import Settings
from ..db import among
from ..i18n import register, t
from ..links import item_url, my_work_url
from ..models import OutboxMessage
from .outbox import insert_ignoring_duplicates, outbox_row
from .textutil import truncate_utf8, utf8_len

DIGEST_EVENTS = ("checks.new_findings", "sla_escalation", "sla_warning", "lead_graded")
DIGEST_EVENT = "digest"
MARK_BATCH = 5_000  # originals marked digested per statement
DEFAULT_MAX_ITEMS = 20
ITEMS_KEPT = 200  # items a digest row carries in its payload, most important first
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}

register({
    "zh-CN": {
        "digest.subject": "【待办汇总】{name}：{total} 项需要处理",
        "digest.subject.critical": "【待办汇总】{name}：{total} 项需要处理（严重 {critical} 项）",
        "digest.severity.critical": "严重", "digest.severity.warning": "提醒", "digest.severity.info": "提示",
        "digest.item": "{n}. [{severity}] {text}",
        "digest.amount": "（金额 ¥{amount}）",
        "digest.more": "……另有 {rest} 项未列出，全部事项见「我的工作」：{link}",
        "digest.all": "全部事项见「我的工作」：{link}",
        "digest.open": "查看：{link}",
    },
    "en": {
        "digest.subject": "[To do] {name}: {total} item(s) need you",
        "digest.subject.critical": "[To do] {name}: {total} item(s) need you ({critical} critical)",
        "digest.severity.critical": "critical", "digest.severity.warning": "warning", "digest.severity.info": "info",
        "digest.item": "{n}. [{severity}] {text}",
        "digest.amount": " (amount ¥{amount})",
        "digest.more": "... {rest} more not listed; see everything in My work: {link}",
        "digest.all": "See everything in My work: {link}",
        "digest.open": "Open: {link}",
    },
})


def importance(item: Mapping[str, Any]) -> tuple:
    """Sort key: critical first, then the oldest, then the largest amount."""
    since = item.get("since")
    amount = item.get("amount")
    return (SEVERITY_RANK.get(str(item.get("severity")), 3), since is None, since or "",
            -(float(amount) if amount is not None else 0.0), str(item.get("id", "")))


def digest_item(*, kind: str, item_id: object, severity: str, text: str, since: datetime | str | None = None,
                amount: object = None, **extra: Any) -> dict[str, Any]:
    """One item of a digest, JSON-ready."""
    if isinstance(since, datetime):
        since = since.isoformat()
    return {"kind": kind, "id": str(item_id), "severity": severity, "since": since,
            "amount": None if amount is None else float(amount), "text": text, **extra}


def item_line(n: int, item: Mapping[str, Any], language: str | None) -> str:
    """``3. [严重] 报价 Q001 客户已接受超过 48 小时…（金额 ¥12,000）``."""
    text = str(item.get("text") or item.get("id"))
    amount = item.get("amount")
    if amount is not None:
        text += t("digest.amount", language, amount=f"{float(amount):,.0f}")
    severity = t(f"digest.severity.{item.get('severity') or 'warning'}", language)
    return t("digest.item", language, n=n, severity=severity, text=" ".join(text.split()))


def render_items(items: Sequence[Mapping[str, Any]], total: int, link: str, *, max_bytes: int | None,
                 max_items: int = DEFAULT_MAX_ITEMS, header: Sequence[str] = (), language: str | None = None) -> str:
    """The body of a digest: ``header`` lines, the most important items that fit, then the link.

    At most ``max_items`` items, and only as many as keep the whole body
    within ``max_bytes`` UTF-8 bytes (None: no byte limit); the last line
    says how many were left out and links to ``link``.  Header lines that do
    not fit are dropped before items are.
    """
    ranked = sorted(items, key=importance)[:max_items]
    lines = [item_line(i, item, language) for i, item in enumerate(ranked, start=1)]

    def tail(shown: int) -> str:
        rest = total - shown
        return t("digest.more", language, rest=rest, link=link) if rest > 0 else t("digest.all", language, link=link)

    def body(head: Sequence[str], shown: int) -> str:
        return "\n".join([*head, *lines[:shown], tail(shown)])

    if max_bytes is None:
        return body(header, len(lines))
    head = list(header)
    shown = len(lines)
    while utf8_len(body(head, shown)) > max_bytes:
        if shown > 1 or (shown == 1 and not head):
            shown -= 1
        elif head:
            head.pop()
        else:
            break
    text = body(head, shown)
    if utf8_len(text) > max_bytes:  # not even the link line fits: the link matters most
        text = tail(0)
    return text


def _items_of(row) -> list[dict[str, Any]]:
    payload = row.payload or {}
    items = payload.get("items")
    if isinstance(items, list) and items:
        return [dict(i) for i in items if isinstance(i, Mapping)]
    # a row without items is one item: the record it is about, with its subject as the text
    return [digest_item(kind=row.entity_type or "item", item_id=row.entity_id or row.id,
                        severity=str(payload.get("severity") or "info"), text=row.subject)]


def _total_of(row, items: Sequence[Mapping[str, Any]]) -> int:
    total = (row.payload or {}).get("total")
    return int(total) if isinstance(total, int) else len(items)


def digest_rows(conn: Connection, channel: str, *, body_limit: Callable[[str], int | None], settings: Settings | None,
                names: Mapping[str, str], now: datetime, max_items: int = DEFAULT_MAX_ITEMS,
                language: str | None = None, events: Iterable[str] = DIGEST_EVENTS) -> int:
    """Fold the pending digest-event rows of ``channel`` into one row per person; return how many digests.

    Runs in the caller's transaction (``conn``): the digests are inserted and
    the originals marked ``digested`` together.  ``body_limit(subject)`` gives
    the bytes a body may take on the channel; ``names`` maps user ids to names
    for the subject line.
    """
    table = OutboxMessage.__table__
    query = (select(table).where(table.c.channel == channel, table.c.status == "pending", table.c.attempts == 0,
                                 table.c.event_type.in_(list(events)))
             .order_by(table.c.next_attempt_at, table.c.id))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = conn.execute(query).all()
    if not rows:
        return 0
    people: dict[str, list[Any]] = {}
    parsed: dict[int, tuple[list[dict[str, Any]], int]] = {}  # a row's items and total, read once for all its people
    for row in rows:
        items = _items_of(row)
        parsed[row.id] = (items, _total_of(row, items))
        for person in dict.fromkeys([*(row.recipients or []), *(row.cc or [])]):
            people.setdefault(str(person), []).append(row)
    digests = [_digest_for(person, sources, parsed, channel, body_limit, settings, names, now, max_items, language)
               for person, sources in sorted(people.items())]
    if digests:
        conn.execute(insert_ignoring_duplicates(conn.dialect.name), digests)
    ids = [r.id for r in rows]
    for start in range(0, len(ids), MARK_BATCH):  # SQLite allows 32,766 bound values a statement
        conn.execute(update(table).where(among(table.c.id, ids[start:start + MARK_BATCH]))
                     .values(status="digested", locked_by="digest", locked_at=now))
    return len(digests)


def _digest_for(person: str, sources: list[Any], parsed: Mapping[int, tuple[list[dict[str, Any]], int]], channel: str,
                body_limit: Callable[[str], int | None], settings: Settings | None,
                names: Mapping[str, str], now: datetime, max_items: int, language: str | None) -> dict[str, Any]:
    ids = sorted(r.id for r in sources)
    key = f"digest:{channel}:{person}:{hashlib.sha256(','.join(map(str, ids)).encode()).hexdigest()[:20]}"
    items = [item for r in sources for item in parsed[r.id][0]]
    total = sum(parsed[r.id][1] for r in sources)
    # the digest belongs to the run that wrote its rows (their latest time), not to the moment of delivery
    at = max((r.created_at for r in sources if r.created_at is not None), default=now)
    common = dict(dedup_key=key, recipients=[person], channel=channel, event_type=DIGEST_EVENT,
                  entity_type="user", entity_id=person, at=at)
    if len(sources) == 1 and total == 1:  # one thing to say: say it as it was written, linked to the item
        source, item = sources[0], items[0]
        link = item_url(settings, item["kind"], item["id"])
        budget = body_limit(source.subject)
        body = render_single(source.body, link, budget, language)
        payload = {**(source.payload or {}), "items": items, "total": 1, "url": link, "digest_of": ids}
        return outbox_row(subject=source.subject, body=body, payload=payload, **common)
    ranked = heapq.nsmallest(max(ITEMS_KEPT, max_items), items, key=importance)  # = sorted(…)[:n], without sorting all
    critical = sum(1 for i in items if i.get("severity") == "critical")
    name = names.get(person, person)
    subject = (t("digest.subject.critical", language, name=name, total=total, critical=critical) if critical
               else t("digest.subject", language, name=name, total=total))
    link = my_work_url(settings)
    body = render_items(ranked, total, link, max_bytes=body_limit(subject), max_items=max_items,
                        language=language)
    payload = {"items": ranked[:ITEMS_KEPT], "total": total, "url": link, "digest_of": ids}
    return outbox_row(subject=subject, body=body, payload=payload, **common)


def render_single(body: str, link: str, max_bytes: int | None, language: str | None) -> str:
    """One message's body with its item link as the last line, cut (never the link) to ``max_bytes``."""
    tail = "\n" + t("digest.open", language, link=link)
    if max_bytes is None:
        return body + tail
    return truncate_utf8(body, max(0, max_bytes - utf8_len(tail))) + tail
