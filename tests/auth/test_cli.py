"""The CLI acts through the library's checks: ``--by`` names an existing, active user who may do it.

Also ``salesnb users`` (list, add, disable, import, set-password from standard
input) and the demo's four sign-ins.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from salesnb.auth.sessions import resolve_session, start_session
from salesnb.auth.signin import sign_in
from salesnb.cli import main
from salesnb.db import make_engine, session_scope
from salesnb.models import AuditLog, Contract, ImportLog, PaymentClaim, User, UserCredential

from ..contracts.helpers import SUBMIT_AT
from .test_actions import _team


def run(db_url, *args, input=None, code=0):
    result = CliRunner().invoke(main, ["--db", db_url, *args], input=input, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def team_url(db_url):
    engine = make_engine(db_url)
    _team(engine)
    with session_scope(engine) as s:
        from salesnb.contracts import submit

        submit(s, "K1", actor="U1", at=SUBMIT_AT)
    engine.dispose()
    return db_url


def _state(db_url):
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        state = (s.get(Contract, "K1").status, s.get(PaymentClaim, "CLM1").status,
                 len(s.scalars(select(AuditLog)).all()))
    engine.dispose()
    return state


def test_contract_approve_by_nobody_or_a_rep_fails_clearly_and_changes_nothing(team_url):
    before = _state(team_url)
    assert before[0] == "pending_approval"
    nobody = run(team_url, "contract", "approve", "K1", "--by", "NOBODY", code=2)
    assert "没有编号为 NOBODY 的在职用户" in nobody.output
    rep = run(team_url, "contract", "approve", "K1", "--by", "U2", code=2)
    assert "赵销售（U2） 无权审批合同" in rep.output
    own = run(team_url, "--lang", "en", "contract", "approve", "K1", "--by", "U1", code=2)
    assert "李销售（U1） may not approve contracts" in own.output
    other_team = run(team_url, "--lang", "en", "contract", "reject", "K1", "--by", "M2", "--reason", "x", code=2)
    assert "may not reject contracts" in other_team.output
    clerk = run(team_url, "--lang", "en", "contract", "approve", "K1", "--by", "F1", code=2)
    assert "财务甲（F1） may not approve contracts" in clerk.output
    assert "no active user NOBODY" in run(team_url, "--lang", "en", "contract", "approve", "K1", "--by", "NOBODY",
                                          code=2).output
    assert _state(team_url) == before
    assert "M1 已审批通过" in run(team_url, "contract", "approve", "K1", "--by", "M1").output
    engine = make_engine(team_url)
    with session_scope(engine) as s:
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "contract.approve"))
        assert (entry.actor, s.get(Contract, "K1").status) == ("M1", "approved")
    engine.dispose()


def test_claim_and_bank_review_need_finance(team_url):
    before = _state(team_url)
    assert "无权审核回款认领" in run(team_url, "claim", "confirm", "CLM1", "--by", "U1", code=2).output
    assert "无权确认或撤销银行流水匹配" in run(team_url, "reconcile", "confirm", "T1", "--by", "O1", code=2).output
    assert _state(team_url) == before
    run(team_url, "claim", "reject", "CLM1", "--by", "F1", "--reason", "未到账")
    assert _state(team_url)[1] == "rejected"


def test_the_language_setting_applies_to_the_refusal(team_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SALESNB_LANG", "en")
    assert "may not approve contracts" in run(team_url, "contract", "approve", "K1", "--by", "U2", code=2).output


def test_users_add_list_disable_import_and_set_password(team_url, tmp_path):
    run(team_url, "users", "add", "U7", "--name", "周销售", "--role", "sales", "--manager", "M1", "--wecom", "zhou")
    refused = run(team_url, "users", "add", "U8", "--name", "吴", "--role", "sales", "--by", "M1", code=2)
    assert "王经理（M1） 无权修改配置" in refused.output
    assert "no role boss" in run(team_url, "--lang", "en", "users", "add", "U8", "--name", "x", "--role", "boss",
                                 code=2).output
    listed = json.loads(run(team_url, "users", "list", "--json").output)
    zhou = next(u for u in listed if u["user_id"] == "U7")
    assert (zhou["manager_id"], zhou["wecom_userid"], zhou["active"], zhou["password"]) == ("M1", "zhou", True, False)
    table = run(team_url, "users", "list").output
    assert table.splitlines()[0].split() == ["user_id", "name", "role", "manager_id", "region", "active", "password"]
    assert "周销售" in table

    # the password comes from standard input, never from an argument
    assert "至少需要 8 个字符" in run(team_url, "users", "set-password", "U7", input="short\n", code=2).output
    assert "no password on standard input" in run(team_url, "--lang", "en", "users", "set-password", "U7",
                                                   input="", code=2).output
    run(team_url, "users", "set-password", "U7", input="周的新密码-2026\n")
    engine = make_engine(team_url)
    with session_scope(engine) as s:
        stored = s.get(UserCredential, "U7").password_hash
        assert "周的新密码" not in stored
        token = sign_in(s, "U7", "周的新密码-2026").token
    with session_scope(engine) as s:
        assert resolve_session(s, token).user_id == "U7"

    sheet = tmp_path / "花名册.csv"
    sheet.write_text("员工编号,姓名,角色,上级编号,钉钉账号,在职\nU8,吴销售,sales,M1,wu_ding,是\nU7,周销售,sales,M1,,否\n",
                     encoding="utf-8")
    assert "无权修改配置" in run(team_url, "users", "import", str(sheet), "--by", "F1", code=2).output
    run(team_url, "users", "import", str(sheet), "--by", "O1")
    with session_scope(engine) as s:
        assert s.get(User, "U8").dingtalk_userid == "wu_ding" and s.get(User, "U8").manager_id == "M1"
        assert resolve_session(s, token) is None  # U7 marked inactive by the sheet: the session has ended
        assert s.scalar(select(ImportLog.actor).order_by(ImportLog.id.desc())) == "O1"
        token = start_session(s, "U8", provider="password")

    assert "结束了 1 个登录会话" in run(team_url, "users", "disable", "U8", "--by", "O1").output
    with session_scope(engine) as s:
        assert resolve_session(s, token) is None and s.get(User, "U8").active is False
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "user.disable"))
        assert (entry.actor, entry.entity_id) == ("O1", "U8")
    engine.dispose()


def test_the_demo_gives_four_people_to_sign_in_as(sqlite_engine):
    from salesnb.demo import build_demo_db
    from salesnb.demo.logins import demo_logins

    build_demo_db(sqlite_engine, orders=30, seed=3)
    logins = demo_logins(sqlite_engine)
    assert [login.role for login in logins] == ["sales", "sales_manager", "finance", "ops"]
    with session_scope(sqlite_engine) as s:
        rep = s.get(User, logins[0].user_id)
        assert rep.manager_id == logins[1].user_id
        for login in logins:
            assert s.get(User, login.user_id).role == login.role
            assert sign_in(s, login.user_id, login.password).user_id == login.user_id
