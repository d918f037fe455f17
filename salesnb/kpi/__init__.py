"""Health KPIs, anomaly notes and the process audit (docs/design.md items 7 and 8)."""

from .kpis import (
    A_LEAD_CONVERSION,
    ALL_KPIS,
    BREAKPOINT_REPAIR,
    COMPLIANCE,
    DEFAULT_THRESHOLDS,
    FIRST_RESPONSE,
    HEALTH_KPIS,
    KpiReport,
    compute_kpis,
)

__all__ = [
    "A_LEAD_CONVERSION", "ALL_KPIS", "BREAKPOINT_REPAIR", "COMPLIANCE", "DEFAULT_THRESHOLDS",
    "FIRST_RESPONSE", "HEALTH_KPIS", "KpiReport", "compute_kpis",
]
