"""Ingest a batch of files: hash, skip known ones, parse in parallel, store and index.

SQLite is written per batch, and the index after it from the outbox (``archive.indexing``): a crash between
the two leaves stored rows whose index entries the next sync writes, never index entries without rows. Every
file gets an ``Outcome``; a bad file never stops the batch. Documents are stored published (``flask ingest``)
or as drafts (``--draft``), which reach the index only once an editor publishes them.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ingest
from archive import indexing, reuse
from archive.engine import Engines
from archive.errors import ArchiveError
from archive.store import PUBLISHED, Store, decoded_row

log = logging.getLogger(__name__)

ADDED, UNCHANGED, FAILED, UPDATED = "added", "unchanged", "failed", "updated"


@dataclass(frozen=True)
class Outcome:
    file: str
    status: str  # added | unchanged | failed (reprocess: updated | unchanged | failed)
    id: int | None = None
    error: str | None = None  # German, for users
    detail: str | None = None  # English, for logs
    attachments: tuple[int, ...] = ()  # ids of the documents stored from a mail's attachments

    def as_json(self) -> dict:
        out = {"file": self.file, "status": self.status, "id": self.id, "error": self.error}
        if self.attachments:
            out["attachments"] = list(self.attachments)
        return out


@dataclass(frozen=True)
class Stored:
    """One file written to SQLite: its document id, its attachments' ids, the rows for the index."""

    id: int
    attachments: tuple[int, ...]
    rows: tuple[dict, ...]


def ingest_files(store: Store, index: Engines, paths: Iterable[Path], *, workers: int | None = None,
                 batch_size: int = 50, limits: ingest.Limits | None = None,
                 names: dict[str, str] | None = None, publication: str = PUBLISHED) -> Iterator[Outcome]:
    """Yield one Outcome per file, in completion order; ``names`` maps paths to display names."""
    fresh: list[Path] = []
    for path in paths:
        known = _known(store, path)
        if isinstance(known, Outcome):
            yield _logged(store, known, names=names)
        else:
            fresh.append(path)
    batch: list[ingest.ParsedDocument] = []
    for path, result in ingest.parse_many(fresh, limits or ingest.Limits(), workers):
        if isinstance(result, ingest.IngestError):
            log.warning("failed to parse %s: %s", path, result)
            yield _logged(store, Outcome(str(path), FAILED, error=result.for_user(), detail=str(result)), names=names)
            continue
        batch.append(result)
        if len(batch) >= batch_size:
            yield from _flush(store, index, batch, names, publication)
            batch = []
    yield from _flush(store, index, batch, names, publication)


def _known(store: Store, path: Path) -> Outcome | None:
    try:
        sha = ingest.sha256_of(path)
    except OSError as exc:
        return Outcome(str(path), FAILED, error="Datei nicht lesbar", detail=repr(exc))
    doc_id = store.document_id_for(sha)
    return Outcome(str(path), UNCHANGED, doc_id) if doc_id else None


def _flush(store: Store, index: Engines, batch: list[ingest.ParsedDocument],
           names: dict[str, str] | None, publication: str) -> Iterator[Outcome]:
    if not batch:
        return
    unique, duplicates = _split_duplicates(store, batch)
    try:
        with store.transaction():
            stored = [store_tree(store, doc, (names or {}).get(doc.path), publication=publication)
                      for doc in unique]
    except (ArchiveError, OSError) as exc:
        log.error("batch of %d documents not stored: %r", len(unique), exc)
        message = exc.for_user() if isinstance(exc, ArchiveError) else "Speichern fehlgeschlagen"
        for doc in unique:
            yield _logged(store, Outcome(doc.path, FAILED, error=message, detail=repr(exc)), doc.sha256, names)
        unique, stored = [], []
    _sync(store, index)
    if publication != PUBLISHED:  # drafts reach no index, but staff see their text reuse at once
        rows = {row["id"]: row for item in stored for row in item.rows}
        reuse.update(store.db.conn, rows, list(rows))
    for doc, item in zip(unique, stored, strict=True):
        log_failed_attachments(store, doc)
        yield _logged(store, Outcome(doc.path, ADDED, item.id, attachments=item.attachments), doc.sha256, names)
    for doc in duplicates:
        yield _logged(store, Outcome(doc.path, UNCHANGED, store.document_id_for(doc.sha256)), doc.sha256, names)


def _sync(store: Store, index: Engines) -> None:
    """Index what the batch stored; on failure the rows stay queued for the next sync (stored is stored)."""
    try:
        indexing.sync(store, index)
    except ArchiveError as exc:
        log.error("index not updated, %d documents stay queued: %r", store.queue_length(), exc)


def _split_duplicates(store: Store, batch: list[ingest.ParsedDocument]):
    unique, duplicates, seen = [], [], set()
    for doc in batch:
        if doc.sha256 in seen or store.document_id_for(doc.sha256):
            duplicates.append(doc)
        else:
            seen.add(doc.sha256)
            unique.append(doc)
    return unique, duplicates


def store_tree(store: Store, doc: ingest.ParsedDocument, name: str | None = None,
               parent_id: int | None = None, publication: str = PUBLISHED) -> Stored:
    """Insert a document and, linked to it by ``parent_id``, its attachments not yet stored."""
    doc_id = store.insert_document(doc, parent_id=parent_id, name=name, publication=publication)
    return Stored(doc_id, *store_attachments(store, doc, doc_id, (decoded_row(doc, doc_id, parent_id),),
                                             publication))


def store_attachments(store: Store, doc: ingest.ParsedDocument, doc_id: int, rows: tuple[dict, ...] = (),
                      publication: str = PUBLISHED) -> tuple[tuple[int, ...], tuple[dict, ...]]:
    """Insert ``doc``'s attachments below ``doc_id`` (in the parent's publication state); an attachment
    already stored keeps its place."""
    ids: list[int] = []
    for attachment in doc.attachments:
        if store.document_id_for(attachment.sha256):
            log.info("attachment %s already stored", attachment.path)
            continue
        child = store_tree(store, attachment, parent_id=doc_id, publication=publication)
        ids.append(child.id)
        rows += child.rows
    return tuple(ids), rows


def log_failed_attachments(store: Store, doc: ingest.ParsedDocument) -> None:
    """Attachments that could not be read go to the import log, which staff see."""
    for failed in doc.failed_attachments:
        store.log(f"{doc.path}#{failed.name}", FAILED, None, f"{failed.error} ({failed.detail})")
    for attachment in doc.attachments:
        log_failed_attachments(store, attachment)


def _logged(store: Store, outcome: Outcome, sha256: str | None = None, names: dict[str, str] | None = None) -> Outcome:
    """Log the outcome under the file's display name (``names``), else its path."""
    name = (names or {}).get(outcome.file, outcome.file)
    store.log(name, outcome.status, sha256, outcome.detail or outcome.error, outcome.id)
    return outcome
