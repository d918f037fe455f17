"""Package re-exports resolved on first use (PEP 562), so importing a package loads only what is used.

An app kernel that lists findings imports :mod:`salesnb.checks.listing`; with
eager re-exports in ``salesnb/checks/__init__.py`` that would load the check
runner, the rule compilers and pandas too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str | tuple[str, str]]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` for ``package``: ``exports`` maps a public name to the
    (relative) module that defines it, or to (module, attribute) when the name differs."""
    namespace = importlib.import_module(package).__dict__

    def getattr_(name: str) -> Any:
        try:
            target = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        module, attr = (target, name) if isinstance(target, str) else target
        value = getattr(importlib.import_module(module, package), attr)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted([*namespace, *exports])

    return getattr_, dir_
