"""Finding templates by name or path, and analysts' copies wired to the same database."""

from __future__ import annotations

import os

import nbformat
import papermill as pm
import pytest

from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import User
from salesnb.runs import read_metrics
from salesnb.runs.templates import copy_template, list_templates, parameters_cell, resolve_template, template_parameters

from .notebooks import probe, settings_for

BUILTINS = {"daily_checks", "weekly_kpi_report", "reconciliation", "sync_sources"}


def test_builtin_templates_are_parameterised(english, tmp_path):
    settings = settings_for("sqlite://", tmp_path)
    rows = {r["name"]: r for r in list_templates(settings)}
    assert BUILTINS <= set(rows) and all(rows[n]["builtin"] for n in BUILTINS)
    for name in BUILTINS:
        params = template_parameters(resolve_template(name, settings))
        assert {"db_url", "config_file", "as_of", "output_dir", "language"} <= set(params), name
    with pytest.raises(SalesnbError, match="no template named 'nope'.*daily_checks"):
        resolve_template("nope", settings)


def test_copy_is_wired_and_runs_like_a_template(english, engine, db_url, tmp_path, monkeypatch):
    with session_scope(engine) as session:
        session.add_all([User(user_id="a", name="A", role="ops"), User(user_id="b", name="B", role="sales")])
    probe(tmp_path / "team")
    settings = settings_for(db_url, tmp_path, templates={"dirs": ["team"]})
    settings.source = tmp_path / "salesnb.toml"
    assert {r["name"]: r["builtin"] for r in list_templates(settings)}["probe"] is False
    copy = copy_template(settings, "probe", f"{tmp_path / 'mine'}/")
    assert copy == tmp_path / "mine" / "probe.ipynb"
    notebook = nbformat.read(copy, as_version=4)
    source = parameters_cell(notebook).source
    assert f"db_url = {db_url!r}" in source and f"config_file = {str(settings.source)!r}" in source
    assert notebook.metadata["salesnb"]["copied_from"] == "probe"
    with pytest.raises(SalesnbError, match="exists; pass --overwrite"):
        copy_template(settings, "probe", copy)
    # run the copy as an analyst would, with no salesnb environment at all: it finds the database itself
    for key in [k for k in os.environ if k.startswith("SALESNB_")]:
        monkeypatch.delenv(key)
    (tmp_path / "salesnb.toml").write_text("")
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(copy), str(out), kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    assert read_metrics(out)["users"] == 2


def test_copy_keeps_passwords_out_of_notebooks(tmp_path):
    settings = settings_for("postgresql://ops:s3cret@db.example/sales", tmp_path)
    copy = copy_template(settings, "daily_checks", tmp_path / "my_daily.ipynb")
    text = copy.read_text(encoding="utf-8")
    assert "s3cret" not in text
    source = parameters_cell(nbformat.read(copy, as_version=4)).source
    assert "db_url = None" in source and "steps = \"sync,grade,reconcile,checks,escalate,notify\"" in source
