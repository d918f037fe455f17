"""Template bundles: export from one team's database, import into another's, no silent overwrite."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from salesnb.runs.bundles import apply_import, export_bundle, plan_import, read_bundle
from salesnb.checks import run_checks
from salesnb.cli import main
from salesnb.db import make_engine, session_scope, upgrade
from salesnb.demo import build_demo_db
from salesnb.errors import SalesnbError
from salesnb.models import Finding, Rule, Scorecard
from salesnb.rules.store import save_rule
from salesnb.scorecards import DEFAULT_NAME, default_definition, save_scorecard
from salesnb.sla import default_policies, save_policy
from salesnb.runs.templates import copy_template

from ..runs.notebooks import settings_for

AS_OF = "2026-11-27 08:00"
BIG_QUOTE = {"table": "quotes", "severity": "warning",
             "rule": {"all": [{"field": "status", "op": "eq", "value": "accepted"},
                              {"field": "amount", "op": "gt", "value": 1000000}]},
             "title": {"zh-CN": "大额报价待跟进", "en": "Large accepted quote"}}


@pytest.fixture
def other_db_url(db_url, tmp_path):
    """A second empty, migrated database on the same backend (another team's)."""
    url = make_url(db_url)
    if url.drivername.startswith("sqlite"):
        other = f"sqlite:///{tmp_path / 'other_team.db'}"
        engine = make_engine(other)
        upgrade(engine)
        engine.dispose()
        yield other
        return
    name = f"{url.database}_other"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    other = url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(other)
    upgrade(engine)
    engine.dispose()
    yield other
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def customise(engine, settings):
    """Team A's own setup: a stored check, a tighter SLA, a changed scorecard, a team notebook."""
    policy = default_policies()["lead_first_response"].to_dict()
    policy["target_hours"] = 2
    card = default_definition()
    card["grades"][0]["rule"]["all"][2]["value"] = 3  # A needs 3 purchases a month
    with session_scope(engine) as session:
        save_rule(session, "big_quote", BIG_QUOTE, kind="check", actor="system")
        save_policy(session, policy, actor="system")
        save_scorecard(session, card, name=DEFAULT_NAME, actor="system")
    copy_template(settings, "daily_checks", settings.data_dir / "team" / "team_daily.ipynb")


def findings(engine):
    with session_scope(engine) as session:
        return sorted(session.execute(select(Finding.check_name, Finding.entity_id, Finding.level)).all())


def test_bundle_reproduces_check_results_in_an_empty_database(engine, db_url, other_db_url, tmp_path):
    team_a = settings_for(db_url, tmp_path / "a", templates={"dirs": ["team"]})
    build_demo_db(engine, orders=40, seed=5, as_of=AS_OF)
    customise(engine, team_a)
    run_checks(engine, AS_OF, settings=team_a)
    expected = findings(engine)
    assert {"big_quote", "sla_breach"} <= {name for name, _, _ in expected}

    bundle_file = tmp_path / "team_a.salesnb.zip"
    bundle = export_bundle(engine, team_a, "team_a", bundle_file)
    assert bundle.counts() == {"scorecards": 1, "rules": 1, "sla_policies": 1, "holidays": 11, "notebooks": 1}
    assert set(zipfile.ZipFile(bundle_file).namelist()) == {
        "manifest.json", "scorecards.json", "rules.json", "sla_policies.json", "holidays.json", "notebooks/team_daily.ipynb"}

    other = make_engine(other_db_url)
    try:
        team_b = settings_for(other_db_url, tmp_path / "b")
        build_demo_db(other, orders=40, seed=5, as_of=AS_OF)  # the same business data, none of team A's setup
        plan = plan_import(other, team_b, read_bundle(bundle_file))
        assert [(i.kind, i.name, i.action) for i in plan.items] == [
            ("scorecard", DEFAULT_NAME, "add"), ("rule", "big_quote", "add"),
            ("sla_policy", "lead_first_response", "add"), ("holidays", "2027", "same"),
            ("notebook", "team_daily.ipynb", "add")]
        apply_import(other, plan, actor="system")
        run_checks(other, AS_OF, settings=team_b)
        assert findings(other) == expected
        assert (tmp_path / "b" / "templates" / "team_daily.ipynb").is_file()
        with session_scope(other) as session:
            card = session.scalars(select(Scorecard).where(Scorecard.active.is_(True))).one()
            assert card.definition["grades"][0]["rule"]["all"][2]["value"] == 3
        again = plan_import(other, team_b, read_bundle(bundle_file))
        assert {i.action for i in again.items} == {"same"} and not again.changes
    finally:
        other.dispose()


def test_import_never_overwrites_silently(english, engine, db_url, tmp_path):
    settings = settings_for(db_url, tmp_path, templates={"dirs": ["team"]})
    with session_scope(engine) as session:
        save_rule(session, "big_quote", BIG_QUOTE, kind="check")
    copy_template(settings, "reconciliation", tmp_path / "team" / "team_recon.ipynb")
    bundle_file = tmp_path / "b.zip"
    export_bundle(engine, settings, "team", bundle_file)
    # this database has since changed the rule and the notebook
    changed = {**BIG_QUOTE, "severity": "critical"}
    with session_scope(engine) as session:
        save_rule(session, "big_quote", changed, kind="check")
    notebook = tmp_path / "team" / "team_recon.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("银行对账", "我们的对账"), encoding="utf-8")
    edited = notebook.read_bytes()

    plan = plan_import(engine, settings, read_bundle(bundle_file))
    assert [(i.kind, i.action, i.detail) for i in plan.items] == [
        ("rule", "conflict", "differs in definition"), ("notebook", "conflict", "differs")]
    with pytest.raises(SalesnbError, match="2 item.*differ.*nothing was imported.*--overwrite"):
        apply_import(engine, plan)
    with session_scope(engine) as session:
        assert session.scalar(select(Rule).order_by(Rule.version.desc()).limit(1)).definition == changed
    assert notebook.read_bytes() == edited

    runner = CliRunner()
    env = {"SALESNB_DB_URL": db_url, "SALESNB_HOME": str(tmp_path)}
    config = tmp_path / "salesnb.toml"
    config.write_text('[templates]\ndirs = ["team"]\n', encoding="utf-8")
    env["SALESNB_CONFIG"] = str(config)
    refused = runner.invoke(main, ["template", "import", str(bundle_file)], env=env)
    assert refused.exit_code == 2, refused.output
    assert "~ rule       big_quote  (differs in definition)" in refused.output
    # the preview shows what would change, line by line: this database (-) → the bundle (+)
    assert '-    "severity": "critical",' in refused.output and '+    "severity": "warning",' in refused.output
    assert "-# 我们的对账 · Bank reconciliation" in refused.output
    assert "+# 银行对账 · Bank reconciliation" in refused.output
    assert "未导入任何内容" in refused.output
    declined = runner.invoke(main, ["template", "import", str(bundle_file), "--overwrite"], env=env, input="n\n")
    assert declined.exit_code == 1 and notebook.read_bytes() == edited  # asked, said no
    done = runner.invoke(main, ["template", "import", str(bundle_file), "--overwrite", "--yes"], env=env)
    assert done.exit_code == 0, done.output
    with session_scope(engine) as session:
        versions = session.scalars(select(Rule).where(Rule.name == "big_quote").order_by(Rule.version)).all()
    assert [v.definition["severity"] for v in versions] == ["warning", "critical", "warning"]  # history kept
    assert "我们的对账" not in notebook.read_text(encoding="utf-8")


def test_bad_bundles_are_refused(english, engine, db_url, tmp_path):
    settings = settings_for(db_url, tmp_path)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("manifest.json", '{"format": "salesnb-bundle", "version": 1, "name": "x"}')
        zf.writestr("rules.json", '[{"name": "bad", "kind": "check", "definition": {"table": "nope", "rule": {}}}]')
        zf.writestr("sla_policies.json", '[{"node": "lead_first_response", "definition": {"target_hours": -5}}]')
    with pytest.raises(SalesnbError, match=r"(?s)invalid items.*rule 'bad'.*unknown table 'nope'.*SLA policy"):
        plan_import(engine, settings, read_bundle(broken))
    not_zip = tmp_path / "x.zip"
    not_zip.write_text("hello")
    with pytest.raises(SalesnbError, match="not a readable bundle"):
        read_bundle(not_zip)
