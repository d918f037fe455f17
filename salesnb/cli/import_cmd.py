"""``salesnb import``: import CSV / xlsx files in one transaction, every header used or reported."""

from __future__ import annotations

import click

from ..io import import_paths
from ..io.importer import gather_mappings, plan_paths
from ..io.messages import msg
from ..io.validate import ProblemLog
from ..schema import table_specs
from .context import app
from .options import ExistingPath


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=ExistingPath())
@click.option("--table", type=click.Choice(list(table_specs())), default=None,
              help="Canonical table of every file (default: inferred from each file's header).")
@click.option("--by", "--actor", "actor", default="system", show_default=True,
              help="Who imports (a user id allowed to import, or system; recorded in import_log).")
@click.option("--map", "maps", multiple=True, metavar="HEADER=COLUMN",
              help="Map a header to a canonical column (COLUMN or TABLE.COLUMN; empty: not used). Repeatable; "
                   "remembered for the next file with that header.")
@click.option("--mapping-file", type=ExistingPath(dir_okay=False), default=None,
              help="A TOML mapping file of a source system (see docs/import.md).")
@click.option("--source", "source_system", default="", help="The system the files come from (for remembered mappings).")
@click.option("--allow-unmapped", is_flag=True,
              help="Import even when an unused header looks like a column the file lacks.")
@click.option("--no-remember", is_flag=True, help="Do not remember the --map mappings.")
@click.option("--plan", "plan_only", is_flag=True, help="Show what would be imported (mapping per file); write nothing.")
def import_cmd(paths: tuple[str, ...], table: str | None, actor: str, maps: tuple[str, ...], mapping_file: str | None,
               source_system: str, allow_unmapped: bool, no_remember: bool, plan_only: bool) -> None:
    """Import CSV / xlsx / xls files or folders into the canonical tables (one transaction, upsert by id).

    Every file's report says which headers fed which column (with a score
    when not exact), which were not used and which columns the file lacks.
    """
    ctx = app()
    if plan_only:
        _print_plans(ctx.engine, paths, table, maps, mapping_file, source_system, allow_unmapped)
        return
    report = import_paths(ctx.engine, paths, table=table, actor=actor, mappings=list(maps),
                          mapping_file=mapping_file, source_system=source_system,
                          allow_unmapped=allow_unmapped, remember_mappings=not no_remember)
    click.echo(report.summary())


def _print_plans(engine, paths, table, maps, mapping_file, source_system, allow_unmapped) -> None:
    """Each file's plan (table, header row, mapping, problems); exit status 2 when a plan has problems."""
    given = gather_mappings(engine, list(maps), mapping_file, source_system)
    log = ProblemLog()
    skipped: list[tuple[str, str]] = []
    plans = plan_paths(paths, table, given, log, skipped, allow_unmapped)
    for plan in plans:
        click.echo("\n".join(plan.lines()))
    for name, reason in skipped:
        click.echo(msg("io.report.skipped", name=name, reason=reason))
    log.raise_if_any()
    if any(plan.problems for plan in plans):
        raise click.exceptions.Exit(2)  # the problems are in the plans printed above
