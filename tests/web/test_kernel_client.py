"""The server's kernel client keeps every output message of a page, however late the server reads them (issue 16)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import zmq
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.multikernelmanager import AsyncMultiKernelManager
from jupyter_client.session import Session
from traitlets.config import Config

from salesnb.web.kernels import AppKernelSpecManager, UnboundedIOPubClient, unbounded_receive

ROOT = Path(__file__).resolve().parents[2]
BURST = 5000  # more than ZeroMQ's default high-water marks (1,000 a side) let wait
# one message each, as a widget build sends them (printed lines may share a message)
BURST_CODE = f"from IPython.display import display\nfor i in range({BURST}): display(i)"


async def _burst_read_late(client_class: str) -> tuple[int, bool]:
    manager = AsyncKernelManager(transport="ipc", client_class=client_class, kernel_spec_manager=AppKernelSpecManager())
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        msg_id = client.execute(BURST_CODE + "\n'done'")
        await asyncio.sleep(6)  # a busy server: nothing read while the kernel publishes
        shown, result = 0, False
        while True:
            msg = await client.get_iopub_msg(timeout=10)
            shown += msg["msg_type"] == "display_data"
            result = result or msg["msg_type"] == "execute_result"
            if (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                    and msg["parent_header"].get("msg_id") == msg_id):
                return shown, result
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def _run(coro):
    """Run ``coro`` on a fresh event loop in its own thread (an earlier test in this worker, e.g. Playwright's
    sync API, may have left a loop running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    """Kernels write connection files and IPC sockets into the working folder: keep them out of the repo."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))


def test_a_burst_of_output_read_late_arrives_whole():
    assert isinstance(AsyncKernelManager(client_class="salesnb.web.kernels.UnboundedIOPubClient").client(),
                      UnboundedIOPubClient)
    shown, result = _run(_burst_read_late("salesnb.web.kernels.UnboundedIOPubClient"))
    assert result and shown == BURST


async def _burst_through_the_manager(unbounded: bool) -> tuple[int, bool]:
    """What a page websocket gets: an IOPub socket from the kernel manager's shared context, read late."""
    config = Config()
    config.KernelManager.transport = "ipc"  # as in the test above: no TCP buffers between the two high-water marks
    # unbounded: both ends as the server runs them (a loaded machine's server can fall behind the kernel)
    kernels = AsyncMultiKernelManager(config=config, connection_dir=".",
                                      kernel_spec_manager=AppKernelSpecManager() if unbounded else None)
    if unbounded:
        unbounded_receive(kernels.context)
    kernel_id = await kernels.start_kernel(kernel_name="python3")
    manager = kernels.get_kernel(kernel_id)
    stream = manager.connect_iopub()  # as jupyter_server opens it for a page websocket (the shared context)
    iopub = stream.socket
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        await asyncio.sleep(1)  # the subscription is in place
        msg_id = client.execute(BURST_CODE)
        await asyncio.sleep(6)  # a busy server: the websocket's socket is not read while the kernel publishes
        session, shown, idle = Session(key=manager.session.key), 0, False
        while iopub.poll(timeout=5000):
            _idents, parts = session.feed_identities(iopub.recv_multipart())
            msg = session.deserialize(parts)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            shown += msg["msg_type"] == "display_data"
            idle = idle or (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle")
        return shown, idle
    finally:
        client.stop_channels()
        stream.close(linger=0)
        await kernels.shutdown_all(now=True)


def test_a_page_websockets_iopub_socket_keeps_a_late_burst():
    assert _run(_burst_through_the_manager(unbounded=True)) == (BURST, True)  # every line, and the idle status
    shown, idle = _run(_burst_through_the_manager(unbounded=False))
    assert shown < BURST or not idle  # ZeroMQ's default high-water mark: the end of the burst is dropped


def test_the_server_opens_its_page_sockets_on_the_unbounded_context():
    from salesnb.web.app import SalesnbVoila
    from salesnb.web.serve import default_apps_dir

    app = SalesnbVoila()
    app.initialize(["--no-browser", "--port=0", str(default_apps_dir())])
    app.init_settings()
    assert app.kernel_manager.context.getsockopt(zmq.RCVHWM) == 0
    assert isinstance(app.kernel_spec_manager, AppKernelSpecManager)
    app.kernel_manager.context.term()


async def _kernel_iopub_send_limit() -> tuple[list[str], str]:
    manager = AsyncKernelManager(transport="ipc", kernel_spec_manager=AppKernelSpecManager())
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    printed: list[str] = []
    try:
        await client.wait_for_ready(timeout=60)
        reply = await client.execute_interactive(
            "import zmq; print(get_ipython().kernel.iopub_thread.socket.getsockopt(zmq.SNDHWM))", timeout=30,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        return manager.kernel_spec.argv, "".join(printed).strip()
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def test_an_app_kernels_iopub_socket_sends_without_a_limit():
    """The kernel's end never drops either: its XPUB socket's send high-water mark is 0 (ZeroMQ's default: 1,000)."""
    argv, limit = _run(_kernel_iopub_send_limit())
    assert argv[1:3] == ["-m", "salesnb.web.kernel_app"]
    assert limit == "0"


def test_importing_the_kernel_module_leaves_this_processs_widgets_alone():
    """Only running it loads ipykernel, which rewires the ``comm`` package: widgets made before could not close."""
    code = ("import ipywidgets as w; w.Button(); import salesnb.web.kernel_app; w.Widget.close_all(); "
            "import sys; print('ipykernel' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_app_kernel_takes_ipykernels_place_whatever_options_come_first(tmp_path):
    specs = {"python3": ["/usr/bin/python3", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f",
                         "{connection_file}"],
             "plain": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
             "other": ["/opt/julia", "-i", "kernel.jl", "{connection_file}"]}
    for name, argv in specs.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": name,
                                                                  "language": "python"}))
    manager = AppKernelSpecManager(kernel_dirs=[str(tmp_path)])
    assert manager.get_kernel_spec("python3").argv == [
        "/usr/bin/python3", "-Xfrozen_modules=off", "-m", "salesnb.web.kernel_app", "-f", "{connection_file}"]
    assert manager.get_kernel_spec("plain").argv[1:3] == ["-m", "salesnb.web.kernel_app"]
    assert manager.get_kernel_spec("other").argv == specs["other"]  # not an IPython kernel: left as it is
