"""The library flows run on the seeded store before the apps are served."""

from __future__ import annotations

from sqlalchemy import Engine

from salesnb.contracts import submit
from salesnb.db import session_scope
from salesnb.receivables import reconcile

from ..widgets.seed import AS_OF


def prepare(engine: Engine) -> None:
    """Push the seeded data through the library so the apps show real verdicts and candidates."""
    with session_scope(engine) as session:
        submit(session, "K001", actor="U01", at=AS_OF)  # feasible: waits for approval, guarantee issued
        submit(session, "K002", actor="U02", at=AS_OF)  # 3 days promised, 4 needed: frozen
    reconcile(engine, AS_OF)  # B001, B002 applied; B003 waits for a person with INV003 and INV004
