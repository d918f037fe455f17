"""``salesnb scorecards``: the 意向评分卡 versions: list, show, save."""

from __future__ import annotations

import click

from ..db import session_scope
from ..scorecards import (
    DEFAULT_NAME,
    get_scorecard,
    list_scorecards,
    save_scorecard,
)
from ..i18n import t
from .context import app
from .options import ExistingPath, read_json
from .output import echo_json, table


@click.group("scorecards")
def scorecards_group() -> None:
    """Scorecard definitions (versioned)."""


@scorecards_group.command("list")
def scorecards_list() -> None:
    """Every stored scorecard version."""
    with session_scope(app().engine) as session:
        get_scorecard(session)  # the default card exists from first use
        rows = [[r["name"], r["version"], r["active"], f"{r['created_at']:%Y-%m-%d %H:%M}", r["created_by"]]
                for r in list_scorecards(session)]
    table(["name", "version", "active", "created_at", "created_by"], rows)


@scorecards_group.command("show")
@click.argument("name", default=DEFAULT_NAME)
@click.option("--version", type=int, default=None)
def scorecards_show(name: str, version: int | None) -> None:
    """Print a scorecard definition as JSON (the active version unless --version)."""
    with session_scope(app().engine) as session:
        card = get_scorecard(session, name, version)
        echo_json({"name": card.name, "version": card.version, "definition": card.definition})


@scorecards_group.command("save")
@click.argument("file", type=ExistingPath(dir_okay=False))
@click.option("--name", default=DEFAULT_NAME, show_default=True)
@click.option("--by", "actor", default="system", show_default=True, help="An ops user id, or system.")
def scorecards_save(file: str, name: str, actor: str) -> None:
    """Validate the JSON definition in FILE and store it as the new active version."""
    with session_scope(app().engine) as session:
        card = save_scorecard(session, read_json(file), name=name, actor=actor)
        click.echo(t("cli.scorecards.saved", name=card.name, version=card.version))
