"""Sign-in, sessions and the lock-out, in the library (the browser walk-through is in tests/browser)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from salesnb.auth import SYSTEM, load_actor, scope_of
from salesnb.auth.passwords import set_password
from salesnb.auth.sessions import check_alive, end_session, end_user_sessions, resolve_session, token_hash
from salesnb.auth.signin import SignInPolicy, delay_after, pending_delay, sign_in
from salesnb.db import session_factory, session_scope
from salesnb.errors import AuthError
from salesnb.models import User, UserCredential, WebSession
from salesnb.timeutil import local_tz

AT = datetime(2026, 12, 1, 9, 0, tzinfo=local_tz())
POLICY = SignInPolicy(max_failures=5, lock_minutes=15, slowdown_seconds=1, slowdown_cap=5)


@pytest.fixture
def team(engine):
    with session_scope(engine) as s:
        s.add_all([
            User(user_id="D1", name="总监", role="sales_director"),
            User(user_id="M1", name="经理", role="sales_manager", manager_id="D1", region="华东"),
            User(user_id="U1", name="张伟", role="sales", manager_id="M1", region="华东", mobile="13800000001"),
            User(user_id="U2", name="李娜", role="sales", manager_id="M1", region="华东"),
            User(user_id="U9", name="离职", role="sales", manager_id="M1", active=False),
        ])
    with session_scope(engine) as s:
        set_password(s, "U1", "correct horse", actor=SYSTEM, at=AT)
    return engine


def attempt(engine, login, password, at=AT):
    """One sign-in in its own transaction, committed even when it fails (as the web handler does)."""
    with session_factory(engine)() as s:
        try:
            result = sign_in(s, login, password, policy=POLICY, at=at)
        except AuthError as exc:
            s.commit()
            return exc
        s.commit()
        return result


def test_password_is_stored_as_an_argon2_hash(team):
    with session_scope(team) as s:
        stored = s.get(UserCredential, "U1").password_hash
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_sign_in_by_user_id_or_mobile_opens_a_session(team):
    result = attempt(team, "u1", "correct horse")
    assert result.user_id == "U1"
    with session_scope(team) as s:
        row = s.get(WebSession, token_hash(result.token))
        assert row.user_id == "U1" and row.provider == "password"
        assert s.get(WebSession, result.token) is None  # the token itself is not stored
        actor = resolve_session(s, result.token, at=AT + timedelta(minutes=1))
    assert (actor.user_id, actor.role) == ("U1", "sales")
    assert attempt(team, "13800000001", "correct horse").user_id == "U1"


def test_wrong_password_and_unknown_user_fail_alike(team):
    wrong = attempt(team, "U1", "nope")
    unknown = attempt(team, "NOBODY", "nope")
    inactive = attempt(team, "U9", "whatever")
    assert str(wrong) == str(unknown) == str(inactive)
    assert wrong.key == "auth.signin.failed"


def test_five_wrong_passwords_lock_the_name_for_a_while(team):
    for n in range(4):
        assert attempt(team, "U1", "bad", AT + timedelta(seconds=n)).key == "auth.signin.failed"
    with session_scope(team) as s:
        assert pending_delay(s, "U1", POLICY) == 4
    assert attempt(team, "U1", "bad", AT + timedelta(seconds=5)).key == "auth.signin.failed"
    locked = attempt(team, "U1", "correct horse", AT + timedelta(minutes=1))
    assert locked.key == "auth.signin.locked" and locked.params["minutes"] == 15
    assert attempt(team, "U1", "correct horse", AT + timedelta(minutes=16)).user_id == "U1"
    # unknown names lock the same way: locking tells nothing about who exists
    for n in range(5):
        attempt(team, "GHOST", "bad", AT + timedelta(seconds=n))
    assert attempt(team, "GHOST", "bad", AT + timedelta(minutes=1)).key == "auth.signin.locked"


def test_slow_down_grows_and_is_capped():
    assert [delay_after(n, POLICY) for n in range(8)] == [0, 1, 2, 3, 4, 5, 5, 5]


def test_sign_out_and_expiry_end_the_session(team):
    token = attempt(team, "U1", "correct horse").token
    with session_scope(team) as s:
        actor = resolve_session(s, token, at=AT)
        check_alive(s, actor, at=AT)
        assert resolve_session(s, token, at=AT + timedelta(hours=13)) is None  # expired
        assert end_session(s, token, at=AT + timedelta(minutes=1))
    with session_scope(team) as s:
        assert resolve_session(s, token, at=AT + timedelta(minutes=2)) is None
        with pytest.raises(AuthError, match="登录已失效"):
            check_alive(s, actor, at=AT + timedelta(minutes=2))


def test_disabling_a_user_ends_their_sessions(team):
    token = attempt(team, "U1", "correct horse").token
    with session_scope(team) as s:
        s.get(User, "U1").active = False
        assert end_user_sessions(s, "U1", at=AT) == 1
    with session_scope(team) as s:
        assert resolve_session(s, token, at=AT) is None
        with pytest.raises(AuthError):
            load_actor(s, "U1")


def test_reports_and_scope_follow_the_manager_chain(team):
    with session_scope(team) as s:
        director, manager, rep = (load_actor(s, u) for u in ("D1", "M1", "U1"))
    assert manager.reports == {"U1", "U2", "U9"} and director.reports == {"M1", "U1", "U2", "U9"}
    assert scope_of(rep).owners == {"U1"}
    assert scope_of(manager).owners == {"M1", "U1", "U2", "U9"}
    assert scope_of(director).everything
