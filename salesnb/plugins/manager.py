"""The plugin manager: built-in plugins plus everything in the ``salesnb`` entry-point group."""

from __future__ import annotations

import importlib
from functools import lru_cache

import pluggy

from . import hookspecs

# Built-in features are ordinary plugins, registered like third-party ones.
BUILTIN_PLUGINS: list[str] = [
    "salesnb.checks.builtin",
    "salesnb.plugins.notifiers.console",
    "salesnb.plugins.notifiers.wecom_robot",
    "salesnb.plugins.notifiers.wecom_app",
    "salesnb.plugins.notifiers.dingtalk",
    "salesnb.plugins.notifiers.feishu",
    "salesnb.plugins.notifiers.email",
    "salesnb.plugins.notifiers.deliver",
    "salesnb.plugins.sources.store",
    "salesnb.plugins.sources.sql",
    "salesnb.plugins.sources.http_json",
    "salesnb.plugins.sources.folder",
    "salesnb.plugins.sources.directories",
    "salesnb.plugins.sources.wecom_archive",
    "salesnb.plugins.sources.feishu_messages",
    "salesnb.plugins.signin.wecom",
    "salesnb.plugins.signin.dingtalk",
    "salesnb.plugins.signin.feishu",
]


@lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (built-ins first, then entry points)."""
    pm = pluggy.PluginManager("salesnb")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints("salesnb")
    return pm


def list_plugins() -> list[dict[str, object]]:
    """Name, origin and implemented hooks of every registered plugin."""
    pm = get_plugin_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin)
        dist = dists.get(id(plugin))
        rows.append({
            "name": name,
            "builtin": name in BUILTIN_PLUGINS,
            "version": getattr(dist, "version", None) if dist else None,
            "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
        })
    return sorted(rows, key=lambda r: str(r["name"]))
