"""``salesnb claim``: payment claims (回款认领): file, confirm, reject."""

from __future__ import annotations

import click

from ..db import session_scope
from ..i18n import t
from ..receivables import (
    confirm_claim,
    reject_claim,
    submit_claim,
)
from .context import app
from .options import AT_OPTION, parse_amount, parse_time


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
        claim = submit_claim(session, invoice_id, owner_id=owner_id, amount=parse_amount(amount), at=parse_time(at, "--at"),
                             claim_id=claim_id)
        claim_id = claim.claim_id
    click.echo(t("cli.claim.submitted", id=claim_id))


@claim_group.command("confirm")
@click.argument("claim_id")
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--txn", "txn_id", default=None, help="The bank line that brought the money (keeps reconciliation"
                                                    " from using it again).")
@AT_OPTION
def claim_confirm(claim_id: str, actor: str, txn_id: str | None, at: str | None) -> None:
    """Confirm a claim: the amount is applied to the invoice."""
    with session_scope(app().engine) as session:
        confirm_claim(session, claim_id, actor=actor, at=parse_time(at, "--at"), txn_id=txn_id)
    click.echo(t("cli.claim.confirmed", id=claim_id, actor=actor))


@claim_group.command("reject")
@click.argument("claim_id")
@click.option("--by", "actor", required=True, help="Finance user id.")
@click.option("--reason", required=True)
@AT_OPTION
def claim_reject(claim_id: str, actor: str, reason: str, at: str | None) -> None:
    """Reject a claim (the rep is told why)."""
    with session_scope(app().engine) as session:
        reject_claim(session, claim_id, actor=actor, at=parse_time(at, "--at"), reason=reason)
    click.echo(t("cli.claim.rejected", id=claim_id, actor=actor))
