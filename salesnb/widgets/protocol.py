"""What the app kernels and ``salesnb serve`` agree on (no widget code here, so the server can import it)."""

from __future__ import annotations

# An app kernel prints this (with app=NAME) to the server log once it is preheated.
READY_MARK = "[salesnb.apps] preheated, waiting for a page request:"

# The server streams an app's large exports at {base_url}EXPORT_PATH/NAME.xlsx (salesnb.web.exports).
EXPORT_PATH = "salesnb/export"


def plotly_js_name() -> str:
    """File name of plotly.js among the template's static files (versioned: a new plotly is fetched anew)."""
    from importlib.metadata import version

    return f"plotly-{version('plotly')}.min.js"
