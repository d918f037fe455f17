"""ipywidgets 8 components of the ops apps; each only calls the library.

``from salesnb.widgets import ContractApproval`` works for every component;
the modules are imported on first use, so importing the package stays light.
The Voila apps build them through :func:`salesnb.widgets.apps.show`.
"""

from __future__ import annotations

import importlib
from typing import Any

_COMPONENTS = {
    "AppWidget": "base",
    "CustomerCard": "customer_card",
    "Findings": "findings",
    "ScorecardForm": "scorecard",
    "RuleEditor": "rule_editor",
    "EscalationConfigurator": "escalation",
    "ContractApproval": "contract_approval",
    "ReconciliationQueue": "reconciliation",
    "Dashboard": "dashboard",
    "ImportApp": "importer",
    "MyWork": "my_work",
    "PaymentClaims": "claims",
}

__all__ = sorted(_COMPONENTS)


def __getattr__(name: str) -> Any:
    if name in _COMPONENTS:
        return getattr(importlib.import_module(f".{_COMPONENTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
