"""``salesnb audit-process``: breakpoints per order across the seven stages, before and after a date."""

from __future__ import annotations

from typing import Any

import click

from ..i18n import t
from ..kpi.audit_process import process_audit
from ..kpi.kpis import records
from .context import app
from .options import parse_time
from .output import echo_json


@click.command("audit-process")
@click.option("--as-of", "as_of", default=None, help="Audit orders created up to this time (default: now).")
@click.option("--split", "split_at", default=None, help="Compare orders created before this date with those after.")
@click.option("--orders", "show_orders", is_flag=True, help="List every order's breakpoints per stage.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def audit_process_cmd(as_of: str | None, split_at: str | None, show_orders: bool, as_json: bool) -> None:
    """Process audit: breakpoints of each order across the seven stages, on average, before vs after."""
    ctx = app()
    audit = process_audit(ctx.engine, parse_time(as_of, "--as-of"))
    split = audit.split(parse_time(split_at, "--split", default_now=False)) if split_at else None
    if as_json:
        data: dict[str, Any] = {"as_of": audit.as_of.isoformat(), "mean_per_order": audit.mean_per_order(),
                                "summary": records(audit.summary())}
        if split is not None:
            data["split"] = {"at": split_at, "stages": records(split)}
        if show_orders:
            data["orders"] = records(audit.per_order())
        echo_json(data)
        return
    mean = audit.mean_per_order()
    click.echo(t("cli.audit.orders", n=len(audit.orders), mean="—" if mean is None else f"{mean:.2f}"))
    click.echo(audit.summary().to_string(index=False))
    if split is not None:
        click.echo(f"\nbefore vs after {split_at}:")
        click.echo(split.to_string(index=False))
    if show_orders:
        click.echo("")
        click.echo(audit.per_order().to_string(index=False))
