"""salesnb: close the broken hand-offs of the sales process.

The public Python API is re-exported here; see the README for a tour.  The
re-exports are resolved lazily (PEP 562): ``import salesnb`` stays cheap, so
an app kernel that shows one widget loads only the engines that widget uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    "Check": (".checks", "Check"),
    "check_frame": (".checks", "check_frame"),
    "findings_frame": (".checks", "findings_frame"),
    "register_check": (".checks", "register_check"),
    "run_checks": (".checks", "run_checks"),
    "Settings": (".config", "Settings"),
    "load_settings": (".config", "load_settings"),
    "approve_contract": (".contracts", "approve"),
    "edit_contract": (".contracts", "edit"),
    "reject_contract": (".contracts", "reject"),
    "submit_contract": (".contracts", "submit"),
    "get_engine": (".db", "get_engine"),
    "make_engine": (".db", "make_engine"),
    "session_scope": (".db", "session_scope"),
    "upgrade": (".db", "upgrade"),
    "build_demo_db": (".demo", "build_demo_db"),
    "generate_demo_data": (".demo", "generate"),
    "InputError": (".errors", "InputError"),
    "Problem": (".errors", "Problem"),
    "SalesnbError": (".errors", "SalesnbError"),
    "ImportReport": (".io", "ImportReport"),
    "TableResult": (".io", "TableResult"),
    "export_table": (".io", "export_table"),
    "import_frame": (".io", "import_frame"),
    "import_paths": (".io", "import_paths"),
    "read_table": (".io", "read_table"),
    "FlushReport": (".notify", "FlushReport"),
    "enqueue": (".notify", "enqueue"),
    "flush": (".notify", "flush"),
    "read_source": (".plugins.sources", "read_source"),
    "ReconcileReport": (".receivables", "ReconcileReport"),
    "aging_frame": (".receivables", "aging_frame"),
    "import_statements": (".receivables", "import_statements"),
    "reconcile": (".receivables", "reconcile"),
    "submit_claim": (".receivables", "submit_claim"),
    "EscalationReport": (".sla", "EscalationReport"),
    "escalate": (".sla", "escalate"),
    "load_policies": (".sla", "load_policies"),
    "policy_targets": (".sla", "policy_targets"),
    "save_policy": (".sla", "save_policy"),
    "timeline": (".sla", "timeline"),
    "trace": (".sla", "trace"),
    "to_mask": (".rules", "to_mask"),
    "to_predicate": (".rules", "to_predicate"),
    "to_sql": (".rules", "to_sql"),
    "validate_rule": (".rules", "validate_rule"),
    "grade_leads": (".scorecards", "grade_leads"),
    "grades_frame": (".scorecards", "grades_frame"),
    "save_lead": (".scorecards", "save_lead"),
    "KpiReport": (".kpi", "KpiReport"),
    "compute_kpis": (".kpi", "compute_kpis"),
    "anomaly_notes": (".kpi.anomalies", "anomaly_notes"),
    "register_anomaly_rule": (".kpi.anomalies", "register_anomaly_rule"),
    "process_audit": (".kpi.audit_process", "process_audit"),
    "emit_metrics": (".runs", "emit_metrics"),
    "run_template": (".runs", "run_template"),
    "runs_frame": (".runs", "runs_frame"),
    "apply_import": (".runs.bundles", "apply_import"),
    "export_bundle": (".runs.bundles", "export_bundle"),
    "plan_import": (".runs.bundles", "plan_import"),
    "read_bundle": (".runs.bundles", "read_bundle"),
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'salesnb' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from .checks import Check
    from .checks import check_frame
    from .checks import findings_frame
    from .checks import register_check
    from .checks import run_checks
    from .config import Settings
    from .config import load_settings
    from .contracts import approve as approve_contract
    from .contracts import edit as edit_contract
    from .contracts import reject as reject_contract
    from .contracts import submit as submit_contract
    from .db import get_engine
    from .db import make_engine
    from .db import session_scope
    from .db import upgrade
    from .demo import build_demo_db
    from .demo import generate as generate_demo_data
    from .errors import InputError
    from .errors import Problem
    from .errors import SalesnbError
    from .io import ImportReport
    from .io import TableResult
    from .io import export_table
    from .io import import_frame
    from .io import import_paths
    from .io import read_table
    from .notify import FlushReport
    from .notify import enqueue
    from .notify import flush
    from .plugins.sources import read_source
    from .receivables import ReconcileReport
    from .receivables import aging_frame
    from .receivables import import_statements
    from .receivables import reconcile
    from .receivables import submit_claim
    from .sla import EscalationReport
    from .sla import escalate
    from .sla import load_policies
    from .sla import policy_targets
    from .sla import save_policy
    from .sla import timeline
    from .sla import trace
    from .rules import to_mask
    from .rules import to_predicate
    from .rules import to_sql
    from .rules import validate_rule
    from .scorecards import grade_leads
    from .scorecards import grades_frame
    from .scorecards import save_lead
    from .kpi import KpiReport
    from .kpi import compute_kpis
    from .kpi.anomalies import anomaly_notes
    from .kpi.anomalies import register_anomaly_rule
    from .kpi.audit_process import process_audit
    from .runs import emit_metrics
    from .runs import run_template
    from .runs import runs_frame
    from .runs.bundles import apply_import
    from .runs.bundles import export_bundle
    from .runs.bundles import plan_import
    from .runs.bundles import read_bundle
