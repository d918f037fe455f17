"""A statement uploaded in the browser, in one flow: import its lines → reconcile → the review queue.

The bytes are written under their (made safe) file names in a private
temporary folder, read by the same parser as ``salesnb bank import`` (the
content decides the format, whatever the suffix says) and removed again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from ..auth.people import Actor
from ..filenames import safe_file_name
from .bank_statements import BankImportReport, import_statements
from .auto_reconcile import ReconcileReport, reconcile
from .review import review_count


@dataclass
class StatementUpload:
    """What one upload did: the lines imported, the reconciliation run, the lines now waiting for a person."""

    imported: BankImportReport
    reconciled: ReconcileReport
    waiting: int

    def as_dict(self) -> dict[str, object]:
        return {"imported": self.imported.as_dict(), "reconciled": self.reconciled.as_dict(), "waiting": self.waiting}


def import_and_reconcile(engine: Engine, files: Iterable[tuple[str, bytes]], *, actor: Actor | str,
                         as_of: datetime | None = None) -> StatementUpload:
    """Import uploaded bank exports (``(file name, bytes)`` pairs), reconcile, count the review queue.

    All files are imported in one transaction (any bad line: nothing is
    written, :class:`~salesnb.errors.InputError` names file, row and column);
    a file uploaded again is a no-op.  Reconciliation then runs as of ``as_of``
    (default now), recording ``actor``.
    """
    with tempfile.TemporaryDirectory(prefix="salesnb-statements-") as folder:
        paths = []
        for i, (name, data) in enumerate(files):
            sub = Path(folder) / str(i)  # two uploads may share a name
            sub.mkdir()
            path = sub / safe_file_name(name, "statement")
            path.write_bytes(data)
            paths.append(path)
        imported = import_statements(engine, paths, actor=actor)
    imported.files = [Path(p).name for p in imported.files]
    reconciled = reconcile(engine, as_of, actor=actor.user_id if isinstance(actor, Actor) else actor)
    waiting = review_count(engine)
    return StatementUpload(imported, reconciled, int(waiting))
