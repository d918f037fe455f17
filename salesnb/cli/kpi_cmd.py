"""``salesnb kpi``: the three health KPIs with thresholds, per week, region and rep."""

from __future__ import annotations

import click
import pandas as pd

from ..i18n import t
from ..kpi import compute_kpis
from ..kpi.anomalies import anomaly_notes
from ..kpi.kpis import records
from ..kpi.messages import kpi_label, percent
from .context import app
from .options import parse_time
from .output import echo_json


def _show(frame: pd.DataFrame, language: str) -> str:
    shown = frame.copy()
    if "kpi" in shown:
        shown["kpi"] = shown["kpi"].map(lambda k: kpi_label(k, language))
    for col in ("rate", "threshold"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: percent(None if pd.isna(v) else float(v)))
    if "ok" in shown:
        shown["ok"] = shown["ok"].map(lambda v: "—" if v is None or pd.isna(v) else (t("cli.kpi.ok") if v else t("cli.kpi.red")))
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
    when = parse_time(as_of, "--as-of")
    report = compute_kpis(ctx.engine, when, since=parse_time(since, "--since") if since else None,
                          settings=ctx.settings)
    found = anomaly_notes(ctx.engine, when, report=report) if notes else []
    language = ctx.settings.language
    if as_json:
        data = report.to_dict()
        if scope:
            data = {"as_of": data["as_of"], "thresholds": data["thresholds"], scope: records(report.at(scope))}
        data["notes"] = [{"rule": n.rule, "kpi": n.kpi, "region": n.region, "owner_id": n.owner_id,
                          "text": n.text(language)} for n in found]
        echo_json(data)
        return
    click.echo(t("cli.kpi.as_of", when=f"{when:%Y-%m-%d %H:%M}"))
    sections = [scope] if scope else ["overall", "week"]
    for name in sections:
        table = report.weekly() if name == "week" else report.at(name)
        click.echo(f"\n[{t('cli.kpi.section.' + name)}]")
        click.echo(_show(table, language) if not table.empty else t("cli.kpi.no_data"))
    if not scope:
        table = report.a_lead_conversion()
        click.echo(f"\n[{t('cli.kpi.section.a_leads')}]")
        click.echo(_show(table, language) if not table.empty else t("cli.kpi.no_data"))
    if found:
        click.echo(f"\n[{t('cli.kpi.section.notes')}]")
        for note in found:
            click.echo(f"- {note.text(language)}")
