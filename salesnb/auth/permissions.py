"""Who may do what: the one declaration of the permission matrix, checked next to every action.

Each action maps roles to a rule on the record's owner (``owner_id``: the
contract's rep, the lead's rep, the to-do's holder).  A role that is not
listed may not do the action.  ``system`` (batch steps) may do everything.
Widgets ask :func:`allowed` only to hide what the library would refuse.

=================  =====================================================================
action             who
=================  =====================================================================
contract.approve   sales_manager above the owner; sales_director; never one's own
contract.reject    as contract.approve
contract.submit    the owner (sales), or someone above the owner (managers, director)
contract.edit      as contract.submit
lead.edit          as contract.submit (creating a lead too)
claim.file         as contract.submit (the invoice's contract owner)
claim.review       finance, finance_manager
bank.review        finance, finance_manager (confirm / reject / unmatch)
bank.upload        finance, finance_manager
shipment.record    warehouse
task.close         the to-do's holder, or someone above them
task.pause         as task.close (stop / restart an SLA clock: waiting for the customer)
task.reassign      sales_manager / finance_manager above the holder; sales_director; ops
task.note          as task.close (a note on a to-do: what was done, what is awaited)
interaction.add    the customer's owner or someone above; sales_director; ops
config.edit        ops (scorecards, rules, SLA policies and holidays, schedules, bundles, header mappings,
                   users, connectors; importing the users and holidays tables)
data.import        ops; finance, finance_manager (imports of every other table)
dashboard.view     everybody (each sees their part)
=================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import PermissionDenied
from ..models import ROLES
from .people import Actor, resolve_cli_actor
from .sessions import check_alive
from .visibility import Scope

Rule = Callable[[Actor, "str | None"], bool]


def anyone(actor: Actor, owner_id: str | None) -> bool:
    return True


def own(actor: Actor, owner_id: str | None) -> bool:
    return owner_id is not None and owner_id == actor.user_id


def own_or_above(actor: Actor, owner_id: str | None) -> bool:
    return actor.owns_or_leads(owner_id)


def above(actor: Actor, owner_id: str | None) -> bool:
    return actor.is_above(owner_id)


def not_own(actor: Actor, owner_id: str | None) -> bool:
    return owner_id != actor.user_id


_CONTRACT_DECISION: dict[str, Rule] = {"sales_manager": above, "sales_director": not_own}
_REP_WORK: dict[str, Rule] = {"sales": own, "sales_manager": own_or_above, "sales_director": own_or_above}
_FINANCE: dict[str, Rule] = {"finance": anyone, "finance_manager": anyone}

ACTIONS: dict[str, dict[str, Rule]] = {
    "contract.approve": _CONTRACT_DECISION,
    "contract.reject": _CONTRACT_DECISION,
    "contract.submit": _REP_WORK,
    "contract.edit": _REP_WORK,
    "lead.edit": _REP_WORK,
    "claim.file": _REP_WORK,
    "claim.review": _FINANCE,
    "bank.review": _FINANCE,
    "bank.upload": _FINANCE,
    "shipment.record": {"warehouse": anyone},
    "task.close": {role: own_or_above for role in ROLES},
    "task.pause": {role: own_or_above for role in ROLES},
    "task.reassign": {"sales_manager": above, "finance_manager": above, "sales_director": anyone, "ops": anyone},
    "task.note": {role: own_or_above for role in ROLES},
    "interaction.add": {"sales": own, "sales_manager": own_or_above, "sales_director": anyone, "ops": anyone},
    "config.edit": {"ops": anyone},
    "data.import": {"ops": anyone, **_FINANCE},
    "dashboard.view": {role: anyone for role in ROLES},
}


def allowed(actor: Actor, action: str, owner_id: str | None = None) -> bool:
    """May ``actor`` do ``action`` on a record owned by ``owner_id``?"""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if actor.is_system:
        return True
    rule = ACTIONS[action].get(actor.role)
    return rule is not None and rule(actor, owner_id)


def allowed_owners(actor: Actor, action: str) -> Scope:
    """The owners on whose records ``actor`` may do ``action``, for a list to filter in SQL (as :func:`allowed`).

    Only for actions whose rule for the actor's role is :func:`anyone`, :func:`own`, :func:`own_or_above`
    or :func:`above` (``ValueError`` otherwise: such a rule is no set of owners).
    """
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if actor.is_system:
        return Scope(None)
    rule = ACTIONS[action].get(actor.role)
    if rule is None:
        return Scope(frozenset())
    sets = {anyone: None, own: frozenset({actor.user_id}), own_or_above: frozenset({actor.user_id, *actor.reports}),
            above: frozenset(actor.reports)}
    if rule not in sets:
        raise ValueError(f"{action!r} for {actor.role!r} is no set of owners")
    return Scope(sets[rule])


def require(actor: Actor, action: str, owner_id: str | None = None) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may do ``action`` (on ``owner_id``'s record)."""
    if allowed(actor, action, owner_id):
        return
    if action in ("contract.approve", "contract.reject") and owner_id == actor.user_id \
            and actor.role in ACTIONS[action]:
        raise PermissionDenied("auth.denied.own", action=action)
    raise PermissionDenied("auth.denied", action=action, name=actor.label)


def authorize(session, actor: Actor | str, action: str, owner_id: str | None = None) -> Actor:
    """The library's check at the top of every action: who acts, whether they may, whether their sign-in lives.

    ``actor`` is an :class:`Actor` (an app's signed-in person, :data:`~salesnb.auth.people.SYSTEM`) or a
    user id (the CLI's ``--by``; ``"system"`` for batch steps), which must name an existing, active user.
    Raises :class:`~salesnb.errors.AuthError` (no such active user, session ended) or
    :class:`PermissionDenied`; returns the :class:`Actor` to record in the audit log.
    """
    person = actor if isinstance(actor, Actor) else resolve_cli_actor(session, actor)
    check_alive(session, person)
    require(person, action, owner_id)
    return person
