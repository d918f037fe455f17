"""Freed memory goes back to the system: pyarrow's pool when pyarrow is loaded, glibc's heap; bulk steps run
with the cycle collector paused."""

import gc
import subprocess
import sys
import types

import pytest

from salesnb import memory


def test_the_arrow_pool_gives_back_what_it_holds(monkeypatch):
    released = []
    pool = types.SimpleNamespace(release_unused=lambda: released.append("pool"))
    monkeypatch.setitem(sys.modules, "pyarrow", types.SimpleNamespace(default_memory_pool=lambda: pool))
    memory.release_memory(collect=False)
    assert released == ["pool"]


def test_releasing_memory_loads_nothing():
    """A kernel without pyarrow (most apps) must not load it (≈ 50 MiB) to empty its pool."""
    probe = "import sys; from salesnb.memory import release_memory; release_memory(); print('pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_glibc_trims_its_heap():
    libc = memory._libc()
    assert libc is not None  # the servers are Linux with glibc: malloc_trim is there
    assert libc.malloc_trim(0) in (0, 1)


def test_the_collector_is_paused_in_the_block_and_back_after_it():
    assert gc.isenabled()
    with memory.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), memory.collector_paused():
        raise RuntimeError("a step fails")
    assert gc.isenabled()  # a failing step leaves the collector on


def test_a_collector_someone_else_paused_stays_paused():
    gc.disable()
    try:
        with memory.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
