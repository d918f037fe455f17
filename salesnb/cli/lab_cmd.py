"""``salesnb lab``: JupyterLab on the analyst's template copies, wired to the store."""

from __future__ import annotations

from pathlib import Path

import click

from ..auth.people import load_actor
from ..db import session_scope
from ..web.lab import LabOptions, lab, lab_folder
from .context import app


@click.command("lab")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Notebook folder (default: [lab] dir, or notebooks/ under the data folder).")
@click.option("--port", default=8888, show_default=True, type=int)
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option("--user", default=None, help="The person the widgets act as (default: the system account).")
@click.option("--token", default=None, help="Jupyter's access token (default: a generated one, printed).")
def lab_command(folder: Path | None, port: int, no_browser: bool, user: str | None, token: str | None) -> None:
    """Open JupyterLab on your copies of the templates (localhost only; no password in any notebook)."""
    ctx = app()
    ctx.engine  # noqa: B018 - the schema is upgraded once here, not in every kernel
    if user:
        with session_scope(ctx.engine) as session:
            load_actor(session, user)  # an existing, active user
    lab(ctx.settings, LabOptions(folder=folder or lab_folder(ctx.settings), port=port,
                                 open_browser=not no_browser, user=user, token=token))
