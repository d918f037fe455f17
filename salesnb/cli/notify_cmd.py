"""``salesnb notify``: the outbox: deliver, list, retry, test a channel."""

from __future__ import annotations

import uuid
from datetime import timedelta

import click
import httpx
import pandas as pd
from sqlalchemy.orm import Session

from ..errors import NotifyError, SalesnbError
from ..i18n import register, t
from ..notify.channels import load_notify_config
from ..notify.flush import DEFAULT_STALE_AFTER, flush
from ..notify.notifier import DeliveryContext, DeliveryError, Notification
from ..notify.recipients import resolve_recipients
from ..notify.send import make_notifier, send_notification
from ..notify.status import outbox_counts, outbox_messages, requeue
from ..timeutil import now
from .context import app

register({
    "zh-CN": {"notify.test.unknown_users": "未知的员工编号：{users}",
              "notify.test.failed": "通道 {channel} 的测试消息发送失败：{reason}",
              "notify.test.subject": "salesnb 测试消息",
              "notify.test.body": "这是一条来自 salesnb 的测试消息（通道 {channel}，{at}）。收到即表示配置正确。"},
    "en": {"notify.test.unknown_users": "unknown user id(s): {users}",
           "notify.test.failed": "test message on {channel} failed: {reason}",
           "notify.test.subject": "salesnb test message",
           "notify.test.body": "A test message from salesnb (channel {channel}, {at}). If you can read it, the channel works."},
})


@click.group("notify")
def notify_group() -> None:
    """Notifications: test a channel, deliver the outbox, look at it."""


@notify_group.command("test")
@click.argument("channel")
@click.option("--to", "to", multiple=True, metavar="USER_ID", help="Address these users (repeatable).")
@click.option("--message", default=None, help="Text to send instead of the standard test text.")
def notify_test(channel: str, to: tuple[str, ...], message: str | None) -> None:
    """Send a test message on CHANNEL right away (not through the outbox)."""
    ctx = app()
    config = load_notify_config(ctx.settings)
    cfg = config.channel(channel)
    recipients, unknown = [], []
    if to:
        with Session(ctx.engine) as session:
            recipients, unknown = resolve_recipients(session, to)
    if unknown:
        raise NotifyError("notify.test.unknown_users", users=", ".join(unknown))
    language = ctx.settings.language
    at = now().strftime("%Y-%m-%d %H:%M:%S")
    notification = Notification(
        subject=t("notify.test.subject", language),
        body=message or t("notify.test.body", language, channel=channel, at=at),
        recipients=recipients, dedup_key=f"test:{channel}:{uuid.uuid4().hex}")
    with httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0)) as http:
        notifier = make_notifier(cfg, DeliveryContext(http=http))
        try:
            result = send_notification(cfg, notification, notifier)
        except DeliveryError as exc:
            raise NotifyError("notify.test.failed", channel=channel, reason=cfg.redact(exc.reason)) from None
    click.echo(t("cli.notify.sent", channel=channel, type=cfg.type, detail=cfg.redact(result.detail)))


@notify_group.command("flush")
@click.option("--channel", "channels", multiple=True, help="Only this channel (repeatable).")
@click.option("--limit", type=int, default=None, help="At most this many deliveries.")
@click.option("--wait/--no-wait", default=False, show_default=True,
              help="Wait for rate-limit slots (up to 2 minutes per channel) instead of leaving the rest for later.")
@click.option("--stale-after", type=float, default=DEFAULT_STALE_AFTER.total_seconds(), show_default=True,
              help="Seconds after which a message claimed by a flusher that never finished is taken over.")
def notify_flush(channels: tuple[str, ...], limit: int | None, wait: bool, stale_after: float) -> None:
    """Deliver the pending notifications of the outbox."""
    ctx = app()
    report = flush(ctx.engine, ctx.settings, channels=list(channels) or None, limit=limit, wait=wait,
                   stale_after=timedelta(seconds=stale_after))
    click.echo(report.summary())
    for name, counts in sorted(report.by_channel.items()):
        click.echo(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for name, seconds in sorted(report.waiting.items()):
        click.echo(t("cli.notify.rate_limited", name=name, seconds=seconds))
    for line in report.errors:
        click.echo(f"  {line}", err=True)
    for line in report.problems:
        click.echo(t("cli.warning", message=line), err=True)


@notify_group.command("list")
@click.option("--status", default=None,
              help="Only rows with this status (pending, sending, sent, failed, unknown, routed, digested).")
@click.option("--channel", default=None, help="Only rows of this channel.")
@click.option("--limit", type=int, default=20, show_default=True)
def notify_list(status: str | None, channel: str | None, limit: int) -> None:
    """Outbox status: rows per channel and status, then the latest rows."""
    engine = app().engine
    counts = outbox_counts(engine)
    if counts.empty:
        click.echo(t("cli.notify.empty"))
        return
    click.echo(counts.to_string())
    try:
        rows = outbox_messages(engine, status=status, channel=channel, limit=limit)
    except ValueError as exc:
        raise SalesnbError(str(exc)) from None
    if rows.empty:
        return
    click.echo("")
    shown = rows[["id", "status", "channel", "attempts", "subject", "next_attempt_at", "last_error"]].copy()
    shown["last_error"] = shown["last_error"].fillna("").str.slice(0, 60)
    shown["next_attempt_at"] = [v.strftime("%Y-%m-%d %H:%M:%S") if pd.notna(v) else "" for v in rows["next_attempt_at"]]
    click.echo(shown.to_string(index=False))


@notify_group.command("retry")
@click.option("--id", "ids", type=int, multiple=True, help="Only these rows (repeatable; default: all).")
@click.option("--status", type=click.Choice(["failed", "unknown"]), default="failed", show_default=True)
def notify_retry(ids: tuple[int, ...], status: str) -> None:
    """Put failed (or in-doubt ``unknown``) rows back in the queue."""
    n = requeue(app().engine, ids=list(ids) or None, status=status)
    click.echo(t("cli.notify.requeued", n=n))


@notify_group.command("channels")
def notify_channels() -> None:
    """The configured channels (secrets masked) and the default route."""
    config = load_notify_config(app().settings)
    for name, cfg in sorted(config.channels.items()):
        options = ", ".join(f"{k}={v}" for k, v in sorted(cfg.masked().items()))
        click.echo(f"{name} ({cfg.type}) {options}")
    click.echo(f"default → {', '.join(config.default)}")
    for event, names in sorted(config.routes.items()):
        click.echo(f"{event} → {', '.join(names)}")
