"""The base of every salesnb widget: a title bar, an error banner and callbacks that never fail silently.

Widget callbacks run in the kernel, far from the person clicking.  An
exception there would be swallowed (or, worse, shown as a traceback), so
every callback goes through :meth:`AppWidget.safely`: a
:class:`~salesnb.errors.SalesnbError` shows its own message, anything else a
readable "the action did not complete" message naming the error, and the
traceback goes to the server log only.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import ipywidgets as widgets
from sqlalchemy import Engine
from traitlets import Unicode

from ..auth.people import SYSTEM, Actor, load_actor
from ..auth.sessions import check_alive
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import register, t
from ..labels import entity_label  # noqa: F401 - re-exported for the apps
from ..timeutil import now
from . import html
from .style import CSS

register({
    "zh-CN": {
        "common.all": "全部",
        "common.none": "（无）",
        "common.save": "保存",
        "common.cancel": "取消",
        "common.refresh": "刷新",
        "common.close": "关闭",
        "common.required_mark": "（必填）",
        "error.title": "操作没有完成",
        "error.unexpected": "系统出错（{kind}：{detail}）。请稍后重试；如果一直出现，请把这段话发给管理员。",
        "error.missing_api": "此功能所需的模块尚未安装：{module}",
        "notice.saved": "已保存",
        "app.home": "← 返回全部应用",
        "app.signout": "退出登录",
    },
    "en": {
        "common.all": "All",
        "common.none": "(none)",
        "common.save": "Save",
        "common.cancel": "Cancel",
        "common.refresh": "Refresh",
        "common.close": "Close",
        "common.required_mark": " (required)",
        "error.title": "The action did not complete",
        "error.unexpected": "System error ({kind}: {detail}). Please retry; if it keeps happening, send this text to your administrator.",
        "error.missing_api": "A module this feature needs is not installed: {module}",
        "notice.saved": "Saved",
        "app.home": "← All apps",
        "app.signout": "Sign out",
    },
})

log = logging.getLogger("salesnb.widgets")
if not log.handlers:
    # The kernel's sys.stderr is sent to the browser; the real stderr reaches the server log.
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("[salesnb.widgets] %(levelname)s %(message)s"))
    log.addHandler(_handler)
    log.propagate = False


def readable_error(exc: BaseException) -> str:
    """The message a user sees for ``exc``: its own text for user errors, a short summary otherwise."""
    if isinstance(exc, SalesnbError):
        return str(exc)
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    return t("error.unexpected", kind=type(exc).__name__, detail=detail or "-")


class AppWidget(widgets.VBox):
    """Base class of the salesnb components.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store the widget reads and writes (through library functions only).
    actor : Actor or str, optional
        The signed-in person (a user id is looked up); the library checks each
        action against their role and records them in the audit log.  Default:
        :data:`~salesnb.auth.people.SYSTEM` (a notebook of an admin's own).
    home : str, optional
        Link back to the landing page, shown above the title (the Voila apps set it).
    as_of : datetime, optional
        Fixed "now" for reproducible views and tests; ``None`` means the current time.

    Public state: ``error`` (the message in the error banner, empty when none)
    and ``notice`` (the last success message).
    """

    error = Unicode("", help="Message shown in the error banner; empty when none.")
    notice = Unicode("", help="Last success message shown to the user.")

    title_key = ""
    subtitle_key = ""

    def __init__(self, engine: Engine, *, actor: Actor | str | None = None, as_of: datetime | None = None,
                 home: str | None = None, **kwargs: Any):
        self.engine = engine
        self.home = home
        if actor is None and os.environ.get("SALESNB_SINGLE_USER"):
            actor = os.environ["SALESNB_SINGLE_USER"]  # salesnb lab --user / serve --user: set by our own server
        if isinstance(actor, str):
            with session_scope(engine) as session:
                actor = load_actor(session, actor)
        self.actor: Actor = actor or SYSTEM
        self.fixed_as_of = as_of
        self._style = widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(display="none"))
        header = widgets.HTML(self._header_html())
        header.add_class("snb-header")
        self._banner = widgets.HTML("")
        self._banner.add_class("snb-banner")
        self.body = widgets.VBox()
        self.body.add_class("snb-body")
        super().__init__(children=[self._style, header, self._banner, self.body], **kwargs)
        self.add_class("snb-app")
        self.observe(self._update_banner, names=["error", "notice"])

    # ------------------------------------------------------------------ helpers

    def _header_html(self) -> str:
        home = html.tag("a", t("app.home"), cls="snb-home", href=self.home) if self.home else ""
        who = ""
        if not self.actor.is_system:
            who = html.raw_tag("span", html.tag("b", self.actor.label) + " · " + html.tag(
                "a", t("app.signout"), cls="snb-signout", href="../../salesnb/signout"), cls="snb-who")
        title = home + who + html.tag("h2", t(self.title_key)) if self.title_key else ""
        sub = html.tag("p", t(self.subtitle_key)) if self.subtitle_key else ""
        return title + sub

    def open_item(self, item_id: str) -> None:
        """Select the item a link names (``?item=<id>``); apps that list items override this."""

    def check_signed_in(self) -> None:
        """Refuse every callback once the page's browser session has ended (signed out, expired, disabled)."""
        if self.actor.session_token_hash is not None:
            with session_scope(self.engine) as session:
                check_alive(session, self.actor)

    def as_of(self) -> datetime:
        """The time the widget acts "as of": the fixed one, or now."""
        return self.fixed_as_of or now()

    def show_error(self, text: str) -> None:
        """Show ``text`` in the error banner (and clear any success notice)."""
        self.notice = ""
        self.error = text

    def show_notice(self, text: str, tone: str = "good") -> None:
        """Show a message (``tone`` good, warn or info) and clear any error."""
        self._notice_tone = tone
        self.error = ""
        self.notice = ""
        self.notice = text

    def clear_messages(self) -> None:
        self.error = ""
        self.notice = ""

    def _update_banner(self, _change=None) -> None:
        if self.error:
            self._banner.value = html.message(self.error, "bad", title=t("error.title"))
        elif self.notice:
            self._banner.value = html.message(self.notice, getattr(self, "_notice_tone", "good"))
        else:
            self._banner.value = ""

    def safely(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a callback: errors become a readable banner message, tracebacks go to the server log."""

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                self.check_signed_in()
                return fn(*args, **kwargs)
            except Exception as exc:
                if not isinstance(exc, SalesnbError):
                    log.exception("callback %s failed", getattr(fn, "__qualname__", fn))
                self.show_error(readable_error(exc))
                return None

        return wrapper

    def on_click(self, button: widgets.Button, fn: Callable[[], Any]) -> None:
        """Call ``fn()`` safely when ``button`` is clicked (messages cleared first)."""

        def handler(_button):
            self.clear_messages()
            fn()

        button.on_click(self.safely(handler))

    def on_change(self, widget: widgets.Widget, fn: Callable[[Any], Any], names: str = "value") -> None:
        """Call ``fn(new_value)`` safely when trait ``names`` of ``widget`` changes."""
        widget.observe(self.safely(lambda change: fn(change["new"])), names=names)


def row(*children: widgets.Widget, cls: str = "snb-row") -> widgets.HBox:
    """A horizontal row with the standard spacing."""
    box = widgets.HBox(list(children))
    box.add_class(cls)
    return box


def label(text: str, *, required: bool = False, inline: bool = False) -> widgets.HTML:
    """A form label (escaped), with a red mark when the field is required; ``inline`` for toolbars."""
    mark = html.tag("span", "*", cls="snb-required") if required else ""
    cls = "snb-label snb-inline-label" if inline else "snb-label"
    return widgets.HTML(html.raw_tag("div", html.escape(text) + mark, cls=cls))


def show_suggestions(picker: widgets.Select, options: list[tuple[str, str]], max_rows: int = 6) -> None:
    """Fill a suggestion list under a search box: nothing chosen, as tall as needed, hidden when empty."""
    picker.options = options
    picker.value = None
    picker.rows = max(2, min(len(options), max_rows))
    picker.layout.display = "" if options else "none"


def customer_option(name: str, region: str | None, customer_id: str) -> str:
    """``上海华电设备有限公司 · 华东 · C001``: a customer in a suggestion list."""
    return " · ".join(part for part in (name, region, customer_id) if part)


def person_picker(engine: Engine, roles: tuple[str, ...], *, empty: str, value: str | None = None,
                  first: bool = False, cls: str = "") -> widgets.Dropdown:
    """A drop-down of the users with one of ``roles`` (``name（id）``), ``empty`` meaning nobody.

    Preselects ``value``, else (with ``first``) the first person, else nobody.
    """
    from ..directory import people

    staff = people(engine, roles)
    default = value or (staff[0].user_id if first and staff else "")
    box = widgets.Dropdown(options=[(empty, "")] + [(p.label, p.user_id) for p in staff], value=default,
                           layout=widgets.Layout(width="220px"))
    if cls:
        box.add_class(cls)
    return box
