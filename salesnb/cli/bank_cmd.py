"""``salesnb bank``: import bank statement files."""

from __future__ import annotations

import click

from ..receivables import (
    import_statements,
)
from .context import app
from .options import JSON_OPTION
from .output import echo_json


@click.group("bank")
def bank_group() -> None:
    """Bank statements (银行流水)."""


@bank_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--by", "actor", default="system", show_default=True,
              help="Who uploads (a finance user id, or system).")
@JSON_OPTION
def bank_import(files: tuple[str, ...], actor: str, as_json: bool) -> None:
    """Import Chinese bank exports (xlsx, xls, HTML-as-xls, CSV/TXT in UTF-8 or GB18030); rerun is a no-op."""
    report = import_statements(app().engine, files, actor=actor)
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(f"{report.lines} line(s) read from {len(report.files)} file(s), {report.incoming} incoming: "
               f"{report.inserted} new, {report.updated} updated, {report.unchanged} unchanged")
