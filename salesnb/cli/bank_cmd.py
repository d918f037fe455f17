"""``salesnb bank``: import bank statement files."""

from __future__ import annotations

import click

from ..i18n import t
from ..receivables import (
    import_statements,
)
from .context import app
from .options import ExistingPath, JSON_OPTION
from .output import echo_json


@click.group("bank")
def bank_group() -> None:
    """Bank statements (银行流水)."""


@bank_group.command("import")
@click.argument("files", nargs=-1, required=True, type=ExistingPath(dir_okay=False))
@click.option("--by", "actor", default="system", show_default=True,
              help="Who uploads (a finance user id, or system).")
@JSON_OPTION
def bank_import(files: tuple[str, ...], actor: str, as_json: bool) -> None:
    """Import Chinese bank exports (xlsx, xls, HTML-as-xls, CSV/TXT in UTF-8 or GB18030); rerun is a no-op."""
    report = import_statements(app().engine, files, actor=actor)
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(t("cli.bank.imported", lines=report.lines, files=len(report.files), incoming=report.incoming,
                 inserted=report.inserted, updated=report.updated, unchanged=report.unchanged))
