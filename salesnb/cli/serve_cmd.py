"""``salesnb serve``: the Voila web apps."""

from __future__ import annotations

from pathlib import Path

import click

from ..web.serve import ServeOptions, default_apps_dir, serve
from .context import app
from .options import parse_time


@click.command("serve")
@click.option("--port", default=8866, show_default=True, type=int, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (every page needs a signed-in person, localhost included).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option("--user", "user", default=None,
              help="Single-person mode on localhost: every page acts as this user id (an analyst's own machine).")
@click.option("--pool-size", default=None, type=click.IntRange(0, 8),
              help="Preheated kernels kept ready per app (0 disables preheating; default: [serve] pool_size, else 1).")
@click.option("--apps-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of app notebooks (default: voila_apps/).")
@click.option("--as-of", "as_of", default=None, help="Fixed clock for the apps, e.g. for a demo data set (default: now).")
def serve_command(port: int, host: str, no_browser: bool, user: str | None, pool_size: int | None,
                  apps_dir: Path | None, as_of: str | None) -> None:
    """Serve the ops apps (Voila, standalone, preheated kernels)."""
    ctx = app()
    ctx.engine  # noqa: B018 - upgrade the schema once here, not in every app kernel
    options = ServeOptions(host=host, port=port, open_browser=not no_browser, user=user,
                           pool_size=pool_size, apps_dir=apps_dir or default_apps_dir(),
                           as_of=parse_time(as_of, default_now=False))
    serve(ctx.settings, options)
