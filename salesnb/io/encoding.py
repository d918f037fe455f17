"""Character-set detection for text files (CSV, tab text, HTML disguised as .xls).

Short Chinese text fools statistical detectors, so strict decoders are tried
first: a byte-order mark decides; otherwise UTF-8 when the whole file decodes
as UTF-8, then GB18030 (a superset of GBK and GB2312) when it decodes as that;
only then is charset-normalizer asked.
"""

from __future__ import annotations

import codecs
from pathlib import Path

BLOCK = 1 << 20

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
STRICT_CANDIDATES = ("utf-8", "gb18030")


def bom_encoding(head: bytes) -> str | None:
    """The encoding announced by a byte-order mark at the start of ``head``, if any."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def decodes_strictly(path: Path, encoding: str) -> bool:
    """True when the whole file decodes as ``encoding`` without a single error (read in blocks)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as fh:
            while block := fh.read(BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_bytes_encoding(data: bytes) -> str:
    """Encoding of an in-memory byte string, by the same rules as :func:`detect_encoding`."""
    found = bom_encoding(data[:4])
    if found:
        return found
    for candidate in STRICT_CANDIDATES:
        try:
            data.decode(candidate)
            return candidate
        except UnicodeDecodeError:
            continue
    return _normalizer_guess(data)


def detect_encoding(path: str | Path) -> str:
    """Detect the character set of a text file.

    Returns a Python codec name: ``utf-8-sig`` (UTF-8 with BOM), ``utf-16`` /
    ``utf-32`` (with BOM), ``utf-8``, ``gb18030`` or charset-normalizer's best guess.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(BLOCK)
    found = bom_encoding(head[:4])
    if found:
        return found
    for candidate in STRICT_CANDIDATES:
        if decodes_strictly(path, candidate):
            return candidate
    return _normalizer_guess(head)


def _normalizer_guess(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best is not None else "latin-1"
