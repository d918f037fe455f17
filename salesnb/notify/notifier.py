"""What a notifier is: the message it gets, the result or error it gives back.

A notifier delivers one :class:`Notification` on one configured channel.
Built-in notifier types (``wecom_robot``, ``wecom_app``, ``dingtalk``,
``feishu``, ``email``, ``console``) live in :mod:`salesnb.plugins.notifiers`;
plugins add more through the ``salesnb_channel_types`` hook.

Errors say what the outbox should do next: :class:`PermanentFailure` (bad
key, bad signature, message too long: never retried), :class:`RateLimited`
(retry after a pause), :class:`TemporaryFailure` (network trouble before the
request reached the server: retry with backoff) and :class:`InDoubt` (the
request was sent but no answer came back: the server may or may not have
delivered it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from ..errors import ConfigError
from . import messages  # noqa: F401 - the keys of the errors below

if TYPE_CHECKING:
    from .channels import ChannelConfig


@dataclass(frozen=True)
class Recipient:
    """A user resolved through the ``users`` table, with the addresses each channel needs."""

    user_id: str
    name: str | None = None
    wecom_userid: str | None = None
    mobile: str | None = None
    email: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.user_id


@dataclass(frozen=True)
class FileAttachment:
    """A file sent with a message (from the ``attachments`` table): channels that can carry files attach it."""

    filename: str
    mime: str
    content: bytes


@dataclass
class Notification:
    """One message to deliver: subject, body and resolved recipients (``to`` and ``cc``).

    ``attachments`` are files for the channels that carry them (WeCom robot and
    application messages, e-mail); the body of such a message also links to them.
    """

    subject: str
    body: str
    recipients: list[Recipient] = field(default_factory=list)
    cc: list[Recipient] = field(default_factory=list)
    dedup_key: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    event_type: str | None = None
    unknown_users: list[str] = field(default_factory=list)
    attachments: list[FileAttachment] = field(default_factory=list)

    @property
    def everyone(self) -> list[Recipient]:
        """Recipients then cc, each user once."""
        seen: set[str] = set()
        people = []
        for person in [*self.recipients, *self.cc]:
            if person.user_id not in seen:
                seen.add(person.user_id)
                people.append(person)
        return people


@dataclass
class SendResult:
    """What a successful delivery returned (the parsed reply, for the log)."""

    channel: str
    detail: str = "ok"
    response: dict[str, Any] | None = None


class DeliveryError(Exception):
    """A delivery that did not succeed; subclasses say whether and when to retry."""

    retryable = True
    in_doubt = False

    def __init__(self, reason: str, *, code: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Retrying cannot help (bad key, bad signature, no address, message too long)."""

    retryable = False


class TemporaryFailure(DeliveryError):
    """The message was not delivered this time; retry with backoff."""


class RateLimited(TemporaryFailure):
    """The service throttled us (45009, 130101, 11232, HTTP 429); retry after a pause."""


class InDoubt(TemporaryFailure):
    """The request left but no answer came back: it may have been delivered."""

    in_doubt = True


@dataclass
class DeliveryContext:
    """What a notifier may use: one HTTP client, a clock (epoch seconds) and a sleep, all injectable."""

    http: httpx.Client
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


class Notifier:
    """Base class of a channel type: subclass, set ``type`` and implement :meth:`send`.

    Class attributes describe the type: ``required_options`` must be set in
    the channel's config, ``default_rate_per_minute`` is the service's limit
    (``None``: none), ``idempotent`` says the service itself drops a re-sent
    duplicate (so an in-doubt message can be re-sent without being doubled).
    """

    type: ClassVar[str] = ""
    description: ClassVar[str] = ""
    required_options: ClassVar[tuple[str, ...]] = ()
    default_rate_per_minute: ClassVar[int | None] = None
    idempotent: ClassVar[bool] = False

    def __init__(self, channel: ChannelConfig, context: DeliveryContext):
        self.channel = channel
        self.context = context
        for option in self.required_options:
            channel.require(option)

    def send(self, notification: Notification) -> SendResult:
        """Deliver ``notification``; raise a :class:`DeliveryError` when it did not go through."""
        raise NotImplementedError

    def body_limit(self, subject: str) -> int | None:
        """UTF-8 bytes the body of a message with ``subject`` may take here (None: no limit).

        Digests (:mod:`salesnb.notify.digest`) list only as many items as fit,
        so the channel never has to cut a message short.
        """
        return None

    def option(self, name: str, default: Any = None) -> Any:
        return self.channel.get(name, default)

    def int_option(self, name: str, default: int | None) -> int | None:
        return self.channel.get_int(name, default)

    def bool_option(self, name: str, default: bool) -> bool:
        return self.channel.get_bool(name, default)

    def choice_option(self, name: str, choices: tuple[str, ...]) -> str:
        """Option ``name`` (default: the first of ``choices``), refused when not one of them."""
        value = str(self.channel.get(name, choices[0]))
        if value not in choices:
            raise ConfigError("notify.option.choice", channel=repr(self.channel.name), option=name,
                              choices=", ".join(choices), value=repr(value))
        return value

    def url(self, default_base: str, path: str) -> str:
        """``base_url`` option (default ``default_base``, configurable for tests) joined with ``path``."""
        return str(self.channel.get("base_url", default_base)).rstrip("/") + path
