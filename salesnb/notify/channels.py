"""Channel settings: ``[channels.NAME]`` in the config file, overridden by environment variables.

::

    [channels.sales_robot]
    type = "wecom_robot"
    key = "..."                 # or SALESNB_CHANNEL_SALES_ROBOT_KEY

    [notify]
    default = ["sales_robot", "mail"]      # where channel=None / "default" messages go
    [notify.routes]
    "sla.escalation" = ["boss_app"]        # per event type, instead of the default

An environment variable ``SALESNB_CHANNEL_<NAME>_<KEY>`` overrides (or adds)
option ``key`` of channel ``name`` (upper case, ``-`` written ``_``); a
channel may be defined from the environment alone by setting its ``TYPE``.
With no ``default`` route, default messages go to the built-in ``console``
channel, which appends them to ``notifications.log`` in the data folder.
Secret options (any name containing key, secret, password, token or
webhook) are masked in ``repr``, in CLI output and in logs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from .redact import MASK, redact, register_secrets
from . import messages  # noqa: F401 - the keys of the errors below

ENV_PREFIX = "SALESNB_CHANNEL_"
SECRET_WORDS = ("key", "secret", "password", "token", "webhook")
DEFAULT_ROUTE = "default"
CONSOLE_CHANNEL = "console"
LOG_FILE = "notifications.log"


def is_secret_option(name: str) -> bool:
    """True for option names that hold credentials."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


def env_name(channel: str) -> str:
    """The channel name as written in environment variables."""
    return channel.upper().replace("-", "_")


@dataclass(frozen=True, repr=False)
class ChannelConfig:
    """One configured channel: its name, type and options (secrets masked in repr)."""

    name: str
    type: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.options.get(key)
        return default if value is None or value == "" else value

    def require(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise ConfigError("notify.option.required", channel=repr(self.name), name=self.name, type=self.type, option=repr(key),
                              env=f"{ENV_PREFIX}{env_name(self.name)}_{key.upper()}")
        return value

    def get_int(self, key: str, default: int | None) -> int | None:
        value = self.get(key)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError("notify.option.integer", channel=repr(self.name), option=repr(key), value=repr(value)) from None

    def get_bool(self, key: str, default: bool) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on", "是"):
            return True
        if text in ("0", "false", "no", "off", "否"):
            return False
        raise ConfigError("notify.option.bool", channel=repr(self.name), option=repr(key), value=repr(value))

    def secrets(self) -> list[str]:
        """The secret option values (to be masked wherever text leaves the process)."""
        return [str(v) for k, v in self.options.items() if is_secret_option(k) and v not in (None, "")]

    def masked(self) -> dict[str, Any]:
        """Options with secret values replaced by ``***``."""
        return {k: (MASK if is_secret_option(k) and v not in (None, "") else v) for k, v in self.options.items()}

    def redact(self, text: object) -> str:
        return redact(text, self.secrets())

    def __repr__(self) -> str:
        return f"ChannelConfig(name={self.name!r}, type={self.type!r}, options={self.masked()!r})"

    __str__ = __repr__


@dataclass
class NotifyConfig:
    """All channels plus the routing of ``default`` messages."""

    channels: dict[str, ChannelConfig]
    default: list[str]
    routes: dict[str, list[str]] = field(default_factory=dict)

    def route(self, event_type: str | None) -> list[str]:
        """Channels that get a message enqueued with channel ``None``/``"default"``."""
        if event_type and event_type in self.routes:
            return self.routes[event_type]
        return self.default

    def channel(self, name: str) -> ChannelConfig:
        try:
            return self.channels[name]
        except KeyError:
            known = ", ".join(sorted(self.channels)) or "(none)"
            raise ConfigError("notify.channel.unknown", name=repr(name), known=known) from None


def load_notify_config(settings: Settings, environ: Mapping[str, str] | None = None) -> NotifyConfig:
    """Read channels and routes from ``settings`` and the environment; register their secrets."""
    environ = os.environ if environ is None else environ
    raw: dict[str, dict[str, Any]] = {}
    for name, options in settings.section("channels").items():
        if not isinstance(options, dict):
            raise ConfigError("notify.channel.not_table", name=name)
        raw[str(name)] = {str(k).lower(): v for k, v in options.items()}
    _apply_env(raw, environ)

    channels: dict[str, ChannelConfig] = {}
    for name, options in raw.items():
        ctype = options.pop("type", None)
        if not ctype:
            raise ConfigError("notify.channel.no_type", name=name)
        channels[name] = ChannelConfig(name=name, type=str(ctype), options=options)
    if CONSOLE_CHANNEL not in channels:
        channels[CONSOLE_CHANNEL] = ChannelConfig(
            CONSOLE_CHANNEL, "console", {"path": str(settings.data_dir / LOG_FILE)})

    section = settings.section("notify")
    default = _channel_list(environ.get("SALESNB_NOTIFY_DEFAULT") or section.get("default") or [CONSOLE_CHANNEL])
    routes = {str(k): _channel_list(v) for k, v in (section.get("routes") or {}).items()}
    for route_name, names in [(DEFAULT_ROUTE, default), *routes.items()]:
        missing = [n for n in names if n not in channels]
        if missing:
            raise ConfigError("notify.route.unknown_channels", route=repr(route_name), missing=", ".join(missing))
    register_secrets(s for c in channels.values() for s in c.secrets())
    return NotifyConfig(channels=channels, default=default, routes=routes)


def _channel_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def _apply_env(raw: dict[str, dict[str, Any]], environ: Mapping[str, str]) -> None:
    """Fold ``SALESNB_CHANNEL_<NAME>_<KEY>`` variables into ``raw`` (longest channel name wins)."""
    variables = {k[len(ENV_PREFIX):]: v for k, v in environ.items() if k.startswith(ENV_PREFIX)}
    names = {env_name(n): n for n in raw}
    for rest in variables:  # channels defined in the environment alone
        if rest.endswith("_TYPE") and rest[:-5] and rest[:-5] not in names:
            names[rest[:-5]] = rest[:-5].lower()
            raw.setdefault(rest[:-5].lower(), {})
    for rest, value in variables.items():
        match = max((n for n in names if rest.startswith(n + "_")), key=len, default=None)
        if match is None:
            continue  # a variable for a channel that is not configured: ignore it
        raw[names[match]][rest[len(match) + 1:].lower()] = value
