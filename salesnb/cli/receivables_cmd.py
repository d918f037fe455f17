"""``salesnb claim``, ``aging``, ``bank import`` and ``reconcile``: receivables (回款) from the command line."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click
import pandas as pd

from ..db import session_scope
from ..receivables import (
    aging_by_owner, aging_frame, confirm_claim, confirm_match, import_statements, reconcile, reject_claim,
    reject_match, review_queue, submit_claim, unmatch, unmatched_lines,
)
from .context import app
from .contract_cmd import AT_OPTION, JSON_OPTION, echo_json, when_option


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value.replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise click.BadParameter(f"not an amount: {value!r}", param_hint="--amount") from None


def _frame_json(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v) for k, v in row.items()}
            for row in frame.astype(object).to_dict("records")]


# ---------------------------------------------------------------- claims

@click.group("claim")
def claim_group() -> None:
    """Payment claims (回款认领): a rep claims an invoice was paid; finance confirms or rejects."""


@claim_group.command("submit")
@click.argument("invoice_id")
@click.option("--amount", required=True, help="Amount the customer paid (≤ the invoice's outstanding).")
@click.option("--by", "owner_id", required=True, help="The rep (user id).")
@click.option("--id", "claim_id", default=None, help="Claim id (default CLM-INVOICE-N).")
@AT_OPTION
def claim_submit(invoice_id: str, amount: str, owner_id: str, claim_id: str | None, at: str | None) -> None:
    """Submit a claim for finance review (alerts after 48 h through the SLA engine)."""
    with session_scope(app().engine) as session:
        claim = submit_claim(session, invoice_id, owner_id=owner_id, amount=_amount(amount), at=when_option(at),
                             claim_id=claim_id)
        claim_id = claim.claim_id
    click.echo(f"{claim_id}: in finance review")


@claim_group.command("confirm")
@click.argument("claim_id")
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--txn", "txn_id", default=None, help="The bank line that brought the money (keeps reconciliation"
                                                    " from using it again).")
@AT_OPTION
def claim_confirm(claim_id: str, actor: str, txn_id: str | None, at: str | None) -> None:
    """Confirm a claim: the amount is applied to the invoice."""
    with session_scope(app().engine) as session:
        confirm_claim(session, claim_id, actor=actor, at=when_option(at), txn_id=txn_id)
    click.echo(f"{claim_id}: confirmed by {actor}")


@claim_group.command("reject")
@click.argument("claim_id")
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--reason", required=True)
@AT_OPTION
def claim_reject(claim_id: str, actor: str, reason: str, at: str | None) -> None:
    """Reject a claim (the rep is told why)."""
    with session_scope(app().engine) as session:
        reject_claim(session, claim_id, actor=actor, at=when_option(at), reason=reason)
    click.echo(f"{claim_id}: rejected by {actor}")


# ---------------------------------------------------------------- aging

@click.command("aging")
@click.option("--as-of", "as_of", default=None, help="Time of the aging (default: now).")
@click.option("--detail", is_flag=True, help="One line per overdue invoice instead of the owner × bucket table.")
@click.option("--count", "count", is_flag=True, help="Count invoices instead of summing outstanding amounts.")
@JSON_OPTION
def aging_cmd(as_of: str | None, detail: bool, count: bool, as_json: bool) -> None:
    """Overdue invoices by owner and bucket (1-30, 31-60, 61-90, 90+ days past the payment terms)."""
    when = when_option(as_of, "--as-of")
    frame = aging_frame(app().engine, when)
    if as_json:
        table = aging_by_owner(frame, "count" if count else "outstanding")
        echo_json({"as_of": when.isoformat(), "by_owner": {str(k): v for k, v in table.to_dict("index").items()},
                   "invoices": _frame_json(frame.assign(bucket=frame["bucket"].astype(str)))})
        return
    if frame.empty:
        click.echo(f"as of {when:%Y-%m-%d %H:%M}: no overdue invoices")
        return
    click.echo(f"as of {when:%Y-%m-%d %H:%M}: {len(frame)} overdue invoice(s), {frame['outstanding'].sum()} outstanding")
    if detail:
        shown = frame[["owner_id", "invoice_id", "customer_name", "outstanding", "due_at", "days_overdue", "bucket"]]
        click.echo(shown.to_string(index=False))
    else:
        click.echo(aging_by_owner(frame, "count" if count else "outstanding").to_string())


# ---------------------------------------------------------------- bank statements

@click.group("bank")
def bank_group() -> None:
    """Bank statements (银行流水)."""


@bank_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--by", "actor", default="cli", show_default=True)
@JSON_OPTION
def bank_import(files: tuple[str, ...], actor: str, as_json: bool) -> None:
    """Import Chinese bank exports (xlsx, xls, HTML-as-xls, CSV/TXT in UTF-8 or GB18030); rerun is a no-op."""
    report = import_statements(app().engine, files, actor=actor)
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(f"{report.lines} line(s) read from {len(report.files)} file(s), {report.incoming} incoming: "
               f"{report.inserted} new, {report.updated} updated, {report.unchanged} unchanged")


# ---------------------------------------------------------------- reconciliation

@click.group("reconcile", invoke_without_command=True)
@click.option("--as-of", "as_of", default=None, help="Reconcile lines booked up to this time (default: now).")
@click.option("--dry-run", is_flag=True, help="Show what would be matched; write nothing.")
@JSON_OPTION
@click.pass_context
def reconcile_group(ctx: click.Context, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Match incoming bank lines to open invoices; apply the sure matches, queue the rest for review."""
    if ctx.invoked_subcommand is not None:
        return
    report = reconcile(app().engine, when_option(as_of, "--as-of"), dry_run=dry_run)
    if as_json:
        echo_json(report.as_dict())
        return
    prefix = "(dry run) " if dry_run else ""
    click.echo(f"{prefix}{report.considered} line(s) considered: {report.matched} matched, "
               f"{report.queued} queued for review, {report.unmatched} unmatched ({report.seconds:.2f} s)")
    for rule, n in report.by_rule.items():
        click.echo(f"  {rule}: {n}")


@reconcile_group.command("review")
@JSON_OPTION
def review_cmd(as_json: bool) -> None:
    """The review queue (candidates, best first) and the lines nobody can place."""
    engine = app().engine
    queue, left = review_queue(engine), unmatched_lines(engine)
    if as_json:
        echo_json({"candidates": _frame_json(queue), "unmatched": _frame_json(left)})
        return
    click.echo(f"{queue['txn_id'].nunique()} line(s) to review, {len(left)} unmatched")
    if not queue.empty:
        click.echo(queue[["txn_id", "booked_at", "line_amount", "payer_name", "invoice_id", "customer_name",
                          "outstanding", "rule", "confidence"]].to_string(index=False))
    if not left.empty:
        click.echo("\nunmatched:")
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
        matches = confirm_match(session, txn_id, list(invoice_ids), actor=actor, at=when_option(at),
                                fee=_amount(fee))
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
        n = reject_match(session, txn_id, list(invoice_ids), actor=actor, at=when_option(at), note=note)
    click.echo(f"{txn_id}: {n} candidate(s) rejected")


@reconcile_group.command("unmatch")
@click.argument("txn_id")
@click.argument("invoice_ids", nargs=-1)
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--note", default=None, help="Why (kept in the audit log).")
@AT_OPTION
def unmatch_cmd(txn_id: str, invoice_ids: tuple[str, ...], actor: str, note: str | None, at: str | None) -> None:
    """Undo applied matches of a line (all, or those of INVOICE_IDS); the invoices are reopened."""
    with session_scope(app().engine) as session:
        n = unmatch(session, txn_id, list(invoice_ids), actor=actor, at=when_option(at), note=note)
    click.echo(f"{txn_id}: {n} match(es) undone")


COMMANDS = [claim_group, aging_cmd, bank_group, reconcile_group]
