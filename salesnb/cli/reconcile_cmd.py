"""``salesnb reconcile``: match bank lines to invoices; review, confirm, reject, unmatch."""

from __future__ import annotations

import click

from ..db import session_scope
from ..i18n import t
from ..receivables import (
    confirm_match,
    reconcile,
    reject_match,
    review_queue,
    unmatch,
    unmatched_lines,
)
from .context import app
from .options import AT_OPTION, JSON_OPTION, parse_amount, parse_time
from .output import echo_json, records


@click.group("reconcile", invoke_without_command=True)
@click.option("--as-of", "as_of", default=None, help="Reconcile lines booked up to this time (default: now).")
@click.option("--dry-run", is_flag=True, help="Show what would be matched; write nothing.")
@JSON_OPTION
@click.pass_context
def reconcile_group(ctx: click.Context, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Match incoming bank lines to open invoices; apply the sure matches, queue the rest for review."""
    if ctx.invoked_subcommand is not None:
        return
    report = reconcile(app().engine, parse_time(as_of, "--as-of"), dry_run=dry_run)
    if as_json:
        echo_json(report.as_dict())
        return
    prefix = t("cli.reconcile.dry_run") if dry_run else ""
    click.echo(prefix + t("cli.reconcile.report", considered=report.considered, matched=report.matched,
                          queued=report.queued, unmatched=report.unmatched, seconds=report.seconds))
    for rule, n in report.by_rule.items():
        click.echo(f"  {rule}: {n}")


@reconcile_group.command("review")
@JSON_OPTION
def review_cmd(as_json: bool) -> None:
    """The review queue (candidates, best first) and the lines nobody can place."""
    engine = app().engine
    queue, left = review_queue(engine), unmatched_lines(engine)
    if as_json:
        echo_json({"candidates": records(queue), "unmatched": records(left)})
        return
    click.echo(t("cli.reconcile.review", lines=queue["txn_id"].nunique(), unmatched=len(left)))
    if not queue.empty:
        click.echo(queue[["txn_id", "booked_at", "line_amount", "payer_name", "invoice_id", "customer_name",
                          "outstanding", "rule", "confidence"]].to_string(index=False))
    if not left.empty:
        click.echo("\n" + t("cli.reconcile.unmatched"))
        click.echo(left[["txn_id", "booked_at", "amount", "payer_name", "memo"]].to_string(index=False))


@reconcile_group.command("confirm")
@click.argument("txn_id")
@click.argument("invoice_ids", nargs=-1)
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--fee", default="0", show_default=True, help="Bank fee to write off when the line is short.")
@AT_OPTION
def confirm_cmd(txn_id: str, invoice_ids: tuple[str, ...], actor: str, fee: str, at: str | None) -> None:
    """Apply a bank line to INVOICE_IDS in order (default: its best candidate)."""
    with session_scope(app().engine) as session:
        matches = confirm_match(session, txn_id, list(invoice_ids), actor=actor, at=parse_time(at, "--at"),
                                fee=parse_amount(fee))
        done = [(m.invoice_id, m.amount) for m in matches]
    for invoice_id, amount in done:
        click.echo(f"{txn_id} → {invoice_id}: {amount}")


@reconcile_group.command("reject")
@click.argument("txn_id")
@click.argument("invoice_ids", nargs=-1)
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--note", default=None)
@AT_OPTION
def reject_cmd(txn_id: str, invoice_ids: tuple[str, ...], actor: str, note: str | None, at: str | None) -> None:
    """Reject candidates of a line (all, or those of INVOICE_IDS); they are not proposed again."""
    with session_scope(app().engine) as session:
        n = reject_match(session, txn_id, list(invoice_ids), actor=actor, at=parse_time(at, "--at"), note=note)
    click.echo(t("cli.reconcile.rejected", txn_id=txn_id, n=n))


@reconcile_group.command("unmatch")
@click.argument("txn_id")
@click.argument("invoice_ids", nargs=-1)
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--note", default=None, help="Why (kept in the audit log).")
@AT_OPTION
def unmatch_cmd(txn_id: str, invoice_ids: tuple[str, ...], actor: str, note: str | None, at: str | None) -> None:
    """Undo applied matches of a line (all, or those of INVOICE_IDS); the invoices are reopened."""
    with session_scope(app().engine) as session:
        n = unmatch(session, txn_id, list(invoice_ids), actor=actor, at=parse_time(at, "--at"), note=note)
    click.echo(t("cli.reconcile.undone", txn_id=txn_id, n=n))
