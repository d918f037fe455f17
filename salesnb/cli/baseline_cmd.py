"""``salesnb baseline``: record what is already broken, alert nobody about it one by one, tell managers once."""

from __future__ import annotations

import click

from ..checks.baseline import latest_baseline
from ..db import session_scope
from ..errors import SalesnbError
from ..pipeline import daily_run
from ..timeutil import to_local
from .context import app
from .daily_cmd import echo_step, print_run
from .options import parse_time
from .output import echo_json

STEPS = ("reconcile", "checks", "escalate")


@click.command("baseline")
@click.option("--as-of", "as_of", default=None, help="Time the baseline represents (default: now).")
@click.option("--force", is_flag=True, help="Take a new baseline even though one exists (the repair rate restarts).")
@click.option("--notify/--no-notify", default=True, show_default=True,
              help="Deliver the managers' backlog summaries (and the alerts of young breakpoints) now.")
@click.option("--json", "as_json", is_flag=True, help="Print the run as one JSON object.")
def baseline_cmd(as_of: str | None, force: bool, notify: bool, as_json: bool) -> None:
    """Take the baseline: reconcile, record every finding, send each manager one backlog summary.

    Breakpoints older than ``[alerts] backlog_age_days`` (default 3) are not
    alerted one by one, and the escalation ladders of tasks that old are
    logged without messages.  The first ``salesnb daily`` on a database does
    this by itself.
    """
    ctx = app()
    when = parse_time(as_of, "--as-of")
    with session_scope(ctx.engine) as session:
        existing = latest_baseline(session)
        if existing is not None and not force:
            raise SalesnbError("baseline.exists", taken_at=f"{to_local(existing.taken_at):%Y-%m-%d %H:%M}")
    steps = (*STEPS, "notify") if notify else STEPS
    run = daily_run(ctx.engine, when, settings=ctx.settings, steps=steps, baseline="always",
                    progress=None if as_json else echo_step)
    if as_json:
        echo_json(run.to_dict())
    else:
        print_run(run)
