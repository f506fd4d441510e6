"""E-mails (RFC 822 ``.eml``) via the standard library: body plus attachments, each parsed on its own."""

import email
import re
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from ingest.errors import CorruptFile
from ingest.formats import Parser, register
from ingest.formats.mail import mail_text
from ingest.records import Attachment, ExtractedText

_HEADER = re.compile(rb"^(from|to|cc|subject|date|message-id|mime-version|received|return-path|"
                     rb"delivered-to|reply-to|content-type|x-[\w-]+):[ \t]", re.IGNORECASE | re.MULTILINE)


def sniff(head: bytes, path: Path) -> bool:
    """At least three known mail headers before the first blank line, the first line being a header."""
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    first = block.split(b"\n", 1)[0]
    return bool(re.match(rb"^[\w-]+:[ \t]", first)) and len(_HEADER.findall(block)) >= 3


def parse(path: Path) -> ExtractedText:
    try:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        plain, html = _body(message)
        attachments = [_attachment(part, n) for n, part in enumerate(message.iter_attachments(), 1)]
    except (LookupError, ValueError, TypeError, IndexError) as exc:
        raise CorruptFile(f"corrupt e-mail: {exc!r}") from exc
    return mail_text(message.get("subject"), _sender(message), _date(message), plain, html,
                     [a for a in attachments if a.data])


def _body(message: EmailMessage) -> tuple[str | None, str | None]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (plain.get_content() if plain else None), (html.get_content() if html else None)


def _attachment(part: EmailMessage, number: int) -> Attachment:
    if part.get_content_type() == "message/rfc822":  # a forwarded mail: its bytes, parsed as a mail again
        inner = part.get_content()
        return Attachment(part.get_filename() or f"{inner.get('subject') or number}.eml", inner.as_bytes())
    return Attachment(part.get_filename() or f"anhang-{number}", part.get_payload(decode=True) or b"")


def _sender(message: EmailMessage) -> str | None:
    sender = message.get("from")
    if sender is None:
        return None
    addresses = getattr(sender, "addresses", ())
    return (addresses[0].display_name or addresses[0].addr_spec) if addresses else str(sender)


def _date(message: EmailMessage):
    value = message.get("date")
    try:
        return parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError):
        return None  # an unreadable Date header: the mail is still read


register(Parser("eml", sniff, parse))
