"""salesnb: close the broken hand-offs of the sales process.

The public Python API is re-exported here; see the README for a tour.
"""

from .checks import Check, check_frame, findings_frame, register_check, run_checks
from .config import Settings, load_settings
from .contracts import approve as approve_contract
from .contracts import edit as edit_contract
from .contracts import reject as reject_contract
from .contracts import submit as submit_contract
from .db import get_engine, make_engine, session_scope, upgrade
from .demo import build_demo_db
from .demo import generate as generate_demo_data
from .errors import InputError, Problem, SalesnbError
from .io import ImportReport, TableResult, export_table, import_frame, import_paths, read_table
from .notify import FlushReport, enqueue, flush
from .plugins.sources import read_source
from .receivables import ReconcileReport, aging_frame, import_statements, reconcile, submit_claim
from .sla import EscalationReport, escalate, load_policies, policy_targets, save_policy, timeline, trace
from .rules import to_mask, to_predicate, to_sql, validate_rule
from .scorecards import grade_leads, grades_frame, save_lead
from .kpi import KpiReport, compute_kpis
from .kpi.anomalies import anomaly_notes, register_anomaly_rule
from .kpi.audit_process import process_audit
from .runs import emit_metrics, run_template, runs_frame
from .bundles import apply_import, export_bundle, plan_import, read_bundle

__version__ = "0.1.0"

__all__ = [
    "Settings", "load_settings",
    "get_engine", "make_engine", "session_scope", "upgrade",
    "InputError", "Problem", "SalesnbError",
    "build_demo_db", "generate_demo_data",
    "ImportReport", "TableResult", "export_table", "import_frame", "import_paths", "read_table",
    "enqueue", "flush", "FlushReport", "read_source",
    "EscalationReport", "escalate", "load_policies", "policy_targets", "save_policy", "timeline", "trace",
    "Check", "check_frame", "findings_frame", "register_check", "run_checks",
    "to_mask", "to_predicate", "to_sql", "validate_rule",
    "grade_leads", "grades_frame", "save_lead",
    "approve_contract", "edit_contract", "reject_contract", "submit_contract",
    "ReconcileReport", "aging_frame", "import_statements", "reconcile", "submit_claim",
    "KpiReport", "compute_kpis", "anomaly_notes", "register_anomaly_rule", "process_audit",
    "emit_metrics", "run_template", "runs_frame", "apply_import", "export_bundle", "plan_import", "read_bundle",
]
