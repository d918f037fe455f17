"""The app kernels' side of an unbounded IOPub channel (see :mod:`salesnb.web.kernels`).

A kernel publishes its output on an XPUB socket whose send high-water mark
(1,000 messages a subscriber by default) drops, without an error, what the
server has not yet taken.  The server's clients receive without a limit, but
on a loaded machine the server's ZeroMQ thread can fall more than 1,000
messages behind a kernel building a big page, and the end of the page (the
widget's display, the idle status) was dropped in the kernel.  The app
kernels therefore start as ``python -m salesnb.web.kernel_app`` (the
server's :class:`salesnb.web.kernels.AppKernelSpecManager` puts it in place
of ipykernel's launcher), whose IOPub socket sends without a limit too: the
output waits in the kernel instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import zmq


def main() -> None:
    """Start an IPython kernel whose IOPub socket never drops a message a subscriber has not taken yet."""
    # As ipykernel_launcher: the working folder leaves sys.path while ipykernel loads.  ipykernel is imported
    # here, not at the top: importing it rewires the ``comm`` package for the whole process, a kernel's job.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    from ipykernel.kernelapp import IPKernelApp

    class UnboundedIOPubKernelApp(IPKernelApp):
        def init_iopub(self, context: zmq.Context) -> None:
            # The limit is read when the socket binds, so it is set (as the context's default) before.
            context.setsockopt(zmq.SNDHWM, 0)
            super().init_iopub(context)

    UnboundedIOPubKernelApp.launch_instance()


if __name__ == "__main__":
    main()
