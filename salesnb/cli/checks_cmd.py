"""``salesnb checks``: list the registered checks and their parameters."""

from __future__ import annotations

import click

from ..checks import available_checks
from ..checks.registry import check_params
from ..db import session_scope
from .context import app
from .output import compact_json, echo_json, table


@click.group("checks")
def checks_group() -> None:
    """The available checks (built-in, plugins, Python, stored rules)."""


@checks_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def checks_list(as_json: bool) -> None:
    """List every check with its table, severity, source and parameters."""
    ctx = app()
    config = ctx.settings.section("checks")
    with session_scope(ctx.engine) as session:
        checks = available_checks(session)
    rows = [{"name": c.name, "title": c.label(ctx.settings.language), "table": c.table, "severity": c.severity,
             "source": c.source, "enabled": (config.get(c.name) or {}).get("enabled", True) is not False,
             "params": check_params(c, config.get(c.name))} for c in checks.values()]
    if as_json:
        echo_json(rows)
        return
    table(["name", "table", "severity", "source", "enabled", "params"],
           [[r["name"], r["table"], r["severity"], r["source"], r["enabled"], compact_json(r["params"])] for r in rows])
