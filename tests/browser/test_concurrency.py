"""Several people opening preheated pages at the same moment: every page renders, each for its own person (issue 16).

Its own server, on a copy of the apps folder with the landing page and five
apps, one preheated kernel each, so every page below opens on a warm kernel
while the pools refill around it.  Before the fix, Voila's executor waited 4 s
for a cell's output after the cell finished; with several pages building at
once that output came later, was dropped, and the page stayed an empty frame.
"""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from salesnb.web.background import BackgroundServer
from salesnb.web.serve import default_apps_dir

from ..widgets.seed import AS_OF
from .conftest import page_never_shown, session_cookie

# (app, who opens it, the name the page header shows)
VISITS = (("index", "D01", "周总监"), ("my_work", "U01", "张伟"), ("dashboard", "D01", "周总监"),
          ("findings", "M01", "陈经理"), ("contracts", "M02", "刘经理"), ("reconciliation", "F01", "王芳"))
WHO = ".snb-app .snb-header .snb-who b"


@pytest.fixture(scope="module")
def preheated(app_db, tmp_path_factory):
    """``salesnb serve`` over the visited apps only, one preheated kernel each (ready when all are warm)."""
    folder = tmp_path_factory.mktemp("concurrent")
    apps = folder / "apps"
    apps.mkdir()
    source = default_apps_dir()
    os.symlink(source / ".voila", apps / ".voila")
    for app in {app for app, _who, _name in VISITS}:
        os.symlink(source / f"{app}.ipynb", apps / f"{app}.ipynb")
    server = BackgroundServer(app_db, pool_size=1, apps_dir=apps, log_path=folder / "serve.log",
                              env={"SALESNB_LANG": "zh-CN", "SALESNB_AS_OF": AS_OF.isoformat()}).start()
    yield server
    server.stop()


def test_people_opening_preheated_pages_at_once_each_see_their_own_page(browser, preheated):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN") for _ in VISITS]
    try:
        pages = []
        for context, (_app, who, _name) in zip(contexts, VISITS, strict=True):
            context.add_cookies([session_cookie(preheated, who)])
            pages.append(context.new_page())
        for page, (app, _who, _name) in zip(pages, VISITS, strict=True):
            page.goto(preheated.page_url(app), wait_until="commit")  # every request in flight at once
        assert preheated.log_text().count("Using pre-heated kernel") == len(VISITS)
        deadline = time.monotonic() + 90  # one budget for all pages: a page that stays empty costs it once
        shown = {}
        for page, (app, _who, _name) in zip(pages, VISITS, strict=True):
            try:
                page.wait_for_selector(WHO, state="attached", timeout=max(1, deadline - time.monotonic()) * 1000)
                shown[app] = page.locator(WHO).first.inner_text()
            except PlaywrightTimeout:  # an empty frame: the failure this test is about
                shown[app] = None
        expected = {app: f"{name}（{who}）" for app, who, name in VISITS}
        empty = [(page, app) for page, (app, _who, _name) in zip(pages, VISITS, strict=True) if shown[app] is None]
        assert shown == expected, (f"{shown}\nserver log: {preheated.log_path}\n"
                                   + "\n".join(page_never_shown(page, preheated, app) for page, app in empty[:1]))
    finally:
        for context in contexts:
            context.close()
