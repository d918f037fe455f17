"""Delivering the outbox: claim rows one at a time, send them, record the outcome.

Delivery guarantee — **at least once per dedup key, exactly once unless the
process dies mid-request**:

* A row is claimed (``pending`` → ``sending``, with ``locked_by`` /
  ``locked_at``) in its own committed transaction right before its request
  goes out, and marked ``sent`` right after the reply.  Claims are atomic:
  ``FOR UPDATE SKIP LOCKED`` under a per-channel advisory lock on PostgreSQL,
  ``BEGIN IMMEDIATE`` on SQLite, so concurrent flushers never take the same
  row and a sent row is never sent again.
* If the process is killed, the rows it had claimed stay ``sending``; after
  ``stale_after`` they are *in doubt*: the request may or may not have reached
  the service.  The same holds when a request left but no answer came back
  (connection dropped, read timeout).  By default (``in_doubt = "resend"``)
  such a row is sent again: nothing is lost, and a duplicate is possible only
  for a message the service accepted in the instant before the process died
  (at most one per killed process, since a process has one request in
  flight).  WeCom application messages are sent with WeCom's duplicate check,
  so there even that re-send is dropped by WeCom; e-mails keep a stable
  Message-ID.  A channel set to ``in_doubt = "hold"`` instead marks such rows
  ``unknown`` (at most once: never doubled, possibly lost) for a person to
  check and ``salesnb notify retry``.
* Rate limits are counted from the database (claims of the last 60 seconds
  per channel), so separate processes agree.  Network errors and rate-limit
  codes go back to ``pending`` with exponential backoff and stop that channel
  for this flush; bad-key / bad-sign / too-long codes fail the row at once
  with the reason in ``last_error``.  Nothing here sleeps except an explicit
  ``wait=True`` for a rate-limit slot, through the injectable ``sleep``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Connection, Engine, String, and_, func, literal, or_, select, update

from ..config import Settings, load_settings
from ..db import among, refresh_statistics
from ..errors import ConfigError, SalesnbError
from ..i18n import t
from ..links import ITEM_APPS, item_url
from ..memory import collector_paused
from ..models import OutboxMessage, User
from ..timeutil import now as local_now
from .channels import ChannelConfig, NotifyConfig, load_notify_config
from .digest import DEFAULT_MAX_ITEMS, DIGEST_EVENTS, digest_rows
from .notifier import (
    DeliveryContext,
    DeliveryError,
    Notification,
    Notifier,
    PermanentFailure,
    TemporaryFailure,
)
from .outbox import DEFAULT_CHANNEL, child_dedup_key, insert_ignoring_duplicates
from .recipients import load_attachments, resolve_recipients
from .send import make_notifier, send_notification
from . import messages  # noqa: F401 - the keys of the errors below

log = logging.getLogger(__name__)

Msg = OutboxMessage
RATE_WINDOW = timedelta(seconds=60)
DEFAULT_STALE_AFTER = timedelta(minutes=10)  # far longer than one request's timeout
DEFAULT_MAX_ATTEMPTS = 8
ROUTE_BATCH = 500
IN_DOUBT_POLICIES = ("resend", "hold")
# Rows whose last claim counts against the channel's rate (their next_attempt_at is the claim time).
CLAIMED = ("sending", "sent", "failed", "unknown")


@dataclass
class Backoff:
    """Exponential backoff: ``base`` × ``factor`` ** (attempts − 1), at most ``cap`` seconds."""

    base: float = 30.0
    factor: float = 2.0
    cap: float = 3600.0

    def delay(self, attempts: int) -> float:
        return min(self.cap, self.base * self.factor ** max(0, attempts - 1))


@dataclass
class FlushReport:
    """What one flush did: counts by outcome and channel, rate-limit waits and problems."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    routed: int = 0
    digests: int = 0
    by_channel: dict[str, Counter] = field(default_factory=dict)
    waiting: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, channel: str, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.by_channel.setdefault(channel, Counter())[outcome] += 1

    def summary(self, language: str | None = None) -> str:
        """``sent 3, to retry 0, failed 0…`` in ``language`` (default: the current one)."""
        parts = [t("notify.flush.sent", language, n=self.sent), t("notify.flush.retry", language, n=self.retried),
                 t("notify.flush.failed", language, n=self.failed)]
        for key, n in (("notify.flush.held", self.held), ("notify.flush.routed", self.routed),
                       ("notify.flush.digests", self.digests)):
            if n:
                parts.append(t(key, language, n=n))
        return t("notify.flush.sep", language).join(parts)


@dataclass
class _Claim:
    id: int
    attempts: int
    in_doubt: bool
    notification: Notification


@dataclass
class _RateWait:
    seconds: float


def default_worker_id() -> str:
    """``host:pid:random`` — who holds a claimed row."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def flush(
    engine: Engine,
    settings: Settings | None = None,
    *,
    channels: list[str] | None = None,
    limit: int | None = None,
    wait: bool = False,
    max_wait: float = 120.0,
    clock: Callable[[], datetime] = local_now,
    sleep: Callable[[float], None] = time.sleep,
    backoff: Backoff | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    worker: str | None = None,
    http: httpx.Client | None = None,
    config: NotifyConfig | None = None,
) -> FlushReport:
    """Deliver the due rows of the outbox and return what happened.

    Parameters
    ----------
    engine, settings
        The store, and the settings holding ``[channels.*]`` / ``[notify]``.
    channels
        Only these channel names (default: every channel with due rows).
    limit
        At most this many delivery attempts in this flush.
    wait, max_wait
        When a channel's rate limit is reached, sleep until a slot frees
        (at most ``max_wait`` seconds per channel) instead of leaving the
        rest for the next flush.
    clock, sleep, backoff
        Injectable time (aware datetimes), sleeping and retry schedule.
    max_attempts, stale_after
        Give up after this many attempts; treat a ``sending`` row locked
        longer than ``stale_after`` as abandoned by a dead process.
    """
    settings = settings or load_settings()
    config = config or load_notify_config(settings)
    backoff = backoff or Backoff()
    worker = worker or default_worker_id()
    report = FlushReport()
    # routing and digests build objects by the ten thousand (a day at 1 M orders: 7.3 → 4.8 s with the cycle
    # collector paused); the pause does not cover delivery, which may sleep for a rate limit
    with collector_paused():
        report.routed = route_default_messages(engine, config, clock(), worker)
    with_work = _channels_with_work(engine, clock(), stale_after)
    names = [n for n in with_work if n != DEFAULT_CHANNEL and (channels is None or n in channels)]
    budget = _Budget(limit)
    client = http or httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
    context = DeliveryContext(http=client, clock=lambda: clock().timestamp(), sleep=sleep)
    try:
        for name in names:
            channel = config.channels.get(name)
            if channel is None:
                waiting_for_it = _due_count(engine, name, clock(), stale_after)
                report.problems.append(f"channel {name!r} is not configured: {waiting_for_it} message(s) wait for it")
                continue
            try:
                notifier = make_notifier(channel, context)
                policy = _in_doubt_policy(channel)
            except SalesnbError as exc:
                report.problems.append(channel.redact(exc))
                continue
            with collector_paused():
                report.digests += digest_pending(engine, channel, notifier, settings, clock())
            run = _ChannelRun(engine, channel, notifier, policy, worker, clock, backoff, max_attempts, stale_after, report)
            run.deliver(budget, wait=wait, max_wait=max_wait, sleep=sleep)
    finally:
        if http is None:
            client.close()
    for problem in report.problems:
        log.warning("notify flush: %s", problem)
    return report


@dataclass
class _Budget:
    left: int | None

    @property
    def exhausted(self) -> bool:
        return self.left is not None and self.left <= 0

    def take(self) -> None:
        if self.left is not None:
            self.left -= 1


@dataclass
class _ChannelRun:
    """Delivery of one channel's due rows in one flush."""

    engine: Engine
    channel: ChannelConfig
    notifier: Notifier
    in_doubt: str
    worker: str
    clock: Callable[[], datetime]
    backoff: Backoff
    max_attempts: int
    stale_after: timedelta
    report: FlushReport

    @property
    def rate(self) -> int | None:
        value = self.channel.get_int("rate_per_minute", self.notifier.default_rate_per_minute)
        return value or None

    def deliver(self, budget: _Budget, *, wait: bool, max_wait: float, sleep: Callable[[float], None]) -> None:
        waited = 0.0
        while True:
            now = self.clock()
            if budget.exhausted:
                return
            claim = claim_next(self.engine, self.channel.name, self.worker, now, now - self.stale_after, self.rate)
            if claim is None:
                return
            if isinstance(claim, _RateWait):
                if wait and waited + claim.seconds <= max_wait:
                    sleep(claim.seconds)
                    waited += claim.seconds
                    continue
                self.report.waiting[self.channel.name] = claim.seconds
                return
            budget.take()
            if claim.in_doubt and self._hold_in_doubt:
                self._finish(claim, "held", status="unknown", last_error=(
                    "delivery was interrupted (the sending process stopped); "
                    "not re-sent because in_doubt = hold"))
                continue
            if not self._send(claim):
                return  # a temporary failure: leave the rest of this channel for the next flush

    @property
    def _hold_in_doubt(self) -> bool:
        return self.in_doubt == "hold" and not self.notifier.idempotent

    def _send(self, claim: _Claim) -> bool:
        """Send one claimed row and record the outcome; False after a temporary failure."""
        notification = claim.notification
        try:
            send_notification(self.channel, notification, self.notifier)
        except DeliveryError as exc:
            return self._failed(claim, exc)
        except SalesnbError as exc:
            return self._failed(claim, PermanentFailure(str(exc)))
        except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the other channels
            log.warning("notify: %s raised %s", self.channel.name, self.channel.redact(f"{type(exc).__name__}: {exc}"))
            return self._failed(claim, TemporaryFailure(f"{type(exc).__name__}: {exc}"))
        note = f"unknown user ids: {', '.join(notification.unknown_users)}" if notification.unknown_users else None
        self._finish(claim, "sent", status="sent", sent_at=self.clock(), last_error=note)
        return True

    def _failed(self, claim: _Claim, exc: DeliveryError) -> bool:
        reason = self.channel.redact(exc.reason)
        if exc.in_doubt and self._hold_in_doubt:
            self._finish(claim, "held", status="unknown", last_error=f"in doubt, not re-sent (in_doubt = hold): {reason}")
            return False
        if not exc.retryable:
            self._finish(claim, "failed", status="failed", last_error=reason)
            return True
        if claim.attempts >= self.max_attempts:
            self._finish(claim, "failed", status="failed", last_error=f"gave up after {claim.attempts} attempts: {reason}")
            return False
        delay = max(self.backoff.delay(claim.attempts), exc.retry_after or 0.0)
        self._finish(claim, "retried", status="pending", last_error=reason,
                     next_attempt_at=self.clock() + timedelta(seconds=delay))
        return False

    def _finish(self, claim: _Claim, outcome: str, **values) -> None:
        if outcome in ("failed", "held"):
            self.report.errors.append(f"#{claim.id} {self.channel.name}: {values.get('last_error')}")
        self.report.count(self.channel.name, outcome)
        if not finish_claim(self.engine, claim.id, self.worker, **values):
            log.warning("notify: outbox row %s was reclaimed by another flusher before it finished", claim.id)


def digest_pending(engine: Engine, channel: ChannelConfig, notifier: Notifier, settings: Settings,
                   now: datetime) -> int:
    """Fold the channel's pending digest-event rows into one digest per person (:mod:`salesnb.notify.digest`)."""
    options = settings.section("notify").get("digest") or {}
    max_items = int(options.get("max_items", DEFAULT_MAX_ITEMS))
    events = options.get("events", DIGEST_EVENTS)
    with write_transaction(engine) as conn:
        names = dict(conn.execute(select(User.user_id, User.name)).all())
        return digest_rows(conn, channel.name, body_limit=notifier.body_limit, settings=settings, names=names,
                           now=now, max_items=max_items, language=settings.language, events=events)


def _in_doubt_policy(channel: ChannelConfig) -> str:
    policy = str(channel.get("in_doubt", "resend"))
    if policy not in IN_DOUBT_POLICIES:
        raise ConfigError("notify.option.choice", channel=repr(channel.name), option="in_doubt", choices="resend, hold",
                          value=repr(policy))
    return policy


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock at once (``BEGIN IMMEDIATE`` on SQLite)."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def _advisory_lock_id(channel: str) -> int:
    return int.from_bytes(hashlib.sha256(f"salesnb-outbox:{channel}".encode()).digest()[:8], "big", signed=True)


def _due_by_status(now: datetime, stale_cutoff: datetime) -> list[tuple[str, object]]:
    """(status, condition) of rows to deliver now: never tried, retries whose time has come, and
    abandoned claims.

    A row never tried is due at once: its ``next_attempt_at`` is the as-of time
    of the event that caused it, which a simulation may set ahead of the clock.
    """
    return [("pending", or_(Msg.attempts == 0, Msg.next_attempt_at <= now)),
            ("sending", Msg.locked_at < stale_cutoff)]


def _due(now: datetime, stale_cutoff: datetime):
    """Every due row (see :func:`_due_by_status`) as one condition."""
    return or_(*(and_(Msg.status == status, condition) for status, condition in _due_by_status(now, stale_cutoff)))


def claim_next(engine: Engine, channel: str, worker: str, now: datetime, stale_cutoff: datetime,
               rate_per_minute: int | None) -> _Claim | _RateWait | None:
    """Atomically claim the next due row of ``channel`` for ``worker``.

    Returns None when nothing is due, a wait in seconds when the channel's
    rate limit is reached, else the claim.  Due means ``pending`` and never
    tried or with ``next_attempt_at`` ≤ ``now``, or ``sending`` locked before
    ``stale_cutoff`` (abandoned: in doubt).
    """
    with write_transaction(engine) as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # serialise claims of one channel so the rate count is exact across processes
            conn.execute(select(func.pg_advisory_xact_lock(_advisory_lock_id(channel))))
        row = _first_due(conn, channel, now, stale_cutoff)
        if row is None:
            return None
        if rate_per_minute:
            since = now - RATE_WINDOW
            used, oldest = conn.execute(
                select(func.count(), func.min(Msg.next_attempt_at))
                .where(Msg.channel == channel, Msg.status.in_(CLAIMED),
                       Msg.next_attempt_at > since, Msg.next_attempt_at <= now)).one()
            if used >= rate_per_minute:
                return _RateWait(max(0.001, (oldest + RATE_WINDOW - now).total_seconds()))
        # next_attempt_at := claim time; for finished rows it stays the time of the last attempt,
        # which is what the rate count above reads (through the (status, next_attempt_at) index).
        result = conn.execute(
            update(Msg).where(Msg.id == row.id, Msg.status == row.status)
            .values(status="sending", locked_by=worker, locked_at=now, next_attempt_at=now, attempts=Msg.attempts + 1))
        if result.rowcount != 1:
            return None
        return _Claim(id=row.id, attempts=row.attempts + 1, in_doubt=row.status == "sending",
                      notification=_notification(conn, row))


def _first_due(conn: Connection, channel: str, now: datetime, stale_cutoff: datetime, *, lock: bool = True):
    """The first due row of ``channel`` in delivery order (``next_attempt_at``, ``id``), or None; with ``lock``
    (a claim), on PostgreSQL locked and skipping rows another claim holds.

    Pending and abandoned rows are looked up apart, each as the head of an
    index range of ``ix_outbox_channel_due``, so a claim costs the same with a
    million rows waiting as with ten (one query with the OR of :func:`_due`
    made the database sort every row of the channel).
    """
    heads = []
    for status, condition in _due_by_status(now, stale_cutoff):
        query = (select(Msg.__table__).where(Msg.channel == channel, Msg.status == status, condition)
                 .order_by(Msg.next_attempt_at, Msg.id).limit(1))
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = conn.execute(query).first()
        if row is not None:
            heads.append(row)
    return min(heads, key=lambda r: (r.next_attempt_at is not None, r.next_attempt_at, r.id), default=None)


def finish_claim(engine: Engine, row_id: int, worker: str, **values) -> bool:
    """Record the outcome of a claimed row, if ``worker`` still holds it."""
    with write_transaction(engine) as conn:
        result = conn.execute(update(Msg).where(Msg.id == row_id, Msg.status == "sending", Msg.locked_by == worker)
                              .values(**values))
        return result.rowcount == 1


def _notification(conn: Connection, row) -> Notification:
    """The outbox row as a :class:`Notification` with its user ids resolved through ``users``."""
    to, unknown_to = resolve_recipients(conn, row.recipients or [])
    cc, unknown_cc = resolve_recipients(conn, row.cc or [])
    payload = dict(row.payload or {})
    if not payload.get("url") and row.entity_type in ITEM_APPS and row.entity_id:
        payload["url"] = item_url(load_settings(), row.entity_type, row.entity_id)  # every message links its item
    return Notification(subject=row.subject, body=row.body, recipients=to, cc=cc, dedup_key=row.dedup_key,
                        payload=payload, event_type=row.event_type, unknown_users=[*unknown_to, *unknown_cc],
                        attachments=load_attachments(conn, payload.get("attachments") or []))


def route_default_messages(engine: Engine, config: NotifyConfig, now: datetime, worker: str = "router") -> int:
    """Copy each pending ``default`` message to its routed channels; return how many were routed.

    The copies get the dedup key ``KEY#CHANNEL`` (inserted with ON CONFLICT DO
    NOTHING), and the original becomes ``routed`` in the same transaction.
    The database copies the rows (``INSERT … SELECT``): a day's tens of thousands of
    escalation messages never pass through Python.
    """
    table = Msg.__table__
    routed = 0
    while True:
        with write_transaction(engine) as conn:
            # the head of the (default, pending) range of ix_outbox_channel_due: routed rows leave it
            query = (select(table.c.id, table.c.dedup_key, table.c.event_type)
                     .where(table.c.channel == DEFAULT_CHANNEL, table.c.status == "pending")
                     .order_by(table.c.next_attempt_at, table.c.id).limit(ROUTE_BATCH))
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = conn.execute(query).all()
            targets: dict[str, list[int]] = {}
            for row in rows:
                for name in config.route(row.event_type):
                    if child_dedup_key(row.dedup_key, name) == f"{row.dedup_key}#{name}":
                        targets.setdefault(name, []).append(row.id)
                    else:  # KEY#CHANNEL would be too long: the copy's key is hashed, in Python
                        _copy_hashed(conn, row.id, name)
            for name, ids in targets.items():
                conn.execute(_copies(conn.dialect.name, ids, name))
            if rows:
                conn.execute(update(table).where(among(table.c.id, [row.id for row in rows]))
                             .values(status="routed", locked_by=worker, locked_at=now))
            routed += len(rows)
            if len(rows) < ROUTE_BATCH:
                # a first day routes a million messages: the next day's claims must not plan for an empty outbox
                refresh_statistics(conn, routed, table.name)
                return routed


def _copies(dialect: str, ids: list[int], channel: str):
    """``INSERT … SELECT``: the messages ``ids`` copied to ``channel`` with the dedup key ``KEY#CHANNEL``."""
    table = Msg.__table__
    kept = [c for c in table.c if c.name not in ("id", "channel", "dedup_key")]
    rows = (select(*kept, literal(channel, String).label("channel"),
                   (table.c.dedup_key + literal(f"#{channel}", String)).label("dedup_key"))
            .where(table.c.id.in_(ids)).order_by(table.c.next_attempt_at, table.c.id))
    return insert_ignoring_duplicates(dialect).from_select([*(c.name for c in kept), "channel", "dedup_key"], rows)


def _copy_hashed(conn: Connection, message_id: int, channel: str) -> None:
    """Copy one message whose ``KEY#CHANNEL`` would be too long (its key is hashed) through Python."""
    table = Msg.__table__
    row = conn.execute(select(table).where(table.c.id == message_id)).mappings().one()
    conn.execute(insert_ignoring_duplicates(conn.dialect.name),
                 [{**{k: v for k, v in row.items() if k != "id"}, "channel": channel,
                   "dedup_key": child_dedup_key(row["dedup_key"], channel)}])


def _channels_with_work(engine: Engine, now: datetime, stale_after: timedelta) -> list[str]:
    """The channels with a due row.  Each channel is found by the head of ``ix_outbox_channel_due`` past the
    last one, and asked for its first due row: counting every due row took 2.2 s with a million
    messages waiting (a first run at a million orders delivered a few thousand of them)."""
    names: list[str] = []
    with engine.connect() as conn:
        channel = conn.scalar(select(func.min(Msg.channel)))
        while channel is not None:
            if _first_due(conn, channel, now, now - stale_after, lock=False) is not None:
                names.append(channel)
            channel = conn.scalar(select(func.min(Msg.channel)).where(Msg.channel > channel))
    return names


def _due_count(engine: Engine, channel: str, now: datetime, stale_after: timedelta) -> int:
    """How many rows of ``channel`` are due."""
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).where(Msg.channel == channel, _due(now, now - stale_after))) or 0
