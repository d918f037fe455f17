"""``salesnb check`` / ``grade`` and the stored rules, checks and scorecards behind them."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import click

from ..checks import available_checks, run_checks
from ..checks.registry import check_params
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import t
from ..rules import get_rule, latest_rules, save_rule
from ..rules.parse import MAX_DEPTH
from ..scorecards import DEFAULT_NAME, get_scorecard, grade_leads, list_scorecards, save_scorecard
from ..timeutil import parse_as_of
from .context import app


def _when(value: str | None):
    try:
        return parse_as_of(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--as-of") from exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SalesnbError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    except RecursionError:
        raise SalesnbError(t("rules.file_too_deep", path=path, depth=MAX_DEPTH)) from None


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[Any]]) -> None:
    widths = [max(_width(str(x)) for x in col) for col in zip(header, *rows)]
    for row in [header, *rows]:
        click.echo("  ".join(str(x) + " " * (w - _width(str(x))) for x, w in zip(row, widths)).rstrip())


@click.command("check")
@click.option("--as-of", "as_of", default=None, help="Time the checks represent (default: now), e.g. 2026-11-27 09:30.")
@click.option("--only", "only", multiple=True, help="Run only this check (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: checks → {count, new, ...}.")
def check_cmd(as_of: str | None, only: tuple[str, ...], as_json: bool) -> None:
    """Run the breakpoint checks inside the database and update the findings (exit 0 even with findings)."""
    ctx = app()
    report = run_checks(ctx.engine, _when(as_of), list(only) or None, settings=ctx.settings)
    if as_json:
        click.echo(report.to_json())
        return
    lang = ctx.settings.language
    click.echo(t("check.report.header", lang, as_of=f"{report.as_of:%Y-%m-%d %H:%M}", total=report.total(),
                 new=report.total("new"), persisting=report.total("persisting"), resolved=report.total("resolved")))
    rows = []
    for name, r in report.checks.items():
        extra = "" if not r.breakdown else "  " + " ".join(f"{k}:{v}" for k, v in r.breakdown[1].items())
        rows.append([name, r.count, r.new, r.persisting, r.resolved, f"{r.seconds:.2f}{extra}"])
    _table(t("check.report.columns", lang).split("|"), rows)


@click.group("checks")
def checks_group() -> None:
    """The available checks (built-in, plugins, Python, stored rules)."""


@checks_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def checks_list(as_json: bool) -> None:
    """List every check with its table, severity, source and parameters."""
    ctx = app()
    config = ctx.settings.section("checks")
    with session_scope(ctx.engine) as session:
        checks = available_checks(session)
    rows = [{"name": c.name, "title": c.label(ctx.settings.language), "table": c.table, "severity": c.severity,
             "source": c.source, "enabled": (config.get(c.name) or {}).get("enabled", True) is not False,
             "params": check_params(c, config.get(c.name))} for c in checks.values()]
    if as_json:
        _echo_json(rows)
        return
    _table(["name", "table", "severity", "source", "enabled", "params"],
           [[r["name"], r["table"], r["severity"], r["source"], r["enabled"], json.dumps(r["params"])] for r in rows])


@click.group("rules")
def rules_group() -> None:
    """Stored rules: custom checks (kind check) and saved selections (kind filter)."""


@rules_group.command("save")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(["check", "filter"]), default="check", show_default=True)
@click.option("--disabled", is_flag=True, help="Store the version disabled (a check that does not run).")
def rules_save(name: str, file: str, kind: str, disabled: bool) -> None:
    """Validate the JSON definition in FILE and store it as the next version of rule NAME."""
    with session_scope(app().engine) as session:
        row = save_rule(session, name, _read_json(file), kind=kind, actor="cli", enabled=not disabled)
        click.echo(f"saved {kind} rule {row.name} version {row.version}")


@rules_group.command("list")
@click.option("--kind", type=click.Choice(["check", "filter"]), default=None)
def rules_list(kind: str | None) -> None:
    """The newest version of every stored rule."""
    with session_scope(app().engine) as session:
        rows = [[r.name, r.version, r.kind, r.enabled, f"{r.created_at:%Y-%m-%d %H:%M}", r.created_by]
                for r in latest_rules(session, kind)]
    _table(["name", "version", "kind", "enabled", "created_at", "created_by"], rows)


@rules_group.command("show")
@click.argument("name")
@click.option("--version", type=int, default=None)
def rules_show(name: str, version: int | None) -> None:
    """Print a stored rule's definition as JSON."""
    with session_scope(app().engine) as session:
        row = get_rule(session, name, version)
        _echo_json({"name": row.name, "version": row.version, "kind": row.kind, "enabled": row.enabled,
                    "definition": row.definition})


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
    _table(["name", "version", "active", "created_at", "created_by"], rows)


@scorecards_group.command("show")
@click.argument("name", default=DEFAULT_NAME)
@click.option("--version", type=int, default=None)
def scorecards_show(name: str, version: int | None) -> None:
    """Print a scorecard definition as JSON (the active version unless --version)."""
    with session_scope(app().engine) as session:
        card = get_scorecard(session, name, version)
        _echo_json({"name": card.name, "version": card.version, "definition": card.definition})


@scorecards_group.command("save")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", default=DEFAULT_NAME, show_default=True)
def scorecards_save(file: str, name: str) -> None:
    """Validate the JSON definition in FILE and store it as the new active version."""
    with session_scope(app().engine) as session:
        card = save_scorecard(session, _read_json(file), name=name, actor="cli")
        click.echo(f"saved scorecard {card.name} version {card.version} (run `salesnb grade --regrade` to re-grade)")


@click.command("grade")
@click.option("--as-of", "as_of", default=None, help="Grading time (default: now).")
@click.option("--scorecard", default=DEFAULT_NAME, show_default=True)
@click.option("--regrade", is_flag=True, help="Grade every complete lead again with the active version.")
@click.option("--json", "as_json", is_flag=True)
def grade_cmd(as_of: str | None, scorecard: str, regrade: bool, as_json: bool) -> None:
    """Grade leads with the scorecard; grade A notifies the manager and joins the priority pool."""
    ctx = app()
    report = grade_leads(ctx.engine, as_of=_when(as_of), scorecard=scorecard, regrade=regrade, actor="cli",
                         language=ctx.settings.language)
    if as_json:
        _echo_json(report.to_dict())
        return
    grades = " ".join(f"{g}:{n}" for g, n in sorted(report.grades.items()))
    click.echo(f"{report.scorecard} v{report.version}: {report.graded} graded ({grades}), {report.changed} changed, "
               f"{report.promoted} promoted, {report.incomplete} incomplete")


COMMANDS = [check_cmd, checks_group, rules_group, scorecards_group, grade_cmd]
