"""File names built from data (a contract id, a template name): one safe base name, never a path."""

from __future__ import annotations

import re
import unicodedata

MAX_BYTES = 200  # well under the 255-byte limit of common file systems
_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_file_name(name: str, fallback: str = "file") -> str:
    """``name`` as a base name that stays in its folder on any system.

    Path separators and characters Windows refuses become ``_``; control and
    invisible formatting characters are dropped; leading dots and spaces
    (``..``, hidden files) and trailing ones are removed; reserved device
    names get a ``_`` prefix; the result is cut to :data:`MAX_BYTES` bytes,
    keeping the extension.  An empty result is ``fallback``.
    """
    text = "".join(ch for ch in str(name) if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = _UNSAFE.sub("_", text).strip(" .")
    if not text:
        return fallback
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = text, ""
    if stem.lower() in _RESERVED:
        stem = "_" + stem
    ending = f".{suffix}" if suffix else ""
    while len((stem + ending).encode("utf-8")) > MAX_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or fallback) + ending

