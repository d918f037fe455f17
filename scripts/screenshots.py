"""Take the README's screenshots of the running apps (docs/images/*.png).

    python scripts/screenshots.py [--orders 1000] [--out docs/images]

Builds a demo store in a temporary folder (``salesnb demo --no-serve``), starts
``salesnb serve`` on it (:class:`salesnb.serve.BackgroundServer`, kernels
preheated), opens every app in headless Chromium (Playwright, ``$SALESNB_CHROMIUM``
or /usr/bin/chromium, the flags of tests/browser/conftest.py) at 1280x800, and
writes one PNG per app.  ``pngquant`` and ``optipng``, when installed, shrink them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-27 08:00"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def salesnb(url: str, folder: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-c", "from salesnb.cli import main; main()", "--db", url, *args],
                   check=True, cwd=folder, stdout=subprocess.DEVNULL)


def build_store(folder: Path, orders: int) -> tuple[str, dict[str, str]]:
    """The demo store (demo data → import → daily run), as the main job builds it.

    Then the most recent contract the ``delivery_infeasible`` check found is
    submitted for approval as of its own submission time (so the breaker
    freezes it with the check's figures), and the customer with the most
    interactions is picked for the Q&A card.
    """
    from sqlalchemy import func, select

    from salesnb.db import make_engine
    from salesnb.models import Contract, Customer, Finding, Interaction
    from salesnb.timeutil import set_local_tz

    set_local_tz("Asia/Shanghai")
    url = f"sqlite:///{folder / 'demo.db'}"
    salesnb(url, folder, "demo", "--no-serve", "--orders", str(orders), "--as-of", AS_OF,
            "--data-dir", str(folder / "data"))
    engine = make_engine(url)
    with engine.connect() as conn:
        contract, submitted = conn.execute(
            select(Contract.contract_id, Contract.submitted_at)
            .join(Finding, Finding.entity_id == Contract.contract_id)
            .where(Finding.check_name == "delivery_infeasible", Finding.resolved_at.is_(None))
            .order_by(Contract.submitted_at.desc()).limit(1)).one()
        customer = conn.scalar(select(Customer.name).join(Interaction, Interaction.customer_id == Customer.customer_id)
                               .group_by(Customer.customer_id, Customer.name)
                               .order_by(func.count().desc(), Customer.customer_id).limit(1))
    engine.dispose()
    salesnb(url, folder, "contract", "submit", contract, "--at", submitted.strftime("%Y-%m-%d %H:%M:%S"))
    return url, {"contract": contract, "customer": customer}


def first_option(page, select: str, starts_with: str = "", timeout: float = 20) -> None:
    """Choose the first option of ``select`` whose label starts with ``starts_with`` (waiting for it:
    the kernel fills some drop-downs in answer to an earlier choice)."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [t.replace("\xa0", " ") for t in page.locator(f"{select} option").all_inner_texts()]
        index = next((i for i, text in enumerate(texts) if text.startswith(starts_with)), None)
        if index is not None:
            page.select_option(select, index=index)
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"no option starting with {starts_with!r} in {select}: {texts[:10]}")
        page.wait_for_timeout(100)


def dashboard(page) -> None:
    page.wait_for_function("document.querySelectorAll('.snb-chart .main-svg').length >= 3", timeout=60_000)


def scorecard(page) -> None:
    page.locator(".snb-field-budget_provided button", has_text="是").click()
    page.wait_for_timeout(500)


def contracts(page) -> None:
    first_option(page, ".snb-queue select", PICKS["contract"])
    page.locator(".snb-verdict .snb-msg.snb-bad").wait_for()


def reconciliation(page) -> None:
    page.locator(".snb-app .snb-lines, .snb-app .snb-msg").first.wait_for()


def customer_card(page) -> None:
    page.fill(".snb-search input", PICKS["customer"])
    first_option(page, ".snb-suggestions select")
    page.locator(".snb-card-view .snb-customer-name").wait_for()


def findings(page) -> None:
    page.locator(".snb-findings-table table tbody tr").first.wait_for()


def rules(page) -> None:
    page.locator("button.snb-add-condition").click()
    page.locator(".snb-condition").first.wait_for()
    first_option(page, ".snb-condition .snb-cond-field select", "状态")
    first_option(page, ".snb-condition .snb-cond-value select", "已接受")
    page.wait_for_function("document.querySelector('.snb-rule-preview').innerText.includes('当前命中')")
    page.locator("button.snb-add-condition").click()
    second = ".snb-condition:nth-child(2)"
    page.locator(second).wait_for()
    first_option(page, f"{second} .snb-cond-field select", "报价金额")
    page.locator(f"{second} .snb-cond-value input").wait_for()
    first_option(page, f"{second} .snb-cond-op select", "大于等于")
    page.fill(f"{second} .snb-cond-value input", "1000000")
    page.keyboard.press("Enter")
    page.fill(".snb-rule-name input", "百万以上已接受的报价")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('button.snb-save-rule').disabled")


def settle(page) -> None:
    page.wait_for_timeout(800)


APPS = {
    "index": None, "dashboard": dashboard, "scorecard": scorecard, "contracts": contracts,
    "reconciliation": reconciliation, "customer_card": customer_card, "findings": findings,
    "rules": rules, "escalation": None,
}
PICKS: dict[str, str] = {}  # what build_store chose to show


def shrink(path: Path) -> None:
    """Palette PNG (pngquant), then lossless recompression (optipng), when the tools exist."""
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--quality=70-95", "--strip",
                        "--output", str(path), str(path)], check=False)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", str(path)], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--apps", default=",".join(APPS), help="comma-separated apps to take")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from salesnb.serve import BackgroundServer

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="salesnb-shots-") as tmp:
        url, picks = build_store(Path(tmp), args.orders)
        PICKS.update(picks)
        env = {"SALESNB_LANG": "zh-CN", "SALESNB_AS_OF": AS_OF}
        with BackgroundServer(url, env=env, log_path=Path(tmp) / "serve.log") as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("SALESNB_CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS)
            for name in args.apps.split(","):
                context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                page = context.new_page()
                page.set_default_timeout(30_000)
                page.goto(server.page_url(name))
                page.wait_for_selector(".snb-app .snb-header", timeout=90_000)
                if APPS[name] is not None:
                    APPS[name](page)
                settle(page)
                path = args.out / f"{name}.png"
                page.screenshot(path=str(path))
                context.close()
                shrink(path)
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KiB")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
