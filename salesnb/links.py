"""Links into the web apps: the one place that knows how an item's page is addressed.

Every message about an item links to that item's page (DESIGN.md "Team
use"); the server's public address is ``[serve] public_url`` in
``salesnb.toml`` (or ``$SALESNB_PUBLIC_URL``), default
``http://127.0.0.1:8866`` (``salesnb serve`` on this machine).  Voila renders
an app at ``/voila/render/<app>.ipynb``; an item is named by ``?item=<id>``.
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlencode

from .config import Settings

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8866"
MY_WORK_APP = "my_work"
DASHBOARD_APP = "dashboard"

#: the app that shows an item of each kind (an entity type, a table name, or a salesnb record)
ITEM_APPS: dict[str, str] = {
    "lead": "scorecard", "leads": "scorecard",
    "contract": "contracts", "contracts": "contracts",
    "invoice": "reconciliation", "invoices": "reconciliation",
    "payment_claim": "reconciliation", "payment_claims": "reconciliation", "claim": "reconciliation",
    "bank_transaction": "reconciliation", "bank_transactions": "reconciliation",
    "customer": "customer_card", "customers": "customer_card",
    "task": MY_WORK_APP, "tasks": MY_WORK_APP, "todo": MY_WORK_APP,
    "finding": "findings", "findings": "findings",
}
DEFAULT_ITEM_APP = "findings"  # quotes, orders, shipments: their breakpoints are in the findings list


def public_url(settings: Settings | None) -> str:
    """The server's address as people reach it, without a trailing slash."""
    configured = os.environ.get("SALESNB_PUBLIC_URL") or (
        settings.section("serve").get("public_url") if settings is not None else None)
    return str(configured or DEFAULT_PUBLIC_URL).rstrip("/")


def app_url(settings: Settings | None, app: str, **params: str) -> str:
    """``{public_url}/voila/render/<app>.ipynb`` with ``params`` as the query string."""
    url = f"{public_url(settings)}/voila/render/{quote(app)}.ipynb"
    query = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def item_app(kind: str) -> str:
    """The app that shows an item of ``kind``."""
    return ITEM_APPS.get(kind, DEFAULT_ITEM_APP)


def item_url(settings: Settings | None, kind: str, item_id: object) -> str:
    """The page of one item: ``{public_url}/voila/render/<app>.ipynb?item=<id>``."""
    return app_url(settings, item_app(kind), item=str(item_id))


def my_work_url(settings: Settings | None) -> str:
    """The "My work" page: everything waiting for the signed-in person."""
    return app_url(settings, MY_WORK_APP)


def dashboard_url(settings: Settings | None, region: str | None = None) -> str:
    """The sales health dashboard (of one region when given)."""
    return app_url(settings, DASHBOARD_APP, region=region or "")
