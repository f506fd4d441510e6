"""What EML and MSG share: the mail's text (subject, sender, date, body) and its attachments."""

from datetime import datetime

from ingest.formats.html import html_to_text
from ingest.records import Attachment, ExtractedText


def mail_text(subject: str | None, sender: str | None, sent: datetime | None, plain: str | None,
              html: str | bytes | None, attachments: list[Attachment]) -> ExtractedText:
    """Body from the plain part, else from the HTML part; a short German header block first."""
    body = plain if plain and plain.strip() else html_to_text(html or "")
    head = [subject or ""]
    if sender:
        head.append(f"Von: {sender}")
    if sent:
        head.append(f"Datum: {sent:%d.%m.%Y}")
    lines = (line.rstrip() for line in body.replace("\r\n", "\n").split("\n"))
    text = "\n".join([*head, "", *lines]).strip()
    return ExtractedText(text=text, pages=None, attachments=tuple(attachments))
