"""Errors users see: a message key with parameters, rendered in the user's language where it is shown.

The tree::

    SalesnbError                 anything a user can act on; the CLI prints it and exits 2
    ├── InputError               bad input (a file, a row, a column); carries every Problem; nothing written
    ├── ConfigError              salesnb.toml, a channel, a schedule, a template or a bundle that cannot be used
    ├── RuleError                a rule (or a stored check) that does not validate          (salesnb.rules)
    ├── PolicyError              an SLA policy or working calendar that cannot be used      (salesnb.sla)
    ├── ScorecardError           a scorecard or a lead whose card is incomplete             (salesnb.scorecards)
    ├── ContractError            a contract action that cannot be done now                  (salesnb.contracts)
    ├── ReceivablesError         a claim, a bank line or a match that cannot be used        (salesnb.receivables)
    ├── NotifyError              a notification that cannot be sent as asked                (salesnb.notify)
    ├── SyncError                a sync source that cannot be configured or read            (salesnb.sync)
    ├── AuthError                sign-in failed, a session ended, no such active user      (salesnb.auth)
    └── PermissionDenied         the signed-in person may not do this                      (salesnb.auth)

An error is raised with a message key (registered with
:func:`salesnb.i18n.register`) and its parameters::

    raise ContractError("contract.not_found", contract_id=cid)

``str(error)`` renders it in the current language (:func:`salesnb.i18n.t`),
so the CLI, a widget and a notebook each show it in their user's language;
:meth:`SalesnbError.render` takes an explicit language.  Text that is not a
registered key is shown as it is (older call sites and plugins).

Messages are bounded: a value echoed in a message is cut to
:data:`SHOWN_CHARS` characters with its full length added (a 10 MB cell gives
one short line, not 10 MB of stderr); a whole message is cut to
:data:`MAX_MESSAGE_CHARS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import register, t

SHOWN_CHARS = 60
MAX_MESSAGE_CHARS = 4000

register({
    "zh-CN": {
        "errors.input": "发现 {total} 个问题，未导入任何数据：",
        "errors.input.more": "…… 另有 {n} 个问题",
        "errors.cut": "{start}…（共 {length:,} 个字符）",
        "errors.where.row": "第 {row} 行",
        "errors.where.column": "列 {column}",
        "errors.where.sep": "，",
        "errors.where.got": "（收到 {value}）",
        "errors.where.colon": "：",
    },
    "en": {
        "errors.input": "{total} problem(s) found; nothing was imported:",
        "errors.input.more": "... and {n} more problems",
        "errors.cut": "{start}… ({length:,} characters)",
        "errors.where.row": "row {row}",
        "errors.where.column": "column {column}",
        "errors.where.sep": ", ",
        "errors.where.got": " (got {value})",
        "errors.where.colon": ": ",
    },
})


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` itself when short, else its first ``limit`` characters, an ellipsis and its length."""
    text = str(text)
    if len(text) <= limit:
        return text
    return t("errors.cut", start=text[:limit], length=len(text))


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as a message shows it: its ``repr``, cut to ``limit`` characters of the value."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + t("errors.cut", start="", length=len(value))
    return shorten(repr(value), limit + 2)


class SalesnbError(Exception):
    """An error whose message is meant for the user: a message key and its parameters."""

    def __init__(self, key: str = "", /, **params: Any):
        super().__init__(key)
        self.key = key
        self.params = params

    def render(self, language: str | None = None) -> str:
        """The message in ``language`` (default: the current language), at most MAX_MESSAGE_CHARS long."""
        params = {k: shorten(v, 400) if isinstance(v, str) else v for k, v in self.params.items()}
        text = t(self.key, language, **params) if params else t(self.key, language)
        return shorten(text, MAX_MESSAGE_CHARS)

    def __str__(self) -> str:
        return self.render()


class ConfigError(SalesnbError):
    """salesnb.toml, a channel, a schedule, a template or a bundle that cannot be used."""


class ContractError(SalesnbError):
    """A contract action that cannot be done now."""


class ReceivablesError(SalesnbError):
    """A payment claim, a bank line or a match that cannot be used as asked."""


class NotifyError(SalesnbError):
    """A notification that cannot be sent as asked."""


class SyncError(SalesnbError):
    """A sync source that cannot be configured or read (a setting, a connection, an API answer)."""


class ScorecardError(SalesnbError):
    """A scorecard definition or a lead's card that cannot be used."""


class AuthError(SalesnbError):
    """Sign-in failed, a session ended, or no such active user."""


class PermissionDenied(SalesnbError):
    """The person may not do this; ``action`` names what was refused."""

    def __init__(self, key: str = "auth.denied", /, *, action: str = "", **params: Any):
        super().__init__(key, **params)
        self.action = action

    def render(self, language: str | None = None) -> str:
        params = dict(self.params)
        if self.action:
            params["action"] = t(f"action.{self.action}", language)
        return t(self.key, language, **params)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (file, Excel row, column) and what was expected."""

    file: str
    row: int | None
    column: str | None
    message: str
    value: object = None

    def render(self, language: str | None = None) -> str:
        """``a.csv，第 3 行，列 数量：应为整数（收到 'abc'）`` in ``language`` (default: the current one)."""
        where = [shorten(str(self.file), 200)]
        if self.row is not None:
            where.append(t("errors.where.row", language, row=self.row))
        if self.column:
            where.append(t("errors.where.column", language, column=shorten(str(self.column))))
        got = "" if self.value in (None, "") else t("errors.where.got", language, value=shown(self.value))
        return (t("errors.where.sep", language).join(where) + t("errors.where.colon", language)
                + shorten(self.message, 400) + got)

    def __str__(self) -> str:
        return self.render()


class InputError(SalesnbError):
    """Bad input: carries every problem found (up to a cap); nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None, cap: int = 50):
        self.problems = problems[:cap]
        self.total = total if total is not None else len(problems)
        super().__init__("errors.input")

    def render(self, language: str | None = None) -> str:
        lines = [p.render(language) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(t("errors.input.more", language, n=self.total - len(self.problems)))
        header = t("errors.input", language, total=self.total)
        return shorten("\n".join([header, *("  " + line for line in lines)]), MAX_MESSAGE_CHARS * 10)
