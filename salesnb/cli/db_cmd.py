"""``salesnb db``: schema migrations."""

from __future__ import annotations

import click

from ..db import current_revision, upgrade
from ..i18n import t
from ..urls import safe_url
from .context import app


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema to the latest version."""
    engine = app().raw_engine
    upgrade(engine, revision)
    click.echo(t("cli.db.revision", url=safe_url(engine.url), revision=current_revision(engine)))


@db_group.command("current")
def db_current() -> None:
    """Print the schema revision of the database."""
    click.echo(current_revision(app().raw_engine) or "(empty)")
