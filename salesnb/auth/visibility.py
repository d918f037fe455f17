"""Which rows a person sees: their own, their people's (through ``manager_id``), or everything.

=================================  =======================================================
role                               sees
=================================  =======================================================
sales                              records they own
sales_manager, finance_manager     their own and those of everybody under them
                                   (finance_manager: every receivable, as finance)
sales_director, finance, ops       everything
warehouse                          every order and shipment; otherwise their own
system                             everything
=================================  =======================================================

A :class:`Scope` turns that into an SQL condition on an owner column, so
every list filters in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true

from .people import Actor

SEES_ALL = frozenset({"sales_director", "finance", "ops", "system"})
#: Domains where a role sees everything although its other lists are scoped.
DOMAIN_WIDE = {"receivables": frozenset({"finance_manager"}), "orders": frozenset({"warehouse"})}


@dataclass(frozen=True)
class Scope:
    """The owners whose records a person sees (``None``: everybody's)."""

    owners: frozenset[str] | None

    @property
    def everything(self) -> bool:
        return self.owners is None

    def sees(self, owner_id: str | None) -> bool:
        return self.owners is None or (owner_id is not None and owner_id in self.owners)

    def clause(self, owner_column) -> ColumnElement[bool]:
        """An SQL condition keeping the rows this person sees."""
        if self.owners is None:
            return true()
        if not self.owners:
            return false()
        return owner_column.in_(sorted(self.owners))


def scope_of(actor: Actor, domain: str | None = None) -> Scope:
    """What ``actor`` sees (in ``domain``: ``"receivables"``, ``"orders"`` or any other list)."""
    if actor.role in SEES_ALL or actor.role in DOMAIN_WIDE.get(domain or "", ()):
        return Scope(None)
    return Scope(frozenset({actor.user_id, *actor.reports}))
