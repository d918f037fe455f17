"""SMTP e-mail: a multipart message with a plain-text and an HTML part.

Options: ``host``, ``port`` (default 25, or 465 with ``ssl``), ``sender``
(the From address), ``user`` and ``password`` (secret; login when set),
``starttls`` (default false), ``ssl`` (default false), ``timeout`` (seconds,
default 20), ``rate_per_minute``.  Recipients get the mail at their
``email``; cc users are put in Cc; attached files are attached.  The
Message-ID is derived from the dedup key, so a re-sent message is
recognisably the same mail.
"""

from __future__ import annotations

import hashlib
import html
import smtplib
import socket
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from ...notify.notifier import (
    InDoubt,
    Notification,
    Notifier,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from ..hookspecs import hookimpl
from .formatting import body_with_link, item_link


def build_email(notification: Notification, sender: str) -> EmailMessage:
    """The e-mail for ``notification``: plain text plus an escaped HTML alternative."""
    to = [formataddr((p.label, p.email)) for p in notification.recipients if p.email]
    cc = [formataddr((p.label, p.email)) for p in notification.cc if p.email]
    if not to and not cc:
        ids = ", ".join(p.user_id for p in notification.everyone) or "(none)"
        raise PermanentFailure(f"no recipient has an e-mail address (users: {ids})")
    message = EmailMessage()
    message["Subject"] = notification.subject or "salesnb"
    message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Date"] = formatdate(localtime=True)
    digest = hashlib.sha256(notification.dedup_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@salesnb>"
    message.set_content(body_with_link(notification))
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in notification.body.splitlines() if line.strip())
    link = item_link(notification)
    if link:
        paragraphs += f'<p><a href="{html.escape(link, quote=True)}">{html.escape(link)}</a></p>'
    message.add_alternative(
        f"<html><body><h3>{html.escape(notification.subject)}</h3>{paragraphs}</body></html>", subtype="html")
    for attachment in notification.attachments:
        maintype, _, subtype = (attachment.mime or "application/octet-stream").partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=attachment.filename)
    return message


class EmailNotifier(Notifier):
    type = "email"
    description = "SMTP e-mail (HTML + plain text) to users' email"
    required_options = ("host", "sender")

    def __init__(self, channel, context):
        super().__init__(channel, context)
        self.ssl = self.bool_option("ssl", False)
        self.starttls = self.bool_option("starttls", False)
        self.port = self.int_option("port", 465 if self.ssl else 25)
        self.timeout = float(self.int_option("timeout", 20) or 20)

    def send(self, notification: Notification) -> SendResult:
        message = build_email(notification, str(self.option("sender")))
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"cannot connect to SMTP server: {type(exc).__name__}: {exc}") from None
        try:
            self._login(smtp)
            try:
                refused = smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                raise PermanentFailure(f"all recipients refused: {sorted(exc.recipients)}") from None
            except smtplib.SMTPResponseException as exc:
                raise _by_code(exc) from None
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                raise InDoubt(f"SMTP connection lost while sending: {exc}") from None
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
        detail = f"ok (refused: {sorted(refused)})" if refused else "ok"
        return SendResult(self.channel.name, detail=detail)

    def _connect(self) -> smtplib.SMTP:
        host = str(self.option("host"))
        if self.ssl:
            return smtplib.SMTP_SSL(host, self.port, timeout=self.timeout)
        smtp = smtplib.SMTP(host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls()
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        user = self.option("user")
        if not user:
            return
        try:
            smtp.login(str(user), str(self.option("password", "")))
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentFailure(f"SMTP login refused ({exc.smtp_code})") from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentFailure("SMTP server does not offer AUTH (set starttls = true?)") from None
        except (smtplib.SMTPException, socket.timeout, OSError) as exc:
            raise TemporaryFailure(f"SMTP login failed: {type(exc).__name__}") from None


def _by_code(exc: smtplib.SMTPResponseException) -> Exception:
    reason = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
    if 400 <= exc.smtp_code < 500:
        return TemporaryFailure(reason, code=exc.smtp_code)
    return PermanentFailure(reason, code=exc.smtp_code)


@hookimpl
def salesnb_channel_types():
    return [EmailNotifier]
