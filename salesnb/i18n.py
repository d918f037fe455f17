"""UI strings in zh-CN (default) and English.

Modules register their own catalogues with :func:`register` so that no single
file collects every string; :func:`t` looks a key up in the current language
and falls back to zh-CN, then to the key itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_catalog: dict[str, dict[str, str]] = {"zh-CN": {}, "en": {}}
_language = "zh-CN"
_speaking: ContextVar[str | None] = ContextVar("salesnb_language", default=None)  # a request's own language


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add ``{"zh-CN": {key: text}, "en": {key: text}}`` to the catalogue."""
    for lang, entries in messages.items():
        _catalog.setdefault(lang, {}).update(entries)


def set_language(language: str) -> None:
    global _language
    if language not in _catalog:
        raise ValueError(f"unsupported language {language!r}")
    _language = language


def get_language() -> str:
    return _speaking.get() or _language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Within the block, in this thread or task only, :func:`t` speaks ``language`` (a server answering
    several people at once; the process language stays as it is)."""
    if language not in _catalog:
        raise ValueError(f"unsupported language {language!r}")
    token = _speaking.set(language)
    try:
        yield
    finally:
        _speaking.reset(token)


def t(key: str, language: str | None = None, **params: Any) -> str:
    """The text for ``key`` in ``language`` (default: current), formatted with ``params``."""
    lang = language or get_language()
    text = _catalog.get(lang, {}).get(key) or _catalog["zh-CN"].get(key) or key
    return text.format(**params) if params else text
