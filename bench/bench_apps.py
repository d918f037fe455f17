"""Benchmark: time from page request to interactive widgets for each Voila app, and memory per kernel.

Builds a demo store (``salesnb.demo.build_demo_db``, checks run so the findings
list is populated), starts ``salesnb serve`` with preheated kernels, waits
until every pool is filled, then opens each app in headless Chromium:

- *cold*: a fresh browser profile (no cached JavaScript), as on a first visit;
- *warm*: the same browser profile again (Voila's JavaScript cached), as on
  every later visit.

Every profile signs in first, through the sign-in form, as a person whose
role the app is for (finance for reconciliation, the sales director for the
rest); the sign-in itself (form submitted → landing page) is timed apart and
printed, so what sign-in costs is visible next to the page figures.

"Interactive" is the moment the app's widgets are rendered (its title bar
and first control exist in the page), which is when the widget manager has
connected to the kernel.  Between pages the script waits for Voila to refill
the pool so each page gets a preheated kernel.  Prints seconds per app, the
resident memory (RSS) of the kernel serving each page, and of the idle
preheated kernel of each app (``--idle-only`` prints these and stops: no browser).

Also prints the DOM elements of each page once it stops growing (the most over
its loads).  ``--store FILE`` builds the store there (kept) or reuses it, so the
1,000,000-order store is built once (``--build-only`` builds and stops).
``--as-of`` fixes the apps' clock at the store's data time; a reused store then
gets the KPI snapshot the morning's daily run would have left (its cost printed).

    .venv/bin/python bench/bench_apps.py [--orders 500] [--rounds 3] [--apps a,b] [--store FILE] [--keep]
                                         [--idle-only]
                                         [--as-of "2026-03-11 09:30"]
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

from sqlalchemy import select

from salesnb.auth import SYSTEM
from salesnb.auth.passwords import set_password
from salesnb.db import make_engine, session_scope, upgrade
from salesnb.models import User
from salesnb.web.background import BackgroundServer
from salesnb.widgets.apps import APPS

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The first control of each app: when it is on the page, the app can be used.
READY = {
    "index": "a.snb-tile",
    "dashboard": ".snb-filter-weeks select",
    "scorecard": "button.snb-save",
    "contracts": ".snb-queue select",
    "reconciliation": "button.snb-confirm",
    "customer_card": ".snb-search input",
    "findings": "button.snb-export",
    "rules": "button.snb-add-condition",
    "escalation": ".snb-timeline-view .snb-timeline",
    "my_work": ".snb-work-summary div",
}


def build_store(path: Path, orders: int, as_of: str | None = None) -> str:
    url = f"sqlite:///{path}"
    if path.exists():
        engine = make_engine(url)
        started = time.perf_counter()
        upgrade(engine)
        print(f"store migrated in {time.perf_counter() - started:.1f} s")
        if as_of:
            take_snapshot(engine, as_of)
        started = time.perf_counter()
        try:
            from salesnb.customer_search import index_customer_names
        except ImportError:  # a version before customer search keys: nothing to index
            indexed = 0
        else:
            indexed = index_customer_names(engine)
        engine.dispose()
        print(f"reusing the store {path} ({indexed} customer names indexed in {time.perf_counter() - started:.1f} s)")
        return url
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    try:
        from salesnb.demo import build_demo_db
    except ImportError:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.widgets.seed import seed

        seed(engine)
        print("demo data not available: using the test seed data")
    else:
        built = build_demo_db(engine, orders=orders, seed=7)
        generated = time.perf_counter() - started
        from salesnb.checks import run_checks
        from salesnb.receivables import reconcile

        run_checks(engine, built.as_of)
        checked = time.perf_counter() - started
        reconcile(engine, built.as_of)  # the reconciliation app's queue and applied matches
        print(f"demo store: {orders} orders, {sum(built.rows.values())} rows, generated and imported in "
              f"{generated:.0f} s, checks run in {checked - generated:.0f} s, "
              f"reconciled in {time.perf_counter() - started - checked:.0f} s")
    engine.dispose()
    return url


PASSWORD = "bench-password"
# Who opens each app: a person whose role the app is for.
ROLE_OF = {"reconciliation": "finance"}
DEFAULT_ROLE = "sales_director"


def bench_users(url: str) -> dict[str, str]:
    """role → a user id of that role with the bench password (set here)."""
    engine = make_engine(url)
    people: dict[str, str] = {}
    with session_scope(engine) as session:
        for role in {DEFAULT_ROLE, *ROLE_OF.values()}:
            user_id = session.scalar(select(User.user_id).where(User.role == role).order_by(User.user_id).limit(1))
            set_password(session, user_id, PASSWORD, actor=SYSTEM)
            people[role] = user_id
    engine.dispose()
    return people


def sign_in(context, server: BackgroundServer, user_id: str) -> float:
    """Sign ``context`` in through the form; return the seconds from submit to the landing page."""
    page = context.new_page()
    try:
        page.goto(server.url + "salesnb/signin")
        page.fill("input[name=login]", user_id)
        page.fill("input[name=password]", PASSWORD)
        start = time.perf_counter()
        page.click("button[type=submit]")
        page.wait_for_url("**/voila/render/index.ipynb", wait_until="commit", timeout=60_000)
        elapsed = time.perf_counter() - start
        # Closing a page while Voila still streams it has left Playwright waiting on a renderer that was gone.
        page.wait_for_load_state("domcontentloaded", timeout=60_000)
        return elapsed
    finally:
        page.close()


def kernel_processes(server: BackgroundServer) -> dict[str, psutil.Process]:
    """Kernel id → process, for the server's kernels."""
    found = {}
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            match = re.search(r"kernel-([0-9a-f-]+)\.json", " ".join(child.cmdline()))
        except psutil.Error:
            continue
        if match:
            found[match.group(1)] = child
    return found


def wait_refill(server: BackgroundServer, app: str, before: int, timeout: float = 90) -> None:
    """Wait until Voila has preheated a replacement kernel for ``app`` (its notebook ran up to the request)."""
    deadline = time.monotonic() + timeout
    while server.warm_kernels(app) <= before and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)


def dom_nodes(page, settle: float = 10.0) -> int:
    """Elements in the page once it stops growing (two equal counts 0.5 s apart; at most ``settle`` s)."""
    count, deadline = -1, time.monotonic() + settle
    while time.monotonic() < deadline:
        now = page.evaluate("document.getElementsByTagName('*').length")
        if now == count:
            break
        count = now
        time.sleep(0.5)
    return count


def open_app(browser_context, server: BackgroundServer, app: str) -> tuple[float, float | None, int]:
    """Open ``app``; return (seconds to interactive, RSS in MiB of the kernel serving the page, DOM elements)."""
    page = browser_context.new_page()
    try:
        start = time.perf_counter()
        page.goto(server.page_url(app), wait_until="commit")
        page.wait_for_selector(READY.get(app, ".snb-app"), state="attached", timeout=60_000)
        elapsed = time.perf_counter() - start
        config = page.locator("#jupyter-config-data").first.text_content()
        kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', config).group(1)
        proc = kernel_processes(server).get(kernel_id)
        return elapsed, (proc.memory_info().rss / 2**20 if proc is not None else None), dom_nodes(page)
    finally:
        page.close()


def take_snapshot(engine, as_of: str) -> None:
    """What the morning's daily run leaves for the dashboard: a KPI snapshot as of ``as_of`` (timed)."""
    from salesnb.kpi.kpis import count_kpis
    from salesnb.kpi.snapshots import save_kpi_snapshot
    from salesnb.timeutil import parse_timestamp

    started = time.perf_counter()
    save_kpi_snapshot(engine, count_kpis(engine, parse_timestamp(as_of)))
    print(f"KPI snapshot as of {as_of} counted and saved in {time.perf_counter() - started:.1f} s")


def idle_memory(server: BackgroundServer) -> list[float]:
    """Print the RSS (MiB) of each idle preheated kernel by app (from the server log's ready lines); return them."""
    by_kernel = {kernel: app for app, kernel in re.findall(r"app=(\S+) kernel=([0-9a-f-]+)", server.log_text())}
    idle: dict[str, float] = {}
    for kernel, proc in kernel_processes(server).items():
        idle[by_kernel.get(kernel, kernel[:8])] = proc.memory_info().rss / 2**20
    print("idle preheated kernel RSS MiB: " + ", ".join(f"{app} {mib:.0f}" for app, mib in sorted(idle.items())))
    print(f"idle preheated kernel RSS: median {statistics.median(idle.values()):.0f} MiB, "
          f"{len(idle)} kernels = {sum(idle.values()):.0f} MiB for the whole pool")
    return list(idle.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="page loads per app and mode")
    parser.add_argument("--apps", default="", help="comma-separated app names (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store and server log")
    parser.add_argument("--store", type=Path, default=None,
                        help="an SQLite store file: built there if missing (kept), reused if present")
    parser.add_argument("--build-only", action="store_true", help="build the store (--store) and stop")
    parser.add_argument("--idle-only", action="store_true",
                        help="print the idle preheated kernels' memory per app and stop (no browser)")
    parser.add_argument("--as-of", default=None,
                        help="the apps' clock (the store's data time); a reused store gets a KPI snapshot as of it")
    parser.add_argument("--ready-timeout", type=float, default=300,
                        help="seconds to wait for every preheated kernel (each app is built once while preheating)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="salesnb-bench-apps-"))
    url = build_store(args.store or tmp / "apps.db", args.orders, args.as_of)
    if args.build_only:
        tmp.rmdir()
        return

    from playwright.sync_api import sync_playwright

    people = bench_users(url)
    apps = [a for a in args.apps.split(",") if a] or ["index", *[a.name for a in APPS]]
    started = time.perf_counter()
    apps_dir = None
    if args.apps:  # serve (and preheat) only the apps measured and the landing page
        from salesnb.web.background import default_apps_dir

        apps_dir = tmp / "apps"
        apps_dir.mkdir()
        for name in {"index", *apps}:
            shutil.copy(default_apps_dir() / f"{name}.ipynb", apps_dir)
    server = BackgroundServer(url, log_path=tmp / "serve.log", apps_dir=apps_dir,
                              extra_args=("--as-of", args.as_of) if args.as_of else ()).start(timeout=args.ready_timeout)
    print(f"server ready (every app kernel preheated) in {time.perf_counter() - started:.1f} s, "
          f"{len(kernel_processes(server))} preheated kernels")
    results: dict[str, dict[str, list[float]]] = {}
    rss: dict[str, list[float]] = {}
    nodes: dict[str, list[int]] = {}
    signin_seconds: list[float] = []
    if args.idle_only:
        try:
            idle_memory(server)
        finally:
            server.stop()
            if not args.keep:
                shutil.rmtree(tmp)
        return
    try:
        idle_memory(server)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("SALESNB_CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS)
            warm_contexts = {}
            for role, user_id in people.items():
                warm_contexts[role] = browser.new_context()
                signin_seconds.append(sign_in(warm_contexts[role], server, user_id))
            warm_context = warm_contexts[DEFAULT_ROLE]
            before = server.warm_kernels("index")
            open_app(warm_context, server, "index")  # fill the warm profile's cache
            wait_refill(server, "index", before)
            for app in apps:
                for _round in range(args.rounds):
                    role = ROLE_OF.get(app, DEFAULT_ROLE)
                    for mode in ("cold", "warm"):
                        if mode == "cold":
                            context = browser.new_context()
                            landing = server.warm_kernels("index")
                            signin_seconds.append(sign_in(context, server, people[role]))
                            # Signing in opened the landing page, which took its preheated kernel: wait for the
                            # replacement, or a cold landing page would wait for a kernel to start.
                            wait_refill(server, "index", landing - 1)
                        else:
                            context = warm_contexts[role]
                        before = server.warm_kernels(app)
                        try:
                            seconds, memory, elements = open_app(context, server, app)
                        except Exception as exc:  # noqa: BLE001 - one slow app must not hide the others' figures
                            print(f"{app} ({mode}): not interactive: {type(exc).__name__}")
                            seconds, memory, elements = float("nan"), None, None
                        finally:
                            if mode == "cold":
                                context.close()
                        results.setdefault(app, {}).setdefault(mode, []).append(seconds)
                        if memory is not None:
                            rss.setdefault(app, []).append(memory)
                        if elements is not None:
                            nodes.setdefault(app, []).append(elements)
                        wait_refill(server, app, before)
            browser.close()
    finally:
        server.stop()

    print()
    print(f"time to interactive, preheated kernels (median of {args.rounds}; target ≤ 2.5 s at company scale), "
          "and the most DOM elements a page of the app held (target ≤ 20,000)")
    print(f"{'app':<16}{'cold s':>9}{'warm s':>9}{'kernel RSS MiB':>17}{'DOM nodes':>11}")
    for app in apps:
        cold = statistics.median(results[app].get("cold", [float("nan")]))
        warm = statistics.median(results[app].get("warm", [float("nan")]))
        memory = statistics.median(rss.get(app, [float("nan")]))
        elements = max(nodes.get(app, [0]))
        print(f"{app:<16}{cold:>9.2f}{warm:>9.2f}{memory:>17.0f}{elements:>11}")
    all_cold = [s for r in results.values() for s in r.get("cold", []) if not math.isnan(s)]
    all_warm = [s for r in results.values() for s in r.get("warm", []) if not math.isnan(s)]
    print(f"{'all apps':<16}{statistics.median(all_cold):>9.2f}{statistics.median(all_warm):>9.2f}"
          f"{statistics.median([m for v in rss.values() for m in v]):>17.0f}")
    print(f"sign-in (form submitted → landing page): median {statistics.median(signin_seconds):.2f} s "
          f"over {len(signin_seconds)} sign-ins (Argon2id check, session row, redirect)")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
