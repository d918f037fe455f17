"""The app entry used by every Voila notebook: language, clock, landing page, failures shown as messages."""

import ipywidgets as widgets
import pytest
from sqlalchemy import func, select

from salesnb.auth.sessions import COOKIE_NAME, end_session, start_session, token_from_cookie_header
from salesnb.db import session_scope
from salesnb.i18n import get_language
from salesnb.models import Base
from salesnb.widgets.apps import APPS, Landing, build, show, warm_up
from salesnb.widgets.customer_card import CustomerCard
from salesnb.widgets.findings import Findings

from .seed import AS_OF


def cookie_of(engine, user_id: str) -> str:
    """A ``Cookie:`` header as a signed-in browser sends it (the session opened in the store)."""
    with session_scope(engine) as session:
        token = start_session(session, user_id, provider="test")
    return f"_xsrf=abc; {COOKIE_NAME}={token}; other=1"


@pytest.fixture
def app_env(monkeypatch, db_url, seeded):
    monkeypatch.setenv("SALESNB_DB_URL", db_url)
    monkeypatch.setenv("HTTP_COOKIE", cookie_of(seeded, "D01"))
    monkeypatch.delenv("SALESNB_SINGLE_USER", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("SALESNB_AS_OF", raising=False)
    monkeypatch.delenv("SALESNB_LANG", raising=False)
    return monkeypatch


def test_landing_page_links_every_app(seeded):
    page = build("index", seeded, query="lang=en")
    assert isinstance(page, Landing)
    html = page.body.children[0].value
    assert html.count('class="snb-tile"') == len(APPS) == 12
    assert 'href="scorecard.ipynb?lang=en"' in html and "线索意向评分卡" in html


def test_show_builds_the_app_with_home_link_and_clock(app_env):
    app_env.setenv("SALESNB_AS_OF", AS_OF.isoformat())
    widget = show("findings")
    assert isinstance(widget, Findings) and widget.fixed_as_of == AS_OF
    assert 'href="index.ipynb"' in widget.children[1].value and widget.error == ""


def test_query_string_switches_the_language(app_env):
    app_env.setenv("QUERY_STRING", "lang=en")
    widget = show("customer_card")
    assert isinstance(widget, CustomerCard) and get_language() == "en"
    assert "Customer Q&amp;A card" in widget.children[1].value or "Customer Q&A card" in widget.children[1].value
    assert 'href="index.ipynb?lang=en"' in widget.children[1].value


def test_the_app_acts_as_the_person_of_the_request_cookie(app_env, seeded):
    app_env.setenv("HTTP_COOKIE", cookie_of(seeded, "U01"))
    app_env.setenv("HTTP_X_SALESNB_USER", "D01")  # a forged header reaching the kernel changes nothing
    widget = show("findings")
    assert (widget.actor.user_id, widget.actor.role) == ("U01", "sales")
    assert "张伟（U01）" in widget.children[1].value


def test_no_live_session_no_app(app_env, seeded):
    app_env.delenv("HTTP_COOKIE")
    assert "snb-msg snb-bad" in show("findings").value
    cookie = cookie_of(seeded, "U01")
    app_env.setenv("HTTP_COOKIE", cookie)
    with session_scope(seeded) as session:
        end_session(session, token_from_cookie_header(cookie))
    app_env.setenv("SCRIPT_NAME", "/voila/render/findings.ipynb")
    app_env.setenv("QUERY_STRING", "item=Q001")
    widget = show("findings")
    assert not isinstance(widget, Findings) and "重新登录" in widget.value
    assert "snb-signed-out" in widget._dom_classes  # how the load benchmark tells it from a working page
    assert 'href="../../salesnb/signin?next=%2Fvoila%2Frender%2Ffindings.ipynb%3Fitem%3DQ001"' in widget.value


def test_single_person_mode_needs_no_cookie(app_env):
    app_env.delenv("HTTP_COOKIE")
    app_env.setenv("SALESNB_SINGLE_USER", "M01")
    assert show("findings").actor.user_id == "M01"


def test_a_failing_app_shows_a_message_not_a_traceback(app_env):
    widget = show("no_such_app")
    assert "snb-msg snb-bad" in widget.value and "Traceback" not in widget.value
    assert "no_such_app" in widget.value and "snb-failed" in widget._dom_classes
    app_env.setenv("SALESNB_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    widget = show("findings")
    assert "系统出错（OperationalError" in widget.value


def test_components_are_importable_from_the_package():
    import salesnb.widgets as package
    from salesnb.widgets.contract_approval import ContractApproval

    assert package.ContractApproval is ContractApproval
    assert set(package.__all__) >= {"CustomerCard", "Findings", "ScorecardForm", "RuleEditor",
                                    "EscalationConfigurator", "ContractApproval", "ReconciliationQueue"}


def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}


def test_warming_up_an_app_leaves_no_widget_and_writes_nothing(app_env, seeded):
    names = ["index", *(a.name for a in APPS)]
    for app in names:  # first pages create the apps' defaults (the 意向评分卡, SLA policies) as they always do
        build(app, seeded, as_of=AS_OF)
    widgets.Widget.close_all()
    before = _row_counts(seeded)
    for app in names:
        warm_up(app, seeded)
        assert not widgets.widget._instances, app  # nothing built in the warm-up reaches the page
    assert _row_counts(seeded) == before


def test_a_link_opens_the_app_on_its_item(app_env, seeded):
    app_env.setenv("QUERY_STRING", "item=K003&lang=zh-CN")
    widget = show("contracts")
    assert widget.selected == "K003" and widget.error == ""
    app_env.setenv("HTTP_COOKIE", cookie_of(seeded, "U02"))  # a link to what the person does not see shows nothing
    widget = show("contracts")
    assert widget.selected == "K002" and "K003" not in [v for _l, v in widget.queue.options]
    app_env.setenv("QUERY_STRING", "item=C002")
    assert show("customer_card").customer_id == "C002"
