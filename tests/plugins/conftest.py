import pytest

from salesnb.plugins import get_plugin_manager
from tests.fakeservers.fixtures import fake_clock  # noqa: F401 - shared fixtures
from tests.notify.conftest import users  # noqa: F401


@pytest.fixture
def register_plugin():
    """``register_plugin(obj)``: add a plugin for this test only."""
    pm = get_plugin_manager()
    added = []

    def register(plugin, name=None):
        pm.register(plugin, name=name)
        added.append(plugin)
        return plugin

    yield register
    for plugin in added:
        pm.unregister(plugin)
