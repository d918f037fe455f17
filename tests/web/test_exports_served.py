"""The findings export endpoint: only for a signed-in person, only their scope, streamed as an xlsx file."""

from __future__ import annotations

import io
from urllib.parse import unquote

import httpx
import pytest
from jupyter_server.auth.authorizer import AllowAllAuthorizer
from jupyter_server.utils import url_path_join
from openpyxl import load_workbook
from tornado.web import Application

from salesnb.auth.sessions import COOKIE_NAME, start_session
from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.web.exports import export_handlers
from salesnb.web.signin import SIGNIN_PATH

from ..widgets.seed import seed
from .conftest import ServerThread, SessionIdentity, SignInPage


@pytest.fixture
def site(engine, db_url, monkeypatch):
    seed(engine)
    monkeypatch.setenv("SALESNB_DB_URL", db_url)
    identity = SessionIdentity(token="")
    app = Application([(url_path_join("/", SIGNIN_PATH), SignInPage), *export_handlers("/")],
                      base_url="/", cookie_secret=b"test-cookie-secret-0123456789", login_url="/" + SIGNIN_PATH,
                      identity_provider=identity, authorizer=AllowAllAuthorizer(identity_provider=identity),
                      allow_unauthenticated_access=False, salesnb_settings=Settings(db_url=db_url),
                      salesnb_engine=engine)
    server = ServerThread(app).start()
    yield server
    server.stop()


def _client(site, engine, user_id: str | None) -> httpx.Client:
    cookies = {}
    if user_id:
        with session_scope(engine) as session:
            cookies[COOKIE_NAME] = start_session(session, user_id, provider="password")
    return httpx.Client(base_url=site.url, cookies=cookies, follow_redirects=False)


def _rows(response: httpx.Response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_nobody_signed_in_gets_the_sign_in_page_not_the_file(site, engine):
    with _client(site, engine, None) as client:
        response = client.get("/salesnb/export/findings.xlsx")
    assert response.status_code == 302 and SIGNIN_PATH in response.headers["location"]
    assert b"PK" not in response.content[:2]


def test_a_director_gets_every_finding_the_filters_leave(site, engine):
    with _client(site, engine, "D01") as client:
        everything = client.get("/salesnb/export/findings.xlsx", params={"as_of": "2026-03-16 10:00"})
        one = client.get("/salesnb/export/findings.xlsx", params={"owner": "U01", "lang": "en",
                                                                    "as_of": "2026-03-16 10:00"})
    assert everything.status_code == 200
    assert everything.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = unquote(everything.headers["content-disposition"])
    assert disposition.startswith("attachment;") and "断点清单_20260316_1000.xlsx" in disposition
    assert len(_rows(everything)) == 4  # the header and the three open findings
    rows = _rows(one)
    assert rows[0][:3] == ("Check", "Entity", "Owner") and len(rows) == 3
    assert {r[2] for r in rows[1:]} == {"张伟"}


def test_a_rep_gets_only_their_own_findings_whatever_they_ask(site, engine):
    with _client(site, engine, "U02") as client:
        mine = client.get("/salesnb/export/findings.xlsx")
        theirs = client.get("/salesnb/export/findings.xlsx", params={"owner": "U01"})
        bad = client.get("/salesnb/export/findings.xlsx", params={"as_of": "not a time"})
    assert [r[1] for r in _rows(mine)[1:]] == ["订单 O002"]
    assert len(_rows(theirs)) == 1  # U01's findings are not in U02's scope: the header only
    assert bad.status_code == 400
