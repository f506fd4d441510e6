"""Receiving uploaded files (the upload page and ``POST /api/documents``): each is saved under a name the
server makes (a uuid plus a suffix from a fixed list, never the name the client sent), handed to
``archive.uploads.accept`` (duplicate, rejected, or a queued draft) and its parse queued on the worker."""

import uuid
from pathlib import Path, PurePath

from flask import current_app

from archive import uploads
from web import security
from web.context import get_archive, get_worker

# What the file picker offers; the server still detects the real type by content.
ALLOWED_SUFFIXES = (".pdf", ".docx", ".odt", ".doc", ".rtf", ".txt", ".md", ".html", ".htm", ".eml", ".msg")
ACCEPT = ",".join((*ALLOWED_SUFFIXES, "application/pdf", "text/plain", "text/html", "message/rfc822",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "application/vnd.oasis.opendocument.text", "application/msword", "application/rtf"))


def _suffix(filename: str) -> str:
    suffix = PurePath(filename.replace("\\", "/")).suffix.lower()
    return suffix if suffix in ALLOWED_SUFFIXES else ".bin"


def display_name(filename: str) -> str:
    """The browser's file name, for display only (escaped by the template), never a path."""
    return PurePath(filename.replace("\\", "/")).name[:200] or "Datei"


def accept_uploads(files, via: str, given: dict | None = None) -> list[uploads.Upload]:
    """Accept each file and queue the parse of the new ones; the uploads as they stand afterwards (inline
    mode: parsed already), in upload order."""
    folder = Path(current_app.config["ARCHIVE_DIR"]) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    store, worker = get_archive().store, get_worker()
    account = security.account_name() or (f"token:{security.api_token_name()}" if via == uploads.API else None)
    accepted = []
    for storage in files:
        path = folder / (uuid.uuid4().hex + _suffix(storage.filename))
        storage.save(path)
        upload = uploads.accept(store, path, display_name(storage.filename), account, via, given)
        if upload.state == uploads.QUEUED:
            worker.parse(upload)
        accepted.append(upload.id)
    return uploads.many(store, accepted)
