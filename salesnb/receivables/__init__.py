"""Receivables (回款): payment claims, invoice aging, bank statements and automatic reconciliation.

- :func:`submit_claim` / :func:`confirm_claim` / :func:`reject_claim` — the claim workflow;
- :func:`aging_frame` / :func:`aging_by_owner` — overdue invoices by owner and bucket;
- :func:`parse_statement` / :func:`import_statements` — Chinese bank exports → ``bank_transactions``;
- :func:`reconcile` → :class:`ReconcileReport`, and the review queue (:func:`review_queue`,
  :func:`confirm_match`, :func:`reject_match`, :func:`unmatch`);
- :func:`import_and_reconcile` — uploaded statements → import → reconcile → the review queue, in one call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

# resolved on first use: a page that lists claims does not load pandas or the matching engine
_EXPORTS: dict[str, str | tuple[str, str]] = {
    "BUCKETS": ".aging", "aging_by_owner": ".aging", "aging_frame": ".aging",
    "BankImportReport": ".bank_statements", "import_statements": ".bank_statements",
    "parse_statement": ".bank_statements", "read_statements": ".bank_statements",
    "confirm_claim": ".claims", "reject_claim": ".claims", "submit_claim": ".claims",
    "ReconcileOptions": (".matching", "Options"),
    "name_keys": ".names", "name_score": ".names",
    "AppliedMatch": ".auto_reconcile", "ReconcileReport": ".auto_reconcile", "reconcile": ".auto_reconcile",
    "confirm_match": (".review", "confirm"), "reject_match": (".review", "reject"),
    "review_queue": ".review", "unmatch": ".review", "unmatched_lines": ".review",
    "StatementUpload": ".upload", "import_and_reconcile": ".upload",
}
__all__ = [
    "BUCKETS", "aging_by_owner", "aging_frame",
    "BankImportReport", "import_statements", "parse_statement", "read_statements",
    "confirm_claim", "reject_claim", "submit_claim",
    "ReconcileOptions", "name_keys", "name_score",
    "AppliedMatch", "ReconcileReport", "reconcile",
    "confirm_match", "reject_match", "review_queue", "unmatch", "unmatched_lines",
    "StatementUpload", "import_and_reconcile",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .aging import BUCKETS, aging_by_owner, aging_frame
    from .bank_statements import BankImportReport, import_statements, parse_statement, read_statements
    from .claims import confirm_claim, reject_claim, submit_claim
    from .matching import Options as ReconcileOptions
    from .auto_reconcile import AppliedMatch, ReconcileReport, reconcile
    from .names import name_keys, name_score
    from .review import confirm as confirm_match
    from .review import reject as reject_match
    from .review import review_queue, unmatch, unmatched_lines
    from .upload import StatementUpload, import_and_reconcile
