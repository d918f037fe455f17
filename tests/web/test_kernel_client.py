"""The server's kernel client keeps every output message of a page, however late the server reads them (issue 16)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from jupyter_client.manager import AsyncKernelManager

from salesnb.web.kernels import UnboundedIOPubClient

BURST = 5000  # more than ZeroMQ's default high-water marks (1,000 a side) let wait


async def _burst_read_late(client_class: str) -> tuple[int, bool]:
    manager = AsyncKernelManager(transport="ipc", client_class=client_class)
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        msg_id = client.execute(f"import sys\nfor i in range({BURST}): print(i, flush=True)\n'done'")
        await asyncio.sleep(6)  # a busy server: nothing read while the kernel publishes
        seen, result = 0, False
        while True:
            msg = await client.get_iopub_msg(timeout=10)
            seen += 1
            result = result or msg["msg_type"] == "execute_result"
            if (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                    and msg["parent_header"].get("msg_id") == msg_id):
                return seen, result
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def _run(coro):
    """Run ``coro`` on a fresh event loop in its own thread (an earlier test in this worker, e.g. Playwright's
    sync API, may have left a loop running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_a_burst_of_output_read_late_arrives_whole():
    assert isinstance(AsyncKernelManager(client_class="salesnb.web.kernels.UnboundedIOPubClient").client(),
                      UnboundedIOPubClient)
    seen, result = _run(_burst_read_late("salesnb.web.kernels.UnboundedIOPubClient"))
    assert result and seen >= BURST
