"""Two ``salesnb serve`` processes on one PostgreSQL serve one team: a session opened on one works on the other."""

from __future__ import annotations

import httpx

from salesnb.auth import SYSTEM
from salesnb.auth.passwords import set_password
from salesnb.auth.sessions import COOKIE_NAME
from salesnb.db import make_engine, session_scope
from salesnb.web.background import BackgroundServer

from ..widgets.seed import seed


def test_a_session_from_one_server_works_on_the_other(pg_database_url, pg_cleaner, tmp_path):
    pg_cleaner()
    engine = make_engine(pg_database_url)
    seed(engine)
    with session_scope(engine) as s:
        set_password(s, "U01", "rep-password-1", actor=SYSTEM)
    engine.dispose()
    with BackgroundServer(pg_database_url, pool_size=0, log_path=tmp_path / "a.log") as first, \
            BackgroundServer(pg_database_url, pool_size=0, log_path=tmp_path / "b.log") as second:
        token = first.sign_in("U01", "rep-password-1")
        page = httpx.get(second.page_url("index"), cookies={COOKIE_NAME: token}, follow_redirects=False, timeout=120)
        assert page.status_code == 200 and "voila" in page.text.lower()
        # signing out on the second ends the session on the first too
        out = httpx.get(second.url + "salesnb/signout", cookies={COOKIE_NAME: token}, follow_redirects=False)
        assert out.status_code == 302
        again = httpx.get(first.page_url("index"), cookies={COOKIE_NAME: token}, follow_redirects=False, timeout=60)
        assert again.status_code == 302 and again.headers["location"].startswith("/salesnb/signin")
