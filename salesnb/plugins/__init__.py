"""The plugin system (pluggy): hook specs, the manager and the built-in plugins."""

from .hookspecs import hookimpl, hookspec
from .manager import get_plugin_manager, list_plugins

__all__ = ["hookimpl", "hookspec", "get_plugin_manager", "list_plugins"]
