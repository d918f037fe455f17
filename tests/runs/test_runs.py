"""papermill runs: history rows, metrics read back, failures that are loud, parameters checked."""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from salesnb.cli import main
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import TemplateRun, User
from salesnb.runs import run_template, runs_frame
from salesnb.runs.templates import coerce_parameters

from .notebooks import probe, settings_for


def add_users(engine, *ids, role="sales"):
    with session_scope(engine) as session:
        session.add_all([User(user_id=i, name=i, role=role) for i in ids])


def test_run_records_history_and_metrics(engine, db_url, tmp_path):
    add_users(engine, "u1", "u2", "u3")
    settings = settings_for(db_url, tmp_path)
    result = run_template(settings, engine, str(probe(tmp_path)), {"n": "21"})
    assert result.ok, result.error
    # the kernel reached the same database through the environment, and the str "21" became an int
    assert result.metrics["users"] == 3
    assert result.metrics["doubled"] == 42
    assert result.output_path.is_file() and result.output_path.parent == tmp_path / "runs" / "probe"
    assert result.metrics["output_dir"] == str(result.output_path.with_suffix(""))
    assert result.metrics["as_of"] == result.parameters["as_of"]
    executed = nbformat.read(result.output_path, as_version=4)
    assert "injected-parameters" in executed.cells[1].metadata.get("tags", [])
    assert db_url not in json.dumps(executed)  # the database URL is never written into the notebook
    with session_scope(engine) as session:
        row = session.scalars(select(TemplateRun)).one()
        assert (row.status, row.template, row.metrics["users"]) == ("succeeded", "probe", 3)
        assert row.finished_at >= row.started_at
        assert row.parameters["n"] == 21 and row.output_path == str(result.output_path)
    listed = runs_frame(engine)
    assert listed.loc[0, "status"] == "succeeded" and listed.loc[0, "metrics"]["doubled"] == 42


def test_parameters_are_checked(english, tmp_path):
    notebook = probe(tmp_path)
    assert coerce_parameters(notebook, {"n": "7", "fail": "false", "as_of": "2026-11-27"}) == {
        "n": 7, "fail": False, "as_of": "2026-11-27"}
    # parameters whose default is None: numbers and True/False/None are read as such, the rest stays text
    assert coerce_parameters(notebook, {"output_dir": "2000", "db_url": "sqlite:///x.db", "config_file": "None"}) == {
        "output_dir": 2000, "db_url": "sqlite:///x.db", "config_file": None}
    with pytest.raises(SalesnbError, match="no parameter.*nope.*it takes: db_url, config_file"):
        coerce_parameters(notebook, {"nope": "1"})
    with pytest.raises(SalesnbError, match="not a int"):
        coerce_parameters(notebook, {"n": "seven"})


def test_cli_runs_schedule_and_templates(engine, db_url, tmp_path):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    start = datetime(2026, 3, 2, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with session_scope(engine) as session:
        session.add_all([
            TemplateRun(template="daily_checks", job="daily_checks", scheduled_for=start, started_at=start,
                        finished_at=start + timedelta(seconds=42), status="succeeded", parameters={"as_of": "x"},
                        metrics={"findings_open": 7}, output_path="runs/daily_checks/1.ipynb"),
            TemplateRun(template="reconciliation", started_at=start + timedelta(hours=1), status="failed",
                        parameters={}, error="cell 4: InputError: bad file"),
        ])
    config = tmp_path / "salesnb.toml"
    config.write_text('[schedule]\ndaily_checks = "0 7 * * *"\n', encoding="utf-8")
    env = {"SALESNB_DB_URL": db_url, "SALESNB_HOME": str(tmp_path), "SALESNB_CONFIG": str(config)}
    runner = CliRunner()
    listed = runner.invoke(main, ["runs"], env=env)
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert "reconciliation" in lines[1] and "failed" in lines[1]  # newest first
    assert "daily_checks" in lines[2] and "42.0" in lines[2] and "findings_open" in lines[2]
    as_json = json.loads(runner.invoke(main, ["runs", "--json", "--template", "daily_checks"], env=env).output)
    assert [r["metrics"] for r in as_json] == [{"findings_open": 7}]
    crontab = runner.invoke(main, ["schedule", "--print-crontab"], env=env).output
    assert "0 7 * * * cd" in crontab and "run daily_checks --job daily_checks" in crontab
    assert "daily_checks" in runner.invoke(main, ["template", "list"], env=env).output
    copied = runner.invoke(main, ["template", "copy", "weekly_kpi_report", f"{tmp_path / 'mine'}/"], env=env)
    assert copied.exit_code == 0 and (tmp_path / "mine" / "weekly_kpi_report.ipynb").is_file()


def test_kernel_is_this_interpreter(tmp_path, monkeypatch):
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    from salesnb.runs import kernel_name

    assert kernel_name() == "python3"  # the venv's spec: "python", i.e. this interpreter
    # a user-level python3 spec that runs some other interpreter shadows it
    foreign = tmp_path / "kernels" / "python3"
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps(
        {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "Python 3", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == "/usr/bin/python3"
    assert kernel_name() == "salesnb"
    assert KernelSpecManager().get_kernel_spec("salesnb").argv[0] == sys.executable


def test_the_process_that_runs_a_template_loads_neither_pandas_nor_pyarrow(sqlite_engine, tmp_path):
    """The runner only drives papermill: pandas and pyarrow (≈ 130 MiB together) belong to the kernel."""
    import subprocess
    import sys

    notebook = probe(tmp_path)
    code = ("import sys\nfrom salesnb.cli import main\n"
            "try:\n"
            f"    main(['run', {str(notebook)!r}, '-p', 'n', '4'], standalone_mode=False)\n"
            "finally:\n"
            "    print('LOADED', sorted(m for m in ('pandas', 'pyarrow', 'pyarrow.fs') if m in sys.modules))\n"
            "import pyarrow.fs\nprint('LATER', pyarrow.fs.LocalFileSystem.__name__)\n")
    env = {**os.environ, "SALESNB_DB_URL": str(sqlite_engine.url), "SALESNB_HOME": str(tmp_path)}
    env.pop("SALESNB_CONFIG", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LOADED []" in done.stdout
    assert "LATER LocalFileSystem" in done.stdout  # papermill's import did not leave pyarrow.fs blocked
    with session_scope(sqlite_engine) as session:
        assert session.scalars(select(TemplateRun.metrics)).one()["doubled"] == 8
