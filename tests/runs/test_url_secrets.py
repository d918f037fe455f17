"""A database URL's password, in the user part or as ``?password=…``, is never printed, written or stored."""

from __future__ import annotations

import json

import nbformat
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import make_url

from salesnb.cli import main
from salesnb.db import make_engine, session_scope
from salesnb.models import TemplateRun
from salesnb.runs.schedule import crontab_lines
from salesnb.runs.templates import copy_template
from salesnb.urls import safe_url, url_secrets

from .notebooks import probe, settings_for

PASSWORD = "Pa55+w/rd=中"
URLS = [
    "postgresql://ops@db.example/sales?password=" + "Pa55%2Bw%2Frd%3D%E4%B8%AD",
    "postgresql://ops:Pa55%2Bw%2Frd%3D%E4%B8%AD@db.example/sales",
    "postgresql://ops@db.example/sales?sslmode=require&sslpassword=Pa55%2Bw%2Frd%3D%E4%B8%AD",
]


def leaks(text: str) -> bool:
    from urllib.parse import quote, quote_plus

    return any(form in text for form in (PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD)))


@pytest.mark.parametrize("url", URLS)
def test_safe_url_and_secrets(url):
    assert url_secrets(url) == [PASSWORD]
    shown = safe_url(url)
    assert not leaks(shown) and "***" in shown and "db.example/sales" in shown
    assert safe_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db" and url_secrets("sqlite:////tmp/x.db") == []


@pytest.mark.parametrize("url", URLS)
def test_crontab_and_template_copy_leave_the_password_out(url, tmp_path):
    settings = settings_for(url, tmp_path, schedule={"daily_checks": "0 7 * * *"})
    text = "\n".join(crontab_lines(settings, executable="/opt/venv/bin/salesnb"))
    assert not leaks(text) and "SALESNB_DB_URL in the crontab environment" in text
    copy = copy_template(settings, "daily_checks", tmp_path / "mine.ipynb")
    assert not leaks(copy.read_text(encoding="utf-8"))
    assert "db_url = None" in nbformat.read(copy, as_version=4).cells[1].source


def test_a_run_with_a_password_in_db_url_stores_and_prints_none_of_it(pg_database_url, pg_cleaner, tmp_path):
    """PostgreSQL here trusts local connections, so the URL works whatever its password says."""
    pg_cleaner()
    target = make_url(pg_database_url).set(query={"password": PASSWORD}).render_as_string(hide_password=False)
    assert make_url(target).query["password"] == PASSWORD
    notebook = probe(tmp_path / "nb")
    env = {"SALESNB_DB_URL": pg_database_url, "SALESNB_HOME": str(tmp_path)}
    runner = CliRunner()
    result = runner.invoke(main, ["run", str(notebook), "-p", "db_url", target], env=env)
    assert result.exit_code == 0, result.output
    assert not leaks(result.output)
    listed = runner.invoke(main, ["runs", "--json"], env=env)
    assert listed.exit_code == 0 and not leaks(listed.output)
    [record] = [r for r in json.loads(listed.output) if r["template"] == "probe"]
    assert record["metrics"]["users"] == 0  # the notebook did reach the database of db_url
    executed = tmp_path / record["output_path"] if not record["output_path"].startswith("/") else record["output_path"]
    assert not leaks(open(executed, encoding="utf-8").read())
    engine = make_engine(pg_database_url)
    with session_scope(engine) as session:
        stored = session.scalars(select(TemplateRun.parameters)).all()
    engine.dispose()
    assert stored and not any(leaks(json.dumps(p, ensure_ascii=False)) for p in stored)
