"""Give the memory a long-lived process freed back to the system (an app kernel after building its page).

Freed memory stays with the allocator that had it: pyarrow's memory pool
(mimalloc) keeps the buffers of the frames a build made and dropped (≈ 60 MiB
after the dashboard's process audit on 20,000 orders), and glibc keeps freed
heap pages.  An idle kernel then holds them for nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    """The C library, when it is glibc (``malloc_trim``); ``None`` elsewhere."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_memory(collect: bool = True) -> None:
    """Hand freed memory back: pyarrow's pool (only if pyarrow is loaded) and glibc's heap (a millisecond).

    ``collect`` first collects garbage in reference cycles (a few hundred ms on a big heap: for idle moments).
    """
    if collect:
        gc.collect()
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
