"""Breakpoint checks: built-in (docs/design.md "Default check semantics"), from Python, plugins or stored rules.

``run_checks(engine, as_of)`` runs them inside the database and keeps the
``findings`` table current (new / persisting / resolved); ``findings_frame``
and ``check_frame`` read the results as DataFrames.

The names below are resolved lazily (PEP 562): an app that lists findings
(:mod:`salesnb.checks.listing`) does not load the check runner, pandas or the
rule compilers by importing this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

# public name → submodule
_EXPORTS: dict[str, str] = {
    "Check": ".base", "CheckContext": ".base", "first_owner": ".base", "related_owner": ".base",
    "BlindSpot": ".blind", "Needs": ".blind",
    "BUILTIN_CHECKS": ".builtin", "DEFAULT_SLA_TARGETS": ".builtin", "bucket_label": ".builtin",
    "check_frame": ".frames", "findings_frame": ".frames", "latest_data_problems": ".frames",
    "open_findings_by_check": ".frames",
    "available_checks": ".registry", "register_check": ".registry", "unregister_check": ".registry",
    "CheckReport": ".runner", "CheckResult": ".runner", "run_checks": ".runner",
}
__all__ = list(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .base import Check, CheckContext, first_owner, related_owner
    from .blind import BlindSpot, Needs
    from .builtin import BUILTIN_CHECKS, DEFAULT_SLA_TARGETS, bucket_label
    from .frames import check_frame, findings_frame, latest_data_problems, open_findings_by_check
    from .registry import available_checks, register_check, unregister_check
    from .runner import CheckReport, CheckResult, run_checks
