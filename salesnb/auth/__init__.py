"""Who is acting: people and roles, sign-in, sessions, and the permission matrix.

Everything here is library code, used the same way by the web layer, the
apps, the CLI and notebooks:

- :mod:`.people` — :class:`Actor`, the signed-in person (or ``system`` for
  batch steps) with their role and the people under them;
- :mod:`.passwords` — Argon2 password hashes;
- :mod:`.sessions` — database sessions behind the browser cookie;
- :mod:`.signin` — password sign-in with slow-down and lock-out;
- :mod:`.permissions` — the one declaration of who may do what;
- :mod:`.visibility` — which rows a person sees.
"""

from .people import SYSTEM, Actor, load_actor, resolve_cli_actor
from .permissions import ACTIONS, PermissionDenied, allowed, allowed_owners, authorize, require
from .visibility import Scope, scope_of

__all__ = [
    "ACTIONS", "SYSTEM", "Actor", "PermissionDenied", "Scope", "allowed", "allowed_owners", "authorize", "load_actor",
    "require",
    "resolve_cli_actor", "scope_of",
]
