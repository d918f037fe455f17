from sqlalchemy.orm import Session

from salesnb.db import session_scope
from salesnb.models import User
from salesnb.notify import resolve_recipients
from salesnb.notify.recipients import addresses


def test_user_ids_resolve_to_each_channels_address(engine, users):
    with session_scope(engine) as session:
        session.add(User(user_id="U5", name="钱七", role="sales", wecom_userid="  ", mobile=" 13900000005 "))
    with Session(engine) as session:
        found, unknown = resolve_recipients(session, ["U3", "U1", "U9", "U1", "", "U5"])
    assert [p.user_id for p in found] == ["U3", "U1", "U5"]  # input order, each once
    assert unknown == ["U9"]
    assert found[1].wecom_userid == "zhangsan" and found[1].email == "zhangsan@example.com"
    assert found[2].wecom_userid is None and found[2].mobile == "13900000005"  # blanks cleaned
    assert addresses(found, "wecom_userid") == ["zhangsan"]
    assert addresses(found, "mobile") == ["13800000003", "13800000001", "13900000005"]
    assert addresses(found, "email") == ["zhangsan@example.com"]


def test_no_ids_needs_no_query(engine):
    with engine.connect() as conn:
        assert resolve_recipients(conn, []) == ([], [])
