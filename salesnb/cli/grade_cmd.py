"""``salesnb grade``: grade leads with the active 意向评分卡."""

from __future__ import annotations

import click

from ..scorecards import (
    DEFAULT_NAME,
    grade_leads,
)
from ..i18n import t
from .context import app
from .options import parse_time
from .output import echo_json


@click.command("grade")
@click.option("--as-of", "as_of", default=None, help="Grading time (default: now).")
@click.option("--scorecard", default=DEFAULT_NAME, show_default=True)
@click.option("--regrade", is_flag=True, help="Grade every complete lead again with the active version.")
@click.option("--json", "as_json", is_flag=True)
def grade_cmd(as_of: str | None, scorecard: str, regrade: bool, as_json: bool) -> None:
    """Grade leads with the scorecard; grade A notifies the manager and joins the priority pool."""
    ctx = app()
    report = grade_leads(ctx.engine, as_of=parse_time(as_of), scorecard=scorecard, regrade=regrade, actor="system",
                         language=ctx.settings.language)
    if as_json:
        echo_json(report.to_dict())
        return
    grades = " ".join(f"{g}:{n}" for g, n in sorted(report.grades.items()))
    click.echo(t("cli.grade.report", card=report.scorecard, version=report.version, graded=report.graded,
                 grades=grades, changed=report.changed, promoted=report.promoted, incomplete=report.incomplete))
