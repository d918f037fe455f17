"""``salesnb rules``: stored rules: save, list, show."""

from __future__ import annotations

import click

from ..db import session_scope
from ..rules import get_rule, latest_rules, save_rule
from ..i18n import t
from .context import app
from .options import ExistingPath, read_json
from .output import echo_json, table


@click.group("rules")
def rules_group() -> None:
    """Stored rules: custom checks (kind check) and saved selections (kind filter)."""


@rules_group.command("save")
@click.argument("name")
@click.argument("file", type=ExistingPath(dir_okay=False))
@click.option("--kind", type=click.Choice(["check", "filter"]), default="check", show_default=True)
@click.option("--disabled", is_flag=True, help="Store the version disabled (a check that does not run).")
@click.option("--by", "actor", default="system", show_default=True, help="An ops user id, or system.")
def rules_save(name: str, file: str, kind: str, disabled: bool, actor: str) -> None:
    """Validate the JSON definition in FILE and store it as the next version of rule NAME."""
    with session_scope(app().engine) as session:
        row = save_rule(session, name, read_json(file), kind=kind, actor=actor, enabled=not disabled)
        click.echo(t("cli.rules.saved", kind=t(f"cli.rules.kind.{kind}"), name=row.name, version=row.version))


@rules_group.command("list")
@click.option("--kind", type=click.Choice(["check", "filter"]), default=None)
def rules_list(kind: str | None) -> None:
    """The newest version of every stored rule."""
    with session_scope(app().engine) as session:
        rows = [[r.name, r.version, r.kind, r.enabled, f"{r.created_at:%Y-%m-%d %H:%M}", r.created_by]
                for r in latest_rules(session, kind)]
    table(["name", "version", "kind", "enabled", "created_at", "created_by"], rows)


@rules_group.command("show")
@click.argument("name")
@click.option("--version", type=int, default=None)
def rules_show(name: str, version: int | None) -> None:
    """Print a stored rule's definition as JSON."""
    with session_scope(app().engine) as session:
        row = get_rule(session, name, version)
        echo_json({"name": row.name, "version": row.version, "kind": row.kind, "enabled": row.enabled,
                    "definition": row.definition})
