"""``salesnb runs``: the history of template runs."""

from __future__ import annotations

import click

from ..i18n import t
from ..runs.execute import runs_frame
from .context import app
from .output import compact_json, echo_json


@click.command("runs")
@click.option("--template", default=None, help="Only runs of this template.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def runs_cmd(template: str | None, limit: int, as_json: bool) -> None:
    """The run history, newest first."""
    frame = runs_frame(app().engine, template=template, limit=limit)
    if as_json:
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        echo_json(records)
        return
    if frame.empty:
        click.echo(t("cli.runs.none"))
        return
    shown = frame[["id", "template", "job", "started_at", "seconds", "status", "output_path"]].copy()
    shown["started_at"] = shown["started_at"].map(lambda v: f"{v:%Y-%m-%d %H:%M:%S}")
    shown["seconds"] = shown["seconds"].map(lambda v: "" if v is None or v != v else f"{v:.1f}")
    shown["metrics"] = frame["metrics"].map(lambda m: compact_json(m)[:60] if m else "")
    shown.columns = t("cli.runs.columns").split(",")
    click.echo(shown.fillna("").to_string(index=False))
