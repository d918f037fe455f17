"""``salesnb kpi`` and ``salesnb audit-process``: health KPIs, anomaly notes, breakpoints per order."""

from __future__ import annotations

import json
from typing import Any

import click
import pandas as pd

from ..kpi import compute_kpis
from ..kpi.anomalies import anomaly_notes
from ..kpi.audit_process import process_audit
from ..kpi.kpis import records
from ..kpi.messages import kpi_label, percent
from ..timeutil import parse_as_of, parse_timestamp
from .context import app


def _when(value: str | None, option: str, *, default_now: bool = True):
    try:
        return parse_as_of(value) if default_now else parse_timestamp(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _show(frame: pd.DataFrame, language: str) -> str:
    shown = frame.copy()
    if "kpi" in shown:
        shown["kpi"] = shown["kpi"].map(lambda k: kpi_label(k, language))
    for col in ("rate", "threshold"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: percent(None if pd.isna(v) else float(v)))
    if "ok" in shown:
        shown["ok"] = shown["ok"].map(lambda v: "—" if v is None or pd.isna(v) else ("OK" if v else "RED"))
    return shown.to_string(index=False)


@click.command("kpi")
@click.option("--as-of", "as_of", default=None, help="Time the KPIs represent (default: now).")
@click.option("--since", default=None, help="First week to list (default: every week with data).")
@click.option("--scope", type=click.Choice(["overall", "week", "region", "rep", "week_region", "week_rep"]),
              default=None, help="Print only this breakdown.")
@click.option("--notes/--no-notes", default=True, show_default=True, help="Add the anomaly notes of the week.")
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
def kpi_cmd(as_of: str | None, since: str | None, scope: str | None, notes: bool, as_json: bool) -> None:
    """Health KPIs against their thresholds: overall, per ISO week, region and rep; A-lead conversion."""
    ctx = app()
    when = _when(as_of, "--as-of")
    report = compute_kpis(ctx.engine, when, since=_when(since, "--since") if since else None)
    found = anomaly_notes(ctx.engine, when, report=report) if notes else []
    language = ctx.settings.language
    if as_json:
        data = report.to_dict()
        if scope:
            data = {"as_of": data["as_of"], "thresholds": data["thresholds"], scope: records(report.at(scope))}
        data["notes"] = [{"rule": n.rule, "kpi": n.kpi, "region": n.region, "owner_id": n.owner_id,
                          "text": n.text(language)} for n in found]
        _echo_json(data)
        return
    click.echo(f"as of {when:%Y-%m-%d %H:%M}")
    sections = [scope] if scope else ["overall", "week"]
    for name in sections:
        table = report.weekly() if name == "week" else report.at(name)
        click.echo(f"\n[{name}]")
        click.echo(_show(table, language) if not table.empty else "(no data)")
    if not scope:
        table = report.a_lead_conversion()
        click.echo("\n[a_lead_conversion by region and week]")
        click.echo(_show(table, language) if not table.empty else "(no data)")
    if found:
        click.echo("\n[notes]")
        for note in found:
            click.echo(f"- {note.text(language)}")


@click.command("audit-process")
@click.option("--as-of", "as_of", default=None, help="Audit orders created up to this time (default: now).")
@click.option("--split", "split_at", default=None, help="Compare orders created before this date with those after.")
@click.option("--orders", "show_orders", is_flag=True, help="List every order's breakpoints per stage.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def audit_process_cmd(as_of: str | None, split_at: str | None, show_orders: bool, as_json: bool) -> None:
    """Process audit: breakpoints of each order across the seven stages, on average, before vs after."""
    ctx = app()
    audit = process_audit(ctx.engine, _when(as_of, "--as-of"))
    split = audit.split(_when(split_at, "--split", default_now=False)) if split_at else None
    if as_json:
        data: dict[str, Any] = {"as_of": audit.as_of.isoformat(), "mean_per_order": audit.mean_per_order(),
                                "summary": records(audit.summary())}
        if split is not None:
            data["split"] = {"at": split_at, "stages": records(split)}
        if show_orders:
            data["orders"] = records(audit.per_order())
        _echo_json(data)
        return
    mean = audit.mean_per_order()
    click.echo(f"{len(audit.orders)} order(s); breakpoints per order: {'—' if mean is None else f'{mean:.2f}'}")
    click.echo(audit.summary().to_string(index=False))
    if split is not None:
        click.echo(f"\nbefore vs after {split_at}:")
        click.echo(split.to_string(index=False))
    if show_orders:
        click.echo("")
        click.echo(audit.per_order().to_string(index=False))


COMMANDS = [kpi_cmd, audit_process_cmd]
