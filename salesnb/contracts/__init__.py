"""Contract approval with the delivery-feasibility circuit breaker (交付可行性熔断).

``submit`` / ``approve`` / ``reject`` / ``cancel`` / ``edit`` change a contract's state inside
the caller's session; ``evaluate`` is the pure feasibility rule (docs/design.md
``delivery_infeasible``); every feasible submission gets a 交付保障书 (.docx)
attachment.
"""

from .feasibility import Feasibility, LaneOption, Slot, check_contract, check_terms, evaluate
from .guarantee import build_docx, get_attachment, list_attachments
from .workflow import SubmissionResult, approve, cancel, describe, edit, reject, submissions, submit

__all__ = [
    "Feasibility", "LaneOption", "Slot", "check_contract", "check_terms", "evaluate",
    "build_docx", "get_attachment", "list_attachments",
    "SubmissionResult", "approve", "cancel", "describe", "edit", "reject", "submissions", "submit",
]
