"""Sending mail over SMTP (Python's ``smtplib``), configured by Flask settings:

MAIL_SERVER (none: no mail is sent, the alert pages say so), MAIL_PORT (25), MAIL_USE_TLS (STARTTLS, ``0``/``1``),
MAIL_USE_SSL (SMTP over TLS, ``0``/``1``), MAIL_USERNAME and MAIL_PASSWORD (login, if set), MAIL_FROM (the sender).

    >>> with Mailer.from_config(app.config).connect() as smtp:
    ...     smtp.send_message(message)
"""

import logging
import smtplib
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

log = logging.getLogger(__name__)
TIMEOUT = 20  # seconds for the SMTP connection and each command
TRUE = ("1", "true", "yes", "on")


class MailError(Exception):
    """The SMTP server could not be reached or refused a message (the English reason is in ``str``)."""

    user_message = ("Die E-Mail konnte gerade nicht gesendet werden. Bitte versuchen Sie es später noch einmal.")


@dataclass(frozen=True)
class Mailer:
    server: str | None
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "antragsarchiv@localhost"

    @classmethod
    def from_config(cls, config) -> "Mailer":
        return cls(server=config.get("MAIL_SERVER") or None, port=int(config.get("MAIL_PORT") or 25),
                   use_tls=str(config.get("MAIL_USE_TLS", "0")).lower() in TRUE,
                   use_ssl=str(config.get("MAIL_USE_SSL", "0")).lower() in TRUE,
                   username=config.get("MAIL_USERNAME") or None, password=config.get("MAIL_PASSWORD") or None,
                   sender=config.get("MAIL_FROM") or "antragsarchiv@localhost")

    @property
    def configured(self) -> bool:
        return bool(self.server)

    def message(self, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
        """A mail from the archive: plain text, with an HTML alternative if given."""
        message = EmailMessage()
        message["From"] = formataddr(("Antragsarchiv", self.sender))
        message["To"] = to
        message["Subject"] = " ".join(subject.split())  # no line breaks in a header
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        return message

    @contextmanager
    def connect(self):
        """An SMTP connection, logged in if a user is set; ``MailError`` if it cannot be opened or a send fails."""
        if not self.configured:
            raise MailError("MAIL_SERVER is not set")
        try:
            smtp = self._open()
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot connect to SMTP server {self.server}:{self.port}: {exc}") from exc
        try:
            yield _Connection(smtp)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("SMTP quit failed: %s", exc)

    def _open(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.server, self.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(self.server, self.port, timeout=TIMEOUT)
            if self.use_tls:
                smtp.starttls(context=context)
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        """One message on its own connection."""
        with self.connect() as smtp:
            smtp.send_message(message)


class _Connection:
    def __init__(self, smtp: smtplib.SMTP):
        self._smtp = smtp

    def send_message(self, message: EmailMessage) -> None:
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP server refused the mail to {message['To']}: {exc}") from exc
