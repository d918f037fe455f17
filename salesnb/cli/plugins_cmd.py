"""``salesnb plugins``: the installed plugins and the hooks they implement."""

from __future__ import annotations

import click

from ..plugins.manager import list_plugins
from .output import echo_json


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def plugins_command(as_json: bool) -> None:
    """List the installed plugins and the hooks each implements."""
    rows = list_plugins()
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        origin = "built-in" if row["builtin"] else f"version {row['version'] or '?'}"
        click.echo(f"{row['name']} ({origin}): {', '.join(row['hooks']) or '(no hooks)'}")
