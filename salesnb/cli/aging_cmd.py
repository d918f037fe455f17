"""``salesnb aging``: overdue invoices by owner and aging bucket."""

from __future__ import annotations

import click

from ..receivables import (
    aging_by_owner,
    aging_frame,
)
from ..i18n import t
from .context import app
from .options import JSON_OPTION, parse_time
from .output import echo_json, records


@click.command("aging")
@click.option("--as-of", "as_of", default=None, help="Time of the aging (default: now).")
@click.option("--detail", is_flag=True, help="One line per overdue invoice instead of the owner × bucket table.")
@click.option("--count", "count", is_flag=True, help="Count invoices instead of summing outstanding amounts.")
@JSON_OPTION
def aging_cmd(as_of: str | None, detail: bool, count: bool, as_json: bool) -> None:
    """Overdue invoices by owner and bucket (1-30, 31-60, 61-90, 90+ days past the payment terms)."""
    when = parse_time(as_of, "--as-of")
    frame = aging_frame(app().engine, when)
    if as_json:
        table = aging_by_owner(frame, "count" if count else "outstanding")
        echo_json({"as_of": when.isoformat(), "by_owner": {str(k): v for k, v in table.to_dict("index").items()},
                   "invoices": records(frame.assign(bucket=frame["bucket"].astype(str)))})
        return
    if frame.empty:
        click.echo(t("cli.aging.none", when=f"{when:%Y-%m-%d %H:%M}"))
        return
    click.echo(t("cli.aging.some", when=f"{when:%Y-%m-%d %H:%M}", n=len(frame), total=frame["outstanding"].sum()))
    if detail:
        shown = frame[["owner_id", "invoice_id", "customer_name", "outstanding", "due_at", "days_overdue", "bucket"]]
        click.echo(shown.to_string(index=False))
    else:
        click.echo(aging_by_owner(frame, "count" if count else "outstanding").to_string())
