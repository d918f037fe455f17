"""The ``salesnb`` command line.

Each command group lives in its own module under :mod:`salesnb.cli` and
exposes ``COMMANDS``, a list of click commands; :data:`COMMAND_MODULES`
lists those modules.  User errors (:class:`salesnb.errors.SalesnbError`)
print their message and exit 2; anything else prints a one-line error and
exits 1 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from ..errors import MAX_MESSAGE_CHARS, SalesnbError, shorten
from ..notify.redact import redact
from .context import AppContext

COMMAND_MODULES = [
    "salesnb.cli.db_cmd",
    "salesnb.cli.demo_cmd",
    "salesnb.cli.check_cmd",
    "salesnb.cli.io_cmd",
    "salesnb.cli.notify_cmd",
    "salesnb.cli.serve_cmd",
    "salesnb.cli.sla_cmd",
    "salesnb.cli.kpi_cmd",
    "salesnb.cli.run_cmd",
    "salesnb.cli.demo_data_cmd",
    "salesnb.cli.contract_cmd",
    "salesnb.cli.receivables_cmd",
]


class SalesnbGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except SalesnbError as exc:
            click.echo(f"error: {shorten(redact(exc), MAX_MESSAGE_CHARS)}", err=True)
            sys.exit(2)
        except Exception as exc:  # noqa: BLE001 - the CLI never shows a bare traceback
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            click.echo(f"error: {type(exc).__name__}: {shorten(redact(exc), MAX_MESSAGE_CHARS)}", err=True)
            click.echo("(run with --debug or SALESNB_DEBUG=1 for the traceback)", err=True)
            sys.exit(1)


@click.group(cls=SalesnbGroup)
@click.option("--db", "db_url", envvar="SALESNB_DB_URL", help="SQLAlchemy database URL (default: ./salesnb.db, SQLite).")
@click.option("--lang", type=click.Choice(["zh-CN", "en"]), default=None, help="UI language for exported headers and messages.")
@click.option("--debug", is_flag=True, default=lambda: os.environ.get("SALESNB_DEBUG") == "1", help="Show tracebacks.")
@click.version_option(package_name="salesnb")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, lang: str | None, debug: bool) -> None:
    """salesnb: close the broken hand-offs of the sales process."""
    ctx.obj = AppContext(db_url=db_url, language=lang, debug=debug)


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(_name).COMMANDS:
        main.add_command(_command)
