"""``salesnb lab``: a template copy opens in JupyterLab and a salesnb widget renders in its output."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from salesnb.web.background import free_port

from ..widgets.seed import seed
from .conftest import SCREENSHOTS


@pytest.fixture
def lab_server(tmp_path, sqlite_template):
    import shutil

    from salesnb.db import make_engine

    db = tmp_path / "lab.db"
    shutil.copy(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    seed(engine)
    engine.dispose()
    port, token = free_port(), "lab-test-token"
    folder = tmp_path / "notebooks"
    log = open(tmp_path / "lab.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    home = tmp_path / "jupyter"  # a layout saved by an earlier run must not decide which tab is in front
    env = {**os.environ, "SALESNB_DB_URL": f"sqlite:///{db}", "SALESNB_LANG": "zh-CN",
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings")}
    # JupyterLab's default "contentVisibility" windowing leaves cells skipped (hidden to Playwright) while a
    # headless page is not painting; every cell attached is what a user on a real screen sees
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}', encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", "from salesnb.cli import main; main()", "lab", "--no-browser", "--port", str(port),
         "--dir", str(folder), "--token", token, "--user", "U01"], stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 180
    while "is running at" not in (tmp_path / "lab.log").read_text(encoding="utf-8", errors="replace"):
        assert process.poll() is None, (tmp_path / "lab.log").read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "JupyterLab did not start"
        time.sleep(0.3)
    yield f"http://127.0.0.1:{port}", token, folder
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # shutting kernels down can take longer on a busy machine
        process.kill()
        process.wait()
    log.close()


def test_lab_opens_template_copies_and_a_widget_renders(browser, lab_server):
    url, token, folder = lab_server
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    assert {"daily_checks.ipynb", "reconciliation.ipynb", "weekly_kpi_report.ipynb", "salesnb_widgets.ipynb"} <= set(names)
    for notebook in folder.glob("*.ipynb"):
        text = notebook.read_text(encoding="utf-8")
        assert "password" not in text.lower() and "s3cret" not in text
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{url}/lab/tree/salesnb_widgets.ipynb?token={token}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        assert page.locator(".jp-content-visibility-mode").count() == 0  # the test's settings were read
        page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for()  # the kernel has started
        dialog = page.locator(".jp-Dialog")
        if dialog.count():  # JupyterLab may ask which kernel to use: the notebook's own
            dialog.get_by_role("button", name="Select").click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        card = page.locator(".jp-OutputArea .snb-app .snb-header").first
        try:
            card.wait_for()
        finally:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "lab.png"))
        assert "客户问答速查卡" in card.inner_text()
        assert "张伟（U01）" in card.inner_text()  # the widgets act as the --user person
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "lab.png"))
        # a template copy opens too
        page.goto(f"{url}/lab/tree/daily_checks.ipynb?token={token}")
        copy = page.locator(".jp-Notebook", has_text="start_run(db_url, config_file, as_of, output_dir, language)")
        copy.wait_for()
        assert "每日检查" in copy.inner_text()
    finally:
        context.close()
