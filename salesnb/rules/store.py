"""Stored rules (table ``rules``): named, versioned, validated on save.

Kinds: ``check`` (a custom check; see :mod:`salesnb.rules.definitions` for its
definition) and ``filter`` (``{"table": ..., "rule": ...}``, a saved selection).
Saving a rule under an existing name adds a new version; old versions stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..db import serialise
from ..models import Rule
from ..timeutil import now
from .definitions import validate_check_definition
from .parse import RuleError, validate_rule

KINDS = ("check", "filter")


def validate_definition(kind: str, definition: Any, name: str = "rule") -> None:
    """Raise :class:`RuleError` (every problem, with its path) if ``definition`` is not a valid ``kind``."""
    if kind == "check":
        validate_check_definition(definition, name)
        return
    if kind != "filter":
        raise RuleError.keyed("rules.store.kind", kind=repr(kind), known=", ".join(KINDS))
    if not isinstance(definition, dict) or "table" not in definition or "rule" not in definition:
        raise RuleError(['definition: expected {"table": ..., "rule": ...}'], name)
    try:
        validate_rule(definition["rule"], definition["table"], name=name)
    except KeyError as exc:
        raise RuleError([f"definition.table: {exc.args[0]}"], name) from None


def save_rule(session: Session, name: str, definition: dict[str, Any], *, kind: str = "check",
              actor: Actor | str = "system", at: datetime | None = None, enabled: bool = True) -> Rule:
    """Validate and store ``definition`` as the next version of rule ``name``; return the row (``config.edit``)."""
    actor = authorize(session, actor, "config.edit").user_id
    if not name or not name.replace("_", "").isalnum():
        raise RuleError.keyed("rules.store.name", name=repr(name))
    validate_definition(kind, definition, name)
    serialise(session, f"rules:{name}")  # concurrent saves get consecutive versions
    current = session.scalar(select(func.max(Rule.version)).where(Rule.name == name))
    row = Rule(name=name, version=(current or 0) + 1, kind=kind, definition=definition, enabled=enabled,
               created_at=at or now(), created_by=actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="rule.save", entity_type="rules", entity_id=f"{name}@{row.version}",
                 after={"kind": kind, "definition": definition, "enabled": enabled}, at=at)
    return row


def latest_rules(session: Session, kind: str | None = None, *, enabled_only: bool = False) -> list[Rule]:
    """The newest version of every stored rule (optionally of one kind / enabled only), by name."""
    newest = select(Rule.name, func.max(Rule.version).label("version")).group_by(Rule.name).subquery()
    query = select(Rule).join(newest, (Rule.name == newest.c.name) & (Rule.version == newest.c.version))
    if kind is not None:
        query = query.where(Rule.kind == kind)
    if enabled_only:
        query = query.where(Rule.enabled.is_(True))
    return list(session.scalars(query.order_by(Rule.name)))


def get_rule(session: Session, name: str, version: int | None = None) -> Rule:
    """One stored rule (newest version unless ``version``); SalesnbError if absent."""
    query = select(Rule).where(Rule.name == name)
    query = query.where(Rule.version == version) if version else query.order_by(Rule.version.desc())
    row = session.scalars(query.limit(1)).first()
    if row is None:
        raise RuleError.keyed("rules.store.unknown_version" if version else "rules.store.unknown", name=repr(name),
                            version=version)
    return row
