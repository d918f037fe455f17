"""``salesnb sla``: SLA policies per workflow node: list, show, set, reset, timeline, trace, pause, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..db import session_scope
from ..errors import SalesnbError
from ..sla import (
    get_policy,
    load_policies,
    pause_task,
    reset_policy,
    resume_task,
    save_policy,
    timeline,
    trace,
)
from ..i18n import t
from .context import app
from .options import parse_time, read_json
from .output import echo_json


def _hours(value: float) -> str:
    return f"{value:g}h"


def _read_definition(path: Path) -> dict[str, Any]:
    data = read_json(path)
    if not isinstance(data, dict):
        raise SalesnbError("cli.sla.not_object", path=str(path))
    return data


@click.group("sla")
def sla_group() -> None:
    """SLA policies and escalation ladders per workflow node."""


@sla_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def sla_list(as_json: bool) -> None:
    """Every policy: target, calendar, ladder."""
    ctx = app()
    with session_scope(ctx.engine) as session:
        policies = load_policies(session)
    if as_json:
        echo_json([{**p.to_dict(), "version": p.version, "source": p.source} for p in policies.values()])
        return
    for p in policies.values():
        ladder = ", ".join(f"L{lv.level}@{_hours((p.offset(lv)).total_seconds() / 3600)}" for lv in p.levels)
        state = "" if p.enabled else " [disabled]"
        origin = "default" if p.source == "default" else f"v{p.version}"
        click.echo(f"{p.node:<22} {p.label(ctx.settings.language)}  target {_hours(p.target.total_seconds() / 3600)} "
                   f"({p.calendar.mode})  ladder: {ladder or '-'}  [{origin}]{state}")


@sla_group.command("show")
@click.argument("node")
def sla_show(node: str) -> None:
    """Print the JSON definition of NODE's policy (edit it and load it with ``sla set --file``)."""
    with session_scope(app().engine) as session:
        policy = get_policy(session, node)
    echo_json(policy.to_dict())


@sla_group.command("set")
@click.argument("node")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False), help="JSON definition (as printed by sla show).")
@click.option("--target-hours", type=float, help="Target duration in hours.")
@click.option("--calendar", "mode", type=click.Choice(["24x7", "working_hours"]), help="Clock: 24x7 or working hours.")
@click.option("--holidays/--no-holidays", default=None, help="Working-hours mode: Chinese holidays and 调休.")
@click.option("--enable/--disable", default=None)
@click.option("--by", "--actor", "actor", default="system", show_default=True, help="A user id allowed to do this, or system.")
def sla_set(node: str, file: Path | None, target_hours: float | None, mode: str | None, holidays: bool | None,
            enable: bool | None, actor: str) -> None:
    """Store NODE's policy: a whole definition from --file, and/or change single settings."""
    ctx = app()
    with session_scope(ctx.engine) as session:
        if file is not None:
            definition = _read_definition(file)
        else:
            known = load_policies(session)
            if node not in known:
                raise SalesnbError("cli.sla.no_policy", node=node)
            definition = known[node].to_dict()
        definition["node"] = node
        if target_hours is not None:
            definition["target_hours"] = target_hours
        if mode is not None or holidays is not None:
            calendar = dict(definition.get("calendar") or {})
            if mode is not None:
                calendar["mode"] = mode
            if holidays is not None:
                calendar["chinese_holidays"] = holidays
            definition["calendar"] = calendar
        if enable is not None:
            definition["enabled"] = enable
        try:
            policy = save_policy(session, definition, actor=actor)
        except SalesnbError as exc:
            if file is None:
                raise
            raise SalesnbError("cli.in_file", path=str(file), problem=str(exc)) from exc
    click.echo(t("cli.sla.saved", node=policy.node, version=policy.version))


@sla_group.command("reset")
@click.argument("node")
@click.option("--by", "--actor", "actor", default="system", show_default=True, help="A user id allowed to do this, or system.")
def sla_reset(node: str, actor: str) -> None:
    """Delete NODE's stored policy (its built-in default applies again)."""
    with session_scope(app().engine) as session:
        deleted = reset_policy(session, node, actor=actor)
    click.echo(t("cli.sla.reset" if deleted else "cli.sla.no_stored", node=node))


@sla_group.command("timeline")
@click.argument("node")
@click.option("--created-at", default=None, help="Start of the example task (default: now).")
@click.option("--json", "as_json", is_flag=True)
def sla_timeline(node: str, created_at: str | None, as_json: bool) -> None:
    """What NODE's policy would do to a task started at --created-at."""
    ctx = app()
    with session_scope(ctx.engine) as session:
        policy = get_policy(session, node)
    events = timeline(policy, parse_time(created_at, "--created-at"), language=ctx.settings.language)
    if as_json:
        echo_json([e.to_dict() for e in events])
        return
    for e in events:
        at = "never (paused)" if e.at is None else f"{e.at:%Y-%m-%d %a %H:%M}"
        who = ""
        if e.notify:
            who = f"  notify {', '.join(e.notify)}" + (f"; cc {', '.join(e.cc)}" if e.cc else "")
            who += f"; to-do for {e.todo_for}" if e.todo_for else ""
        click.echo(f"{at}  {e.label}{who}")
        for notice in e.notices:
            click.echo(t("cli.sla.note", notice=notice))


@sla_group.command("trace")
@click.argument("task_id")
@click.option("--json", "as_json", is_flag=True)
def sla_trace(task_id: str, as_json: bool) -> None:
    """The escalation history of one task: who was told, when, and when it was done."""
    with session_scope(app().engine) as session:
        result = trace(session, task_id)
    if as_json:
        echo_json(result.to_dict())
        return
    names = result.names
    done = "open" if result.done_at is None else f"done {result.done_at:%Y-%m-%d %H:%M}"
    click.echo(f"task {result.task_id} ({result.node}), owner {names.get(result.owner_id or '', '-')}, "
               f"started {result.created_at:%Y-%m-%d %H:%M}, {done}")
    if not result.applies:
        click.echo(t("cli.sla.no_policy_applies"))
    if not result.fired:
        click.echo(t("cli.sla.none_fired"))
    for f in result.fired:
        line = (f"  L{f.level}" + (f" repeat {f.repeat_no}" if f.repeat_no else "")
                + f": due {f.due_at:%Y-%m-%d %H:%M}, fired {f.fired_at:%Y-%m-%d %H:%M}; told "
                + (", ".join(names.get(u, u) for u in f.notified) or "-"))
        if f.cc:
            line += "; cc " + ", ".join(names.get(u, u) for u in f.cc)
        if f.todo_task_id:
            todo_state = "open" if f.todo_done_at is None else f"closed {f.todo_done_at:%Y-%m-%d %H:%M}"
            line += f"; to-do {f.todo_task_id} for {names.get(f.todo_owner or '', f.todo_owner)} ({todo_state})"
        if f.late_by is not None:
            line += f"; task done {f.late_by.total_seconds() / 3600:.1f}h after this level was due"
        click.echo(line)
    if result.fired:
        click.echo(t("cli.sla.should_have_acted", names=", ".join(names.get(u, u) for u in result.should_have_acted)))


@sla_group.command("pause")
@click.argument("task_id")
@click.option("--status", required=True, help="Status the task enters, e.g. waiting_customer.")
@click.option("--at", "at", default=None, help="When (default: now).")
@click.option("--by", "--actor", "actor", default="system", show_default=True, help="A user id allowed to do this, or system.")
def sla_pause(task_id: str, status: str, at: str | None, actor: str) -> None:
    """Record that TASK_ID waits in STATUS (its clock stops if the policy pauses on that status)."""
    with session_scope(app().engine) as session:
        pause_task(session, task_id, status, at=parse_time(at, "--at"), actor=actor)
    click.echo(t("cli.sla.paused", task_id=task_id, status=status))


@sla_group.command("resume")
@click.argument("task_id")
@click.option("--at", "at", default=None, help="When (default: now).")
@click.option("--by", "--actor", "actor", default="system", show_default=True, help="A user id allowed to do this, or system.")
def sla_resume(task_id: str, at: str | None, actor: str) -> None:
    """End TASK_ID's pause."""
    with session_scope(app().engine) as session:
        resume_task(session, task_id, at=parse_time(at, "--at"), actor=actor)
    click.echo(t("cli.sla.resumed", task_id=task_id))
