"""Cache headers for the apps' JavaScript: a file named by its content's hash never changes.

Voila serves the JupyterLab extensions every page loads (the widget manager's
remote entry and chunks, about 700 KB) with ``Cache-Control: no-cache``, so
every page asks for each of them again. Their names carry a webpack content
hash (``remoteEntry.c8c9eed2cdefdeac.js``, ``704.6a820cc839aca480.js``): a new
version is a new name, so such a file is cached for good, as JupyterLab's own
hashed files are. Files without a hash in their name (``package.json``) keep
Voila's ``no-cache``.
"""

from __future__ import annotations

import re

from jupyter_server.base.handlers import FileFindHandler

HASHED_NAME = re.compile(r"\.[0-9a-f]{16,}\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
LABEXTENSIONS_ROUTE = "/voila/labextensions/(.*)"


class HashedAssetsHandler(FileFindHandler):
    """Voila's labextension file handler; a file whose name carries a content hash is cached for good."""

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED_NAME.search(self.request.path):
            self.set_header("Cache-Control", IMMUTABLE)


def cache_hashed_assets(handlers: list) -> list:
    """``handlers`` (Voila's routes) with the labextension route served by :class:`HashedAssetsHandler`."""
    return [(route[0], HashedAssetsHandler, *route[2:])
            if route[0].endswith(LABEXTENSIONS_ROUTE) and route[1] is FileFindHandler else route
            for route in handlers]
