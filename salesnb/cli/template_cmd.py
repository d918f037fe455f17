"""``salesnb template``: notebook templates and team bundles: list, copy, export, import."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from ..runs.bundles import apply_import, export_bundle, plan_import, read_bundle
from ..runs.templates import copy_template, list_templates
from ..i18n import t
from .context import app
from .options import ExistingPath


@click.group("template")
def template_group() -> None:
    """Template notebooks: list, copy for editing, export/import bundles."""


@template_group.command("list")
def template_list() -> None:
    """Built-in templates and those of [templates] dirs."""
    for row in list_templates(app().settings):
        click.echo(f"{row['name']:<24} {t('cli.template.builtin') if row['builtin'] else t('cli.template.custom'):<9} {row['path']}")


@template_group.command("copy")
@click.argument("name")
@click.argument("dest")
@click.option("--overwrite", is_flag=True, help="Replace DEST if it exists.")
def template_copy(name: str, dest: str, overwrite: bool) -> None:
    """Copy template NAME to DEST (a file, or a folder ending in /) for editing, wired to this database."""
    target = copy_template(app().settings, name, dest, overwrite=overwrite)
    click.echo(t("cli.template.copied", name=name, target=target))


@template_group.command("export")
@click.argument("name")
@click.option("--out", "out", default=None, help="The bundle file to write (default: NAME.salesnb.zip).")
@click.option("--notebook", "notebooks", multiple=True, help="Also include this notebook (repeatable).")
def template_export(name: str, out: str | None, notebooks: tuple[str, ...]) -> None:
    """Write bundle NAME: scorecards, stored rules (custom checks), SLA policies and the team's notebooks."""
    ctx = app()
    target = Path(out or f"{name}.salesnb.zip")
    bundle = export_bundle(ctx.engine, ctx.settings, name, target, [Path(n) for n in notebooks])
    counts = ", ".join(f"{v} {k}" for k, v in bundle.counts().items())
    click.echo(t("cli.template.wrote", target=target, counts=counts))


@template_group.command("import")
@click.argument("bundle_file", type=ExistingPath(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace items that differ (stored as new versions).")
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.option("--dry-run", is_flag=True, help="Show what would change and stop.")
@click.option("--notebooks-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where notebooks go (default: the first [templates] dirs folder, else ./templates).")
def template_import(bundle_file: Path, overwrite: bool, yes: bool, dry_run: bool, notebooks_dir: Path | None) -> None:
    """Load a bundle into this database, showing first what changes (+ add, ~ differs, = same)."""
    ctx = app()
    plan = plan_import(ctx.engine, ctx.settings, read_bundle(bundle_file), notebooks_dir)
    click.echo(t("cli.template.bundle", name=repr(plan.bundle.name), folder=plan.notebooks_dir))
    for line, item in zip(plan.lines(), plan.items, strict=True):
        click.echo(f"  {line}")
        for diff_line in item.diff.splitlines():
            click.echo(f"      {diff_line}")
    if not plan.changes:
        click.echo(t("cli.template.nothing"))
        return
    if plan.conflicts and not overwrite:
        raise ConfigError("runs.bundle.conflicts", count=len(plan.conflicts),
                          names=", ".join(f"{i.kind} {i.name}" for i in plan.conflicts))
    if dry_run:
        click.echo(t("cli.template.dry_run", n=len(plan.changes)))
        return
    if not yes:
        click.confirm(f"apply {len(plan.changes)} change(s)?", abort=True)
    apply_import(ctx.engine, plan, overwrite=overwrite)
    click.echo(t("cli.template.imported", n=len(plan.changes)))
