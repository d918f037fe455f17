"""The Host allow-list: a request naming any other host (a DNS-rebinding page, a stray proxy) is refused.

On localhost only the loopback names are allowed; on another address, that
address, the machine's own names, ``[serve] hosts`` and the host of
``[serve] public_url``.  Every handler is behind it: pages, the kernels'
websockets, static files and the event endpoints.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import tornado.web
from tornado.httputil import HTTPServerRequest, split_host_and_port

from ..i18n import t
from . import messages  # noqa: F401  (registers the texts)

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def host_name(host_header: str) -> str:
    """``Host: Example.com:8866`` → ``example.com``; ``[::1]:8866`` → ``::1``."""
    name, _port = split_host_and_port(host_header.strip().lower())
    return name[1:-1] if name.startswith("[") and name.endswith("]") else name


def allowed_hosts(bind_host: str, configured: Iterable[str] = (), public_url: str | None = None) -> frozenset[str]:
    """The host names this server answers to."""
    names = set(LOOPBACK)
    if bind_host not in LOOPBACK:
        if bind_host not in ("0.0.0.0", "::", ""):
            names.add(bind_host.lower())
        else:
            hostname = socket.gethostname()
            names.update({hostname.lower(), socket.getfqdn().lower()})
            try:
                names.update(socket.gethostbyname_ex(hostname)[2])
            except OSError:
                pass
    names.update(str(h).strip().lower() for h in configured if str(h).strip())
    if public_url:
        names.add((urlsplit(public_url).hostname or "").lower())
    names.discard("")
    return frozenset(names)


class RefusedHost(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(t("web.host_refused", host=host_name(self.request.host or "")))


class HostGuardApplication(tornado.web.Application):
    """A tornado Application that refuses requests for host names outside ``settings["salesnb_hosts"]``."""

    def find_handler(self, request: HTTPServerRequest, **kwargs):
        allowed = self.settings.get("salesnb_hosts")
        if allowed is not None and host_name(request.host or "") not in allowed:
            return self.get_handler_delegate(request, RefusedHost)
        return super().find_handler(request, **kwargs)
