"""The apps' JavaScript: files named by their content hash are cached for good, the rest asked for again."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from jupyter_server.auth import AllowAllAuthorizer, IdentityProvider
from jupyter_server.base.handlers import FileFindHandler
from tornado.web import Application

from salesnb.web.assets import IMMUTABLE, HashedAssetsHandler, cache_hashed_assets
from tests.web.conftest import ServerThread

LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
WIDGETS = "@jupyter-widgets/jupyterlab-manager"


@pytest.fixture
def assets():
    """Voila's labextension route (as ``Voila.init_handlers`` makes it) through ``cache_hashed_assets``."""
    identity = IdentityProvider(token="")
    voila_routes = [("/voila/labextensions/(.*)", FileFindHandler,
                     {"path": [str(LABEXTENSIONS)], "no_cache_paths": ["/"]})]
    app = Application(cache_hashed_assets(voila_routes), cookie_secret=b"test-cookie-secret-0123456789",
                      identity_provider=identity, authorizer=AllowAllAuthorizer(identity_provider=identity))
    server = ServerThread(app).start()
    yield server
    server.stop()


def _get(server, relative: str) -> httpx.Response:
    response = httpx.get(f"{server.url}/voila/labextensions/{relative}")
    assert response.status_code == 200, relative
    return response


def test_a_content_hashed_labextension_file_is_cached_for_good(assets):
    entry, = (LABEXTENSIONS / WIDGETS / "static").glob("remoteEntry.*.js")
    chunk = next(p for p in (LABEXTENSIONS / WIDGETS / "static").glob("*.js") if p != entry)
    for path in (entry, chunk):
        response = _get(assets, f"{WIDGETS}/static/{path.name}?v=x")
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.content == path.read_bytes()


def test_a_labextension_file_without_a_hash_is_asked_for_again(assets):
    response = _get(assets, f"{WIDGETS}/package.json")
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_server_serves_labextensions_through_the_hashed_assets_handler():
    from salesnb.web.app import SalesnbVoila
    from salesnb.web.serve import default_apps_dir

    app = SalesnbVoila()
    app.initialize(["--no-browser", "--port=0", str(default_apps_dir())])
    app.init_settings()
    try:
        handlers = {route[0]: route[1] for route in app.init_handlers()}
        assert handlers["/voila/labextensions/(.*)"] is HashedAssetsHandler
        assert sum(handler is HashedAssetsHandler for handler in handlers.values()) == 1
    finally:
        app.kernel_manager.context.term()
