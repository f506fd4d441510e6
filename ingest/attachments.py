"""Attachments of a mail become documents of their own, parsed in the same sandboxed child.

Each attachment's bytes go to a temporary file, are detected and parsed like
any file (same time and memory limits: the child's), and come back as a
``ParsedDocument`` that carries its bytes in ``content`` for the store.
Only document formats are kept (images, signatures and calendar files are
skipped); a mail inside a mail is followed down to ``MAX_DEPTH``.
"""

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePath

from ingest import formats
from ingest.errors import FileTooLarge, IngestError, UnsupportedFormat
from ingest.records import Attachment, FailedAttachment, ParsedDocument

log = logging.getLogger(__name__)

MAX_DEPTH = 2  # a mail's attachment is depth 1, an attachment of a mail attached to it depth 2
FORMATS = {"docx", "pdf", "odt", "doc", "rtf", "txt", "eml", "msg"}
_TEXT_SUFFIXES = {".txt", ".md", ".text", ".csv"}


def parse_all(items: tuple[Attachment, ...], parent: str, depth: int, max_file_bytes: int,
              parse: Callable[..., ParsedDocument]) -> tuple[tuple[ParsedDocument, ...], tuple[FailedAttachment, ...]]:
    """Parse the attachments of the document at ``depth``; return the documents and the failures."""
    kept: list[ParsedDocument] = []
    failed: list[FailedAttachment] = []
    if items and depth >= MAX_DEPTH:
        log.info("%s: %d attachments below depth %d not read", parent, len(items), MAX_DEPTH)
        return (), ()
    for item in items:
        label = f"{parent}#{item.name}"
        try:
            doc = _parse_one(item, label, depth + 1, max_file_bytes, parse)
        except IngestError as exc:
            log.warning("attachment %s not read: %s", label, exc)
            failed.append(FailedAttachment(item.name, exc.for_user(), str(exc)))
            continue
        if doc is not None:
            kept.append(doc)
    return tuple(kept), tuple(failed)


def _parse_one(item: Attachment, label: str, depth: int, max_file_bytes: int,
               parse: Callable[..., ParsedDocument]) -> ParsedDocument | None:
    if len(item.data) > max_file_bytes:
        raise FileTooLarge(f"attachment {label} has {len(item.data)} bytes", "Anhang")
    suffix = PurePath(item.name).suffix.lower()[:10]
    with tempfile.TemporaryDirectory(prefix="anhang-") as tmp:
        path = Path(tmp) / f"anhang{suffix}"
        path.write_bytes(item.data)
        if not _wanted(path, suffix):
            log.info("attachment %s skipped: not a document format", label)
            return None
        return parse(path, label, max_file_bytes, depth, name=item.name, content=item.data)


def _wanted(path: Path, suffix: str) -> bool:
    with path.open("rb") as fh:
        head = fh.read(8192)
    try:
        parser = formats.detect(path, head)
    except UnsupportedFormat:
        return False
    return parser.name in FORMATS and (parser.name != "txt" or suffix in _TEXT_SUFFIXES)
