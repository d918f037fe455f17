"""Contract approval with the delivery-feasibility circuit breaker (交付可行性熔断).

``submit`` / ``approve`` / ``reject`` / ``cancel`` / ``edit`` change a contract's state inside
the caller's session; ``evaluate`` is the pure feasibility rule (docs/design.md
``delivery_infeasible``); every feasible submission gets a 交付保障书 (.docx)
attachment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from . import messages  # noqa: F401 - the package's message keys, whichever submodule is used

# resolved on first use: the checks read the feasibility rule without loading python-docx (the 交付保障书)
_EXPORTS: dict[str, str | tuple[str, str]] = {
    **dict.fromkeys(["Feasibility", "LaneOption", "Slot", "check_contract", "check_terms", "evaluate"], ".feasibility"),
    **dict.fromkeys(["build_docx", "get_attachment", "list_attachments"], ".guarantee"),
    **dict.fromkeys(["SubmissionResult", "approve", "cancel", "describe", "edit", "reject", "submissions", "submit"],
                    ".workflow"),
}
__all__ = [
    "Feasibility", "LaneOption", "Slot", "check_contract", "check_terms", "evaluate",
    "build_docx", "get_attachment", "list_attachments",
    "SubmissionResult", "approve", "cancel", "describe", "edit", "reject", "submissions", "submit",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .feasibility import Feasibility, LaneOption, Slot, check_contract, check_terms, evaluate
    from .guarantee import build_docx, get_attachment, list_attachments
    from .workflow import SubmissionResult, approve, cancel, describe, edit, reject, submissions, submit
