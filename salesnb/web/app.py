"""``SalesnbVoila``: Voila's standalone server with sign-in, the Host allow-list and salesnb's own routes."""

from __future__ import annotations

import tempfile

from jupyter_server.auth.identity import IdentityProvider
from jupyter_server.utils import url_path_join
from traitlets import List, Type, Unicode
from voila.app import Voila

from .assets import cache_hashed_assets
from .events import events_handlers
from .exports import export_handlers
from .hosts import HostGuardApplication
from .identity import SessionIdentityProvider
from .kernels import AppKernelSpecManager, unbounded_receive
from .signin import SIGNIN_PATH, signin_handlers
from .sso import sso_handlers


class SalesnbVoila(Voila):
    """Voila whose every page needs a signed-in person (or the one person of single-person mode)."""

    identity_provider_class = Type(default_value=SessionIdentityProvider, klass=IdentityProvider, config=True)
    allowed_hosts = List(Unicode(), config=True, help="Host names requests may name (the Host allow-list).")

    def init_settings(self) -> dict:
        # The app kernels start as salesnb.web.kernel_app: their IOPub sockets drop nothing either.
        self.voila_configuration.kernel_spec_manager_class = AppKernelSpecManager
        settings = super().init_settings()
        settings["login_url"] = url_path_join(self.base_url, SIGNIN_PATH)
        settings["salesnb_hosts"] = frozenset(h.lower() for h in self.allowed_hosts)
        unbounded_receive(self.kernel_manager.context)  # the page websockets' IOPub sockets drop nothing
        return settings

    def init_handlers(self) -> list:
        own = [(url_path_join(self.base_url, path), handler) for path, handler in signin_handlers()]
        return (own + sso_handlers(self.base_url) + events_handlers(self.base_url) + export_handlers(self.base_url)
                + cache_hashed_assets(super().init_handlers()))

    def start(self) -> None:
        # Voila.start, with the Host-checking Application
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        self.log.info("Storing connection files in %s." % self.connection_dir)
        settings = self.init_settings()
        self.app = HostGuardApplication(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        self.listen()
