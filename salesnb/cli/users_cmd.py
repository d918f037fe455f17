"""``salesnb users``: the people who sign in — list, add, disable, import, set-password."""

from __future__ import annotations

import sys

import click

from ..db import session_scope
from ..errors import AuthError
from ..i18n import t
from .context import app
from .options import JSON_OPTION
from .output import echo_json, table, ui_language

BY_OPTION = click.option("--by", "actor", default="system", show_default=True,
                         help="Who does it: an ops user id, or system (an admin on the server).")


@click.group("users")
def users_group() -> None:
    """The people who sign in: list, add, disable, import (CSV / xlsx), set-password."""


@users_group.command("list")
@JSON_OPTION
@click.option("--active", "active_only", is_flag=True, help="Only active users.")
def users_list(as_json: bool, active_only: bool) -> None:
    """Every user: id, name, role, manager, region, active, whether a local password is set, platform ids."""
    from ..auth.users import COLUMNS, list_users

    with session_scope(app().engine) as session:
        rows = list_users(session, include_inactive=not active_only)
    if as_json:
        echo_json(rows)
        return
    shown = COLUMNS[:7]
    table(list(shown), [[_cell(r[c]) for c in shown] for r in rows])


def _cell(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


@users_group.command("add")
@click.argument("user_id")
@click.option("--name", required=True, help="Full name (姓名).")
@click.option("--role", required=True, help="sales, sales_manager, sales_director, finance, finance_manager, "
                                            "warehouse or ops.")
@click.option("--manager", "manager_id", default=None, help="The manager's user id (上级).")
@click.option("--region", default=None)
@click.option("--mobile", default=None)
@click.option("--email", default=None)
@click.option("--wecom", "wecom_userid", default=None, help="WeCom userid (企业微信账号).")
@click.option("--dingtalk", "dingtalk_userid", default=None, help="DingTalk userid (钉钉账号).")
@click.option("--feishu", "feishu_user_id", default=None, help="Feishu user_id (飞书账号).")
@BY_OPTION
def users_add(user_id: str, name: str, role: str, manager_id: str | None, actor: str, **fields: str | None) -> None:
    """Add an active user (set a password with `salesnb users set-password`)."""
    from ..auth.users import add_user

    with session_scope(app().engine) as session:
        add_user(session, user_id, name, role, manager_id=manager_id, actor=actor, **fields)
    click.echo(t("cli.users.added", user_id=user_id, role=role))


@users_group.command("disable")
@click.argument("user_id")
@BY_OPTION
def users_disable(user_id: str, actor: str) -> None:
    """Mark a user inactive: they can no longer sign in, and their sessions end at once."""
    from ..auth.users import disable_user

    with session_scope(app().engine) as session:
        ended = disable_user(session, user_id, actor=actor)
    click.echo(t("cli.users.disabled", user_id=user_id, ended=ended))


@users_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@BY_OPTION
def users_import(files: tuple[str, ...], actor: str) -> None:
    """Import users from CSV / xlsx (员工编号, 姓名, 角色, 上级编号, 企业微信账号, 钉钉账号, 飞书账号…)."""
    from ..auth.users import import_users

    ctx = app()
    with ui_language(ctx.settings.language):
        report = import_users(ctx.engine, files, actor=actor)
        click.echo(report.summary())


@users_group.command("set-password")
@click.argument("user_id")
@BY_OPTION
def users_set_password(user_id: str, actor: str) -> None:
    """Set USER_ID's local password, read from standard input (typed twice, hidden, at a terminal).

    Never pass a password as an argument: it would stay in the shell history
    and the process list.  From a script: ``printf '%s\\n' "$PW" | salesnb users set-password U1``.
    """
    from ..auth.users import set_user_password

    ctx = app()
    with ui_language(ctx.settings.language):
        if sys.stdin.isatty():
            password = click.prompt(t("users.password.tty"), hide_input=True, confirmation_prompt=True,
                                    default="", show_default=False)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise AuthError("users.password.none")
        with session_scope(ctx.engine) as session:
            ended = set_user_password(session, user_id, password, actor=actor)
    click.echo(f"{user_id}: password set" + (f"; {ended} session(s) ended" if ended else ""))
