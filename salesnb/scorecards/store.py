"""Scorecard versions in the ``scorecards`` table: saving a definition adds a version, old ones stay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..db import serialise
from ..errors import ScorecardError
from ..models import Scorecard
from ..timeutil import now
from .definition import DEFAULT_NAME, Card, compile_card, default_definition
from . import messages  # noqa: F401 - the keys of the errors below


def save_scorecard(session: Session, definition: dict[str, Any], *, name: str = DEFAULT_NAME,
                   actor: Actor | str = "system", at: datetime | None = None) -> Card:
    """Validate ``definition`` and store it as the new active version of scorecard ``name``.

    Raises :class:`salesnb.rules.RuleError` listing every problem (nothing is stored then).
    Concurrent saves of one name get consecutive versions.  ``actor`` needs ``config.edit`` (ops).
    """
    actor = authorize(session, actor, "config.edit").user_id
    serialise(session, f"scorecards:{name}")
    current = session.scalar(select(func.max(Scorecard.version)).where(Scorecard.name == name)) or 0
    card = compile_card(name, current + 1, definition)
    session.execute(update(Scorecard).where(Scorecard.name == name).values(active=False))
    session.add(Scorecard(name=name, version=card.version, definition=definition, active=True,
                          created_at=at or now(), created_by=actor))
    audit.record(session, actor=actor, action="scorecard.save", entity_type="scorecards",
                 entity_id=f"{name}@{card.version}", after=definition, at=at)
    session.flush()
    return card


def get_scorecard(session: Session, name: str = DEFAULT_NAME, version: int | None = None) -> Card:
    """The active version of scorecard ``name`` (or ``version``); the default card is created on first use."""
    query = select(Scorecard).where(Scorecard.name == name)
    query = query.where(Scorecard.version == version) if version else query.where(Scorecard.active.is_(True))
    row = session.scalars(query.order_by(Scorecard.version.desc()).limit(1)).first()
    if row is None:
        if name == DEFAULT_NAME and version in (None, 1):
            return _seed_default(session, name)
        raise ScorecardError("scorecard.unknown_version" if version else "scorecard.unknown", name=repr(name),
                             version=version)
    return compile_card(row.name, row.version, row.definition)


def _seed_default(session: Session, name: str) -> Card:
    """Store the default card as version 1 unless a concurrent transaction just did; return the active card."""
    serialise(session, f"scorecards:{name}")
    row = session.scalars(select(Scorecard).where(Scorecard.name == name, Scorecard.active.is_(True))
                          .order_by(Scorecard.version.desc()).limit(1)).first()
    if row is not None:
        return compile_card(row.name, row.version, row.definition)
    return save_scorecard(session, default_definition(), name=name)


def list_scorecards(session: Session) -> list[dict[str, Any]]:
    """Every stored version: name, version, active, created_at, created_by."""
    rows = session.execute(select(Scorecard.name, Scorecard.version, Scorecard.active, Scorecard.created_at,
                                  Scorecard.created_by).order_by(Scorecard.name, Scorecard.version))
    return [dict(r._mapping) for r in rows]
