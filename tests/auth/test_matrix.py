"""The permission matrix, table-driven, in the library: every action × every role, allowed and refused.

The expected table below is written out independently of
``salesnb.auth.permissions.ACTIONS``: per action and role, which records the
person may act on — their own, a direct report's, a report's report's
(transitively through ``manager_id``), or somebody else's.  Each cell is
checked through :func:`authorize` on a database org (real ``load_actor``,
real manager chains), so a refusal is the ``PermissionDenied`` the library
raises, with its message in Chinese and English.
"""

from __future__ import annotations

import shutil

import pytest

from salesnb.auth import ACTIONS, SYSTEM, allowed, authorize
from salesnb.db import make_engine, session_scope
from salesnb.errors import AuthError, PermissionDenied
from salesnb.models import ROLES, User

OWN, REPORT, DEEP, OTHER = "own", "report", "deep", "other"
ALL = frozenset({OWN, REPORT, DEEP, OTHER})
TEAM = frozenset({OWN, REPORT, DEEP})      # own and everybody under them
BELOW = frozenset({REPORT, DEEP})          # everybody under them, not their own
NOT_OWN = frozenset({REPORT, DEEP, OTHER})
EVERY_ROLE = {role: ALL for role in ROLES}

# action → role → the relations the role may act on (a role not listed: nothing).  ``system`` may do everything.
EXPECTED: dict[str, dict[str, frozenset[str]]] = {
    "contract.approve": {"sales_manager": BELOW, "sales_director": NOT_OWN},
    "contract.reject": {"sales_manager": BELOW, "sales_director": NOT_OWN},
    "contract.submit": {"sales": frozenset({OWN}), "sales_manager": TEAM, "sales_director": TEAM},
    "contract.edit": {"sales": frozenset({OWN}), "sales_manager": TEAM, "sales_director": TEAM},
    "lead.edit": {"sales": frozenset({OWN}), "sales_manager": TEAM, "sales_director": TEAM},
    "claim.file": {"sales": frozenset({OWN}), "sales_manager": TEAM, "sales_director": TEAM},
    "claim.review": {"finance": ALL, "finance_manager": ALL},
    "bank.review": {"finance": ALL, "finance_manager": ALL},
    "bank.upload": {"finance": ALL, "finance_manager": ALL},
    "shipment.record": {"warehouse": ALL},
    "task.close": {role: TEAM for role in ROLES},
    "task.pause": {role: TEAM for role in ROLES},
    "task.reassign": {"sales_manager": BELOW, "finance_manager": BELOW, "sales_director": ALL, "ops": ALL},
    "task.note": {role: TEAM for role in ROLES},
    "interaction.add": {"sales": frozenset({OWN}), "sales_manager": TEAM, "sales_director": ALL, "ops": ALL},
    "config.edit": {"ops": ALL},
    "data.import": {"ops": ALL, "finance": ALL, "finance_manager": ALL},
    "dashboard.view": EVERY_ROLE,
}


@pytest.fixture(scope="module")
def org(tmp_path_factory, sqlite_template):
    """Per role an actor ``A_<role>`` with a report ``R_<role>`` who has a report ``Q_<role>``; ``X`` is nobody's.

    The actor's own manager ``B_<role>`` is above them, not below: acting on the boss's record is "other".
    """
    path = tmp_path_factory.mktemp("matrix") / "salesnb.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as s:
        s.add(User(user_id="X", name="外人", role="sales"))
        for role in ROLES:
            s.add_all([
                User(user_id=f"B_{role}", name="上级", role="sales_director"),
                User(user_id=f"A_{role}", name=f"甲{role}", role=role, manager_id=f"B_{role}"),
                User(user_id=f"R_{role}", name="下属", role="sales", manager_id=f"A_{role}"),
                User(user_id=f"Q_{role}", name="下属的下属", role="sales", manager_id=f"R_{role}"),
            ])
    yield engine
    engine.dispose()


def owners(role: str) -> dict[str, str]:
    return {OWN: f"A_{role}", REPORT: f"R_{role}", DEEP: f"Q_{role}", OTHER: "X"}


def test_the_expected_table_covers_every_declared_action():
    assert set(EXPECTED) == set(ACTIONS)
    assert all(set(cells) <= set(ROLES) for cells in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_matrix_cell(org, action, role):
    expected = EXPECTED[action].get(role, frozenset())
    got = set()
    with session_scope(org) as s:
        for relation, owner in owners(role).items():
            try:
                person = authorize(s, f"A_{role}", action, owner)  # a user id, as the CLI's --by gives
            except PermissionDenied as exc:
                assert exc.action == action
                zh, en = exc.render("zh-CN"), exc.render("en")
                assert ("不能审批自己的合同" in zh and "their own contract" in en) if relation == OWN and (
                    action in ("contract.approve", "contract.reject") and role in EXPECTED[action]) else (
                    f"甲{role}（A_{role}） 无权" in zh and f"甲{role}（A_{role}） may not" in en)
                continue
            assert person.user_id == f"A_{role}" and person.role == role
            got.add(relation)
    assert got == set(expected), f"{action} by {role}: allowed on {sorted(got)}, expected {sorted(expected)}"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_system_may_do_everything_and_unknown_or_disabled_users_nothing(org, action):
    with session_scope(org) as s:
        assert authorize(s, "system", action, "X") is SYSTEM
        assert authorize(s, SYSTEM, action, None) is SYSTEM
        with pytest.raises(AuthError) as caught:
            authorize(s, "NOBODY", action, "X")
        assert "NOBODY" in caught.value.render("zh-CN") and "no active user NOBODY" == caught.value.render("en")
        s.add(User(user_id="GONE", name="离职", role="ops", active=False))
        s.flush()
        with pytest.raises(AuthError):
            authorize(s, "GONE", action, "X")
        s.rollback()


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        allowed(SYSTEM, "contract.sign")
