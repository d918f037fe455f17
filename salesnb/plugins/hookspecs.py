"""Hook specifications: what a salesnb plugin can contribute (one line per hook)."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("salesnb")
hookimpl = pluggy.HookimplMarker("salesnb")


@hookspec
def salesnb_checks():
    """Return a list of extra checks (``salesnb.checks`` Check objects) to run with the built-in ones."""
