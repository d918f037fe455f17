"""Breakpoint checks: built-in (docs/design.md "Default check semantics"), from Python, plugins or stored rules.

``run_checks(engine, as_of)`` runs them inside the database and keeps the
``findings`` table current (new / persisting / resolved); ``findings_frame``
and ``check_frame`` read the results as DataFrames.
"""

from .base import Check, CheckContext, first_owner, related_owner
from .blind import BlindSpot, Needs
from .builtin import BUILTIN_CHECKS, DEFAULT_SLA_TARGETS, bucket_label
from .frames import check_frame, findings_frame, latest_data_problems, open_findings_by_check
from .registry import available_checks, register_check, unregister_check
from .runner import CheckReport, CheckResult, run_checks

__all__ = [
    "Check", "CheckContext", "first_owner", "related_owner", "BlindSpot", "Needs",
    "BUILTIN_CHECKS", "DEFAULT_SLA_TARGETS", "bucket_label",
    "check_frame", "findings_frame", "latest_data_problems", "open_findings_by_check",
    "available_checks", "register_check", "unregister_check",
    "CheckReport", "CheckResult", "run_checks",
]
