"""Document numbers in bank memos: the keys a memo's invoice or contract numbers are looked up by."""

from __future__ import annotations

import re
import unicodedata

REF_TOKEN = re.compile(r"[A-Z0-9](?:[A-Z0-9_\-]*[A-Z0-9])?")


def ref_keys(text: str | None) -> set[str]:
    """Reference-number keys found in a memo: tokens, tokens without separators, adjacent pairs joined."""
    if not text:
        return set()
    tokens = REF_TOKEN.findall(unicodedata.normalize("NFKC", text).upper())
    keys = {strip_separators(t) for t in tokens}
    keys |= {strip_separators(a + b) for a, b in zip(tokens, tokens[1:])}
    return {k for k in keys if len(k) >= 4 and any(ch.isdigit() for ch in k)}


_DOCUMENT_NUMBER = re.compile(r"[A-Z]{1,6}[A-Z0-9_\-]*\d[A-Z0-9_\-]*")


def document_numbers(memo: str | None) -> set[str]:
    """Contract or invoice numbers a memo names: a token of letters then digits (HT-2026-0012, INV0042),
    five characters or more — not a bare amount or date."""
    if not memo:
        return set()
    tokens = _DOCUMENT_NUMBER.findall(unicodedata.normalize("NFKC", memo).upper())
    return {strip_separators(t) for t in tokens if len(strip_separators(t)) >= 5}


def strip_separators(token: str) -> str:
    return token.replace("-", "").replace("_", "")
