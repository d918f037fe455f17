"""Links from an app page to the server's streamed exports (:mod:`salesnb.web.exports`)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from ..i18n import get_language
from .protocol import EXPORT_PATH


def export_url(name: str, filters: dict[str, str], as_of: datetime | None = None) -> str:
    """The export's URL relative to the app page (served at ``{base}voila/render/APP.ipynb``, two levels
    below the server's base URL), carrying the filters, the page's language and its fixed clock if any."""
    params = {**filters, "lang": get_language()}
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    return f"../../{EXPORT_PATH}/{name}.xlsx?{urlencode(params)}"
