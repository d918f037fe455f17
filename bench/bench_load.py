"""Load benchmark: many signed-in people opening the apps at once on one ``salesnb serve``.

Builds a demo store (PostgreSQL by default, SQLite with ``--backend sqlite``),
starts one ``salesnb serve`` with ``--pool-size`` preheated kernels per app,
and opens ``--sessions`` headless Chromium contexts (one browser), each
signed in through the form as a different person whose role the app is for,
spread round-robin over the apps and arriving within ``--ramp`` seconds.
Every page stays open (its kernel alive) until all are interactive or failed.

Prints the time to interactive (p50 / p95 / max, from request to the app's
first control), sign-in p50 / p95, errors (pages not interactive within
``--timeout``, with the first message of each kind), and memory: the server
process, every kernel (median, sum) and the whole tree, sampled at the end
with all pages open.

    .venv/bin/python bench/bench_load.py --sessions 50 --orders 3000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_apps import CHROMIUM_ARGS, PASSWORD, READY, kernel_processes  # noqa: E402

from salesnb.auth import SYSTEM  # noqa: E402
from salesnb.auth.passwords import set_password  # noqa: E402
from salesnb.db import make_engine, session_scope, upgrade  # noqa: E402
from salesnb.models import User  # noqa: E402
from salesnb.web.background import BackgroundServer  # noqa: E402
from salesnb.widgets.apps import APPS  # noqa: E402

# who opens which app (the role the app is for); the others go to reps and managers
ROLE_OF = {"reconciliation": ("finance",), "claims": ("finance", "sales_rep"), "rules": ("ops",),
           "escalation": ("ops",), "connectors": ("ops",), "import": ("ops", "finance"),
           "dashboard": ("sales_director", "sales_manager"), "contracts": ("sales_manager", "sales_director")}
DEFAULT_ROLES = ("sales_rep", "sales_manager")
SHOTS: Path | None = None  # where a failed page's screenshot goes


def build_store(backend: str, folder: Path, orders: int) -> str:
    """A demo store with checks run; its URL."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'load.db'}"
    else:
        base = make_url(os.environ.get("SALESNB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
        name = f"salesnb_bench_load_{orders}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.set(database=name).render_as_string(hide_password=False)
    from salesnb.checks import run_checks
    from salesnb.demo import build_demo_db

    engine = make_engine(url)
    upgrade(engine)
    built = build_demo_db(engine, orders=orders, seed=7)
    run_checks(engine, built.as_of)
    engine.dispose()
    print(f"demo store ({backend}): {orders:,} orders, {sum(built.rows.values()):,} rows")
    return url


def plan_sessions(url: str, sessions: int, apps: list[str]) -> list[tuple[str, str]]:
    """(app, user id) per session, each user signing in once; passwords set here."""
    engine = make_engine(url)
    by_role: dict[str, list[str]] = {}
    with session_scope(engine) as session:
        for user_id, role in session.execute(select(User.user_id, User.role).where(User.active.is_not(False))
                                             .order_by(User.user_id)):
            by_role.setdefault(role, []).append(user_id)
        plan, used = [], Counter()
        for i in range(sessions):
            app = apps[i % len(apps)]
            roles = [r for r in ROLE_OF.get(app, DEFAULT_ROLES) if by_role.get(r)]
            role = roles[used[app] % len(roles)]
            people = by_role[role]
            user_id = people[used[role] % len(people)]  # a different person per session while there are enough
            used[app] += 1
            used[role] += 1
            plan.append((app, user_id))
        for user_id in {u for _a, u in plan}:
            set_password(session, user_id, PASSWORD, actor=SYSTEM)
    engine.dispose()
    return plan


async def one_session(browser, server: BackgroundServer, app: str, user_id: str, delay: float, timeout: float,
                      hold: asyncio.Event, results: list[dict]) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context()
    context.set_default_timeout(timeout * 1000)  # every step, not only the waits: a busy browser is slow to type too
    result = {"app": app, "user": user_id, "signin": None, "tti": None, "error": None}
    step = "sign-in form"
    try:
        page = await context.new_page()
        await page.goto(server.url + "salesnb/signin")
        await page.fill("input[name=login]", user_id)
        await page.fill("input[name=password]", PASSWORD)
        started = time.perf_counter()
        step = "sign-in"
        await page.click("button[type=submit]")
        await page.wait_for_url("**/voila/render/index.ipynb", wait_until="commit")
        step = "landing page"
        await page.wait_for_selector(READY["index"], state="attached")
        result["signin"] = time.perf_counter() - started  # to a usable landing page, as a person sees it
        started = time.perf_counter()
        step = "app page"
        await page.goto(server.page_url(app), wait_until="commit")
        await page.wait_for_selector(READY.get(app, ".snb-app"), state="attached")
        result["tti"] = time.perf_counter() - started
        # the page of an app that failed to start, or of a session the kernel did not find (an app's own red
        # notices, e.g. a frozen approval in contracts, are data, not errors)
        failed = page.locator(".snb-failed, .snb-signed-out")
        if await failed.count():
            result["error"] = "error shown: " + (await failed.first.inner_text())[:80]
    except Exception as exc:  # noqa: BLE001 - a failed page is a figure of the benchmark, not its end
        result["error"] = f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
    results.append(result)
    if result["error"] and SHOTS is not None and context.pages:
        try:
            await context.pages[-1].screenshot(path=str(SHOTS / f"failed-{app}-{user_id}.png"))
        except Exception:  # noqa: BLE001, S110 - a screenshot is a help; its failure must not hang the run
            pass
    await hold.wait()  # keep the page (and its kernel) open until every session is measured
    await context.close()


def memory(server: BackgroundServer) -> dict[str, float]:
    root = psutil.Process(server.process.pid)
    kernels = [p.memory_info().rss / 2**20 for p in kernel_processes(server).values()]
    tree = [root, *root.children(recursive=True)]
    total = sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20
    return {"server": root.memory_info().rss / 2**20, "kernels": len(kernels),
            "kernel_median": statistics.median(kernels) if kernels else 0.0, "kernel_sum": sum(kernels),
            "tree": total}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


async def run(server: BackgroundServer, plan: list[tuple[str, str]], ramp: float, timeout: float) -> tuple[list, dict]:
    from playwright.async_api import async_playwright

    results: list[dict] = []
    hold = asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=os.environ.get("SALESNB_CHROMIUM", "/usr/bin/chromium"),
                                           args=CHROMIUM_ARGS)
        step = ramp / max(1, len(plan) - 1)
        tasks = [asyncio.create_task(one_session(browser, server, app, user, i * step, timeout, hold, results))
                 for i, (app, user) in enumerate(plan)]
        while len(results) < len(plan):
            await asyncio.sleep(0.2)
        figures = memory(server)
        hold.set()
        await asyncio.gather(*tasks)
        await browser.close()
    return results, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--pool-size", type=int, default=1, help="preheated kernels per app")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the sessions arrive")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds a page may take")
    parser.add_argument("--apps", default="", help="comma-separated app names (default: all)")
    args = parser.parse_args()

    global SHOTS
    folder = Path(tempfile.mkdtemp(prefix="salesnb-bench-load-"))
    SHOTS = folder
    url = build_store(args.backend, folder, args.orders)
    apps = [a for a in args.apps.split(",") if a] or [a.name for a in APPS]
    plan = plan_sessions(url, args.sessions, apps)
    started = time.perf_counter()
    server = BackgroundServer(url, pool_size=args.pool_size, log_path=folder / "serve.log").start(timeout=600)
    print(f"server ready in {time.perf_counter() - started:.1f} s ({len(kernel_processes(server))} preheated kernels)")
    try:
        started = time.perf_counter()
        results, figures = asyncio.run(run(server, plan, args.ramp, args.timeout))
        wall = time.perf_counter() - started
    finally:
        server.stop()

    tti = [r["tti"] for r in results if r["tti"] is not None and not r["error"]]
    signin = [r["signin"] for r in results if r["signin"] is not None]
    failed = [r for r in results if r["error"]]
    print(f"\n{len(results)} signed-in sessions over {len(apps)} apps on one salesnb serve ({args.backend}, "
          f"{args.orders:,} orders, pool {args.pool_size} per app, arriving within {args.ramp:.0f} s); "
          f"all measured in {wall:.1f} s")
    print(f"time to interactive: p50 {pct(tti, .5):.2f} s, p95 {pct(tti, .95):.2f} s, max {max(tti, default=0):.2f} s "
          f"({len(tti)} pages)")
    print(f"sign-in to a usable landing page: p50 {pct(signin, .5):.2f} s, p95 {pct(signin, .95):.2f} s")
    print(f"errors: {len(failed)}")
    for message, n in Counter(r["error"] for r in failed).most_common(5):
        print(f"  {n} × {message}")
    print(f"memory with every page open: server {figures['server']:,.0f} MiB; {figures['kernels']} kernels, "
          f"median {figures['kernel_median']:,.0f} MiB, sum {figures['kernel_sum']:,.0f} MiB; "
          f"whole tree {figures['tree']:,.0f} MiB")
    per_app: dict[str, list[float]] = {}
    for r in results:
        if r["tti"] is not None and not r["error"]:
            per_app.setdefault(r["app"], []).append(r["tti"])
    print(f"{'app':<16}{'pages':>7}{'p50 s':>8}{'max s':>8}")
    for app in apps:
        values = per_app.get(app, [])
        print(f"{app:<16}{len(values):>7}{pct(values, .5):>8.2f}{max(values, default=float('nan')):>8.2f}")


if __name__ == "__main__":
    main()
