"""The server's kernel clients: a page's output is never dropped by ZeroMQ (issue 16).

Upstream (jupyter_client on ZeroMQ): a kernel publishes its output on an
IOPub PUB socket, and ZeroMQ drops what a subscriber has not taken once about
1,000 messages wait on each side (the default high-water marks), without an
error.  One app build can publish thousands (a busy rep's my_work: ~5,000
widget messages); with many pages building at once the server reads them
late, the end of the output (the widget's display, the idle status) was
dropped, and the page stayed an empty frame.  The server's clients receive
without a limit: the kernel's messages wait in the server's memory instead.
That holds for the executor's client (:class:`UnboundedIOPubClient`) and for
the sockets the server opens per page websocket (``connect_iopub`` on the
kernel managers' shared context: :func:`unbounded_receive`), and for the
kernels' own sending side (:class:`AppKernelSpecManager` starts them as
:mod:`salesnb.web.kernel_app`), which a loaded server's ZeroMQ thread can
fall behind.
"""

from __future__ import annotations

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from traitlets import default

IPYKERNEL_LAUNCHER = ["-m", "ipykernel_launcher"]
APP_KERNEL_LAUNCHER = ["-m", "salesnb.web.kernel_app"]


class UnboundedIOPubClient(AsyncKernelClient):
    """An async kernel client whose sockets never drop received messages (``RCVHWM`` 0)."""

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RCVHWM, 0)
        return context


def unbounded_receive(context: zmq.Context) -> zmq.Context:
    """Make every socket later created on ``context`` (the kernel managers' shared one, which the page
    websockets' ``connect_iopub`` uses) receive without a limit."""
    context.setsockopt(zmq.RCVHWM, 0)
    return context


class AppKernelSpecManager(KernelSpecManager):
    """Kernel specs whose ipykernel launcher (``python -m ipykernel_launcher``) starts
    :mod:`salesnb.web.kernel_app` instead; other kernels are left as they are."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        # interpreter options may come first (``ipykernel install`` writes ``-Xfrozen_modules=off``)
        for i in range(1, len(argv) - 1):
            if argv[i:i + 2] == IPYKERNEL_LAUNCHER:
                spec.argv = [*argv[:i], *APP_KERNEL_LAUNCHER, *argv[i + 2:]]
                break
        return spec
