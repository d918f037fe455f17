"""Receivables (回款): payment claims, invoice aging, bank statements and automatic reconciliation.

- :func:`submit_claim` / :func:`confirm_claim` / :func:`reject_claim` — the claim workflow;
- :func:`aging_frame` / :func:`aging_by_owner` — overdue invoices by owner and bucket;
- :func:`parse_statement` / :func:`import_statements` — Chinese bank exports → ``bank_transactions``;
- :func:`reconcile` → :class:`ReconcileReport`, and the review queue (:func:`review_queue`,
  :func:`confirm_match`, :func:`reject_match`, :func:`unmatch`);
- :func:`import_and_reconcile` — uploaded statements → import → reconcile → the review queue, in one call.
"""

from .aging import BUCKETS, aging_by_owner, aging_frame
from .bank_statements import BankImportReport, import_statements, parse_statement, read_statements
from .claims import confirm_claim, reject_claim, submit_claim
from .matching import Options as ReconcileOptions
from .names import name_keys, name_score
from .reconcile import AppliedMatch, ReconcileReport, reconcile
from .review import confirm as confirm_match
from .review import reject as reject_match
from .review import review_queue, unmatch, unmatched_lines
from .upload import StatementUpload, import_and_reconcile

__all__ = [
    "BUCKETS", "aging_by_owner", "aging_frame",
    "BankImportReport", "import_statements", "parse_statement", "read_statements",
    "confirm_claim", "reject_claim", "submit_claim",
    "ReconcileOptions", "name_keys", "name_score",
    "AppliedMatch", "ReconcileReport", "reconcile",
    "confirm_match", "reject_match", "review_queue", "unmatch", "unmatched_lines",
    "StatementUpload", "import_and_reconcile",
]
