"""Demo sign-ins: passwords for one rep, their manager, a finance clerk and an ops admin of the demo data.

The passwords are fixed and printed by ``salesnb demo``: they exist only in a
demo database, to show how each role sees the apps.  They are not secrets,
and a real install never has them (its passwords are set with ``salesnb
users set-password``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from ..auth.people import SYSTEM
from ..auth.users import set_user_password
from ..db import session_scope
from ..models import Contract, User

#: role shown → the demo password (demo only; printed on purpose).
PASSWORDS = {"sales": "demo-sales", "sales_manager": "demo-manager", "finance": "demo-finance", "ops": "demo-ops"}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    user_id: str
    name: str
    password: str


def demo_logins(engine: Engine) -> list[DemoLogin]:
    """Set the demo passwords of a rep (the one with most contracts), their manager, finance and ops.

    Returns who they are, in that order; roles the data lacks are left out.
    """
    with session_scope(engine) as session:
        rep = session.execute(
            select(User.user_id, User.manager_id).join(Contract, Contract.owner_id == User.user_id)
            .where(User.role == "sales", User.manager_id.is_not(None))
            .group_by(User.user_id, User.manager_id).order_by(func.count().desc(), User.user_id).limit(1)).first()
        chosen = {"sales": rep.user_id if rep else None, "sales_manager": rep.manager_id if rep else None}
        for role in ("finance", "ops"):
            chosen[role] = session.scalar(select(User.user_id).where(User.role == role).order_by(User.user_id))
        logins = []
        for role, user_id in chosen.items():
            user = session.get(User, user_id) if user_id else None
            if user is None:
                continue
            set_user_password(session, user.user_id, PASSWORDS[role], actor=SYSTEM)
            logins.append(DemoLogin(role, user.user_id, user.name, PASSWORDS[role]))
    return logins
