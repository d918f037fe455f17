"""Which checks exist: plugins (the built-ins are one), checks registered from Python, stored rules.

Names are unique across sources; a clash is an error naming both sources, so a
stored rule never silently replaces a built-in check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from ..errors import ConfigError
from .base import Check
from . import messages  # noqa: F401 - the keys of the errors below

_registered: dict[str, Check] = {}


def register_check(check: Check, *, replace: bool = False) -> Check:
    """Add a check written in Python to every later run (``replace`` an earlier registration of its name)."""
    if check.name in _registered and not replace:
        raise ConfigError("checks.registry.twice", name=check.name)
    check.validate(check.params)
    _registered[check.name] = check
    return check


def unregister_check(name: str) -> None:
    """Remove a check added with :func:`register_check` (no error if absent)."""
    _registered.pop(name, None)


def plugin_checks() -> list[Check]:
    """Checks contributed through the ``salesnb_checks`` hook (built-ins included)."""
    from ..plugins import get_plugin_manager

    found: list[Check] = []
    for result in get_plugin_manager().hook.salesnb_checks():
        for check in result or ():
            if not isinstance(check, Check):
                raise ConfigError("checks.registry.not_check", value=repr(check))
            found.append(check)
    return found


def available_checks(session: Session | None = None) -> dict[str, Check]:
    """Every check by name: plugins, then Python registrations, then stored rules (when ``session`` is given)."""
    checks: dict[str, Check] = {}

    def add(items: Iterable[Check], source: str) -> None:
        for check in items:
            if check.name in checks:
                raise ConfigError("checks.registry.same_name", name=check.name, first=checks[check.name].source,
                                  second=source)
            check.source = check.source if check.source != "python" else source
            checks[check.name] = check

    add(plugin_checks(), "plugin")
    add(_registered.values(), "python")
    if session is not None:
        from .stored import stored_checks

        add(stored_checks(session), "stored rule")
    return checks


def check_params(check: Check, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The check's default parameters updated with ``overrides`` (unknown keys are an error)."""
    params = dict(check.params)
    for key, value in (overrides or {}).items():
        if key == "enabled":
            continue
        if key not in params:
            known = ", ".join(check.params) or "none"
            raise ConfigError("checks.registry.setting", name=check.name, setting=repr(key), known=known)
        params[key] = value
    return params


def select_checks(checks: Mapping[str, Check], only: Iterable[str] | None,
                  config: Mapping[str, Any]) -> list[Check]:
    """The checks to run: ``only`` (in that order; unknown names are an error) or all enabled ones."""
    if only:
        names = list(dict.fromkeys(only))
        unknown = [n for n in names if n not in checks]
        if unknown:
            raise ConfigError("checks.registry.unknown", names=", ".join(unknown), known=", ".join(sorted(checks)))
        return [checks[n] for n in names]
    return [c for name, c in checks.items() if (config.get(name) or {}).get("enabled", True) is not False]
