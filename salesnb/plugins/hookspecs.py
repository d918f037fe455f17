"""Hook specifications: what a salesnb plugin can contribute (one line per hook)."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("salesnb")
hookimpl = pluggy.HookimplMarker("salesnb")


@hookspec
def salesnb_checks():
    """Return a list of extra checks (``salesnb.checks`` Check objects) to run with the built-in ones."""


@hookspec
def salesnb_anomaly_rules():
    """Return a dict of extra KPI anomaly-note rules: name → ``rule(context) -> iterable of AnomalyNote``."""


@hookspec
def salesnb_channel_types():
    """Return a list of notifier classes (``salesnb.notify.Notifier`` subclasses), each providing one channel ``type``."""


@hookspec(firstresult=True)
def salesnb_send_notification(channel, notification, notifier):
    """Deliver ``notification`` on ``channel`` and return a ``SendResult``, or None to leave it to the channel's notifier."""


@hookspec(firstresult=True)
def salesnb_read_source(engine, table, filters):
    """Return a DataFrame of canonical ``table`` rows (production_slots, lanes, bank_transactions) matching ``filters``, or None to defer to the next source."""


@hookspec
def salesnb_signin_providers():
    """Return a list of sign-in provider objects (``salesnb.plugins.signin.base.SignInProvider``), each offering single sign-on through one platform ``name``."""


@hookspec
def salesnb_sync_sources():
    """Return a list of sync source classes (``salesnb.sync.Source`` subclasses), each providing one source ``type``."""
