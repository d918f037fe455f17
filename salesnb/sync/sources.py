"""Which sources are configured: ``[sync.NAME]`` sections → :class:`~salesnb.sync.base.Source` objects.

Source types come from plugins (the ``salesnb_sync_sources`` hook): each
returns source classes, each with its ``type``.  The built-in ones are
``sql``, ``http_json``, ``folder`` and the ``wecom_directory``,
``dingtalk_directory`` and ``feishu_directory`` contact directories.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Settings
from ..errors import SyncError
from ..plugins.manager import get_plugin_manager
from .base import Source


def source_types() -> dict[str, type[Source]]:
    """Source type name → class, from every plugin (a third-party type of the same name wins over a built-in)."""
    found: dict[str, type[Source]] = {}
    for offered in get_plugin_manager().hook.salesnb_sync_sources():
        for cls in offered or ():
            found.setdefault(cls.type, cls)
    return found


def configured(settings: Settings) -> dict[str, dict]:
    """``[sync.NAME]`` sections by name."""
    return {name: dict(opts) for name, opts in settings.section("sync").items() if isinstance(opts, dict)}


def make_sources(settings: Settings, names: Sequence[str] = ()) -> list[Source]:
    """The configured sources (all, or those named), built by their type's class."""
    sections = configured(settings)
    if not sections:
        raise SyncError("sync.no_sources")
    unknown = [n for n in names if n not in sections]
    if unknown:
        raise SyncError("sync.unknown_source", name=unknown[0], known=", ".join(sections) or "-")
    types = source_types()
    out = []
    for name, opts in sections.items():
        if names and name not in names:
            continue
        kind = str(opts.get("type", ""))
        if kind not in types:
            raise SyncError("sync.unknown_type", name=name, type=kind or "-", known=", ".join(sorted(types)))
        out.append(types[kind](name, opts))
    return out
