"""Ingest a batch of files: hash, skip known ones, parse in parallel, store and index.

SQLite and the index are written per batch: the SQLite transaction commits
only after the index commit succeeded, so a failed write leaves nothing half
done. Every file gets an ``Outcome``; a bad file never stops the batch.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ingest
from archive.errors import ArchiveError
from archive.index import Index
from archive.store import Store, decoded_row

log = logging.getLogger(__name__)

ADDED, UNCHANGED, FAILED = "added", "unchanged", "failed"


@dataclass(frozen=True)
class Outcome:
    file: str
    status: str  # added | unchanged | failed
    id: int | None = None
    error: str | None = None  # German, for users
    detail: str | None = None  # English, for logs

    def as_json(self) -> dict:
        return {"file": self.file, "status": self.status, "id": self.id, "error": self.error}


def ingest_files(store: Store, index: Index, paths: Iterable[Path], *, workers: int | None = None,
                 batch_size: int = 50, limits: ingest.Limits | None = None,
                 names: dict[str, str] | None = None) -> Iterator[Outcome]:
    """Yield one Outcome per file, in completion order; ``names`` maps paths to display names."""
    fresh: list[Path] = []
    for path in paths:
        known = _known(store, path)
        if isinstance(known, Outcome):
            yield _logged(store, known)
        else:
            fresh.append(path)
    batch: list[ingest.ParsedDocument] = []
    for path, result in ingest.parse_many(fresh, limits or ingest.Limits(), workers):
        if isinstance(result, ingest.IngestError):
            log.warning("failed to parse %s: %s", path, result)
            yield _logged(store, Outcome(str(path), FAILED, error=result.for_user(), detail=str(result)))
            continue
        batch.append(result)
        if len(batch) >= batch_size:
            yield from _flush(store, index, batch, names)
            batch = []
    yield from _flush(store, index, batch, names)


def _known(store: Store, path: Path) -> Outcome | None:
    try:
        sha = ingest.sha256_of(path)
    except OSError as exc:
        return Outcome(str(path), FAILED, error="Datei nicht lesbar", detail=repr(exc))
    doc_id = store.document_id_for(sha)
    return Outcome(str(path), UNCHANGED, doc_id) if doc_id else None


def _flush(store: Store, index: Index, batch: list[ingest.ParsedDocument],
           names: dict[str, str] | None) -> Iterator[Outcome]:
    if not batch:
        return
    unique, duplicates = _split_duplicates(store, batch)
    try:
        with store.transaction():
            ids = store.insert_documents(unique, names=names)
            index.add(_rows(unique, ids))
    except (ArchiveError, OSError) as exc:
        log.error("batch of %d documents not stored: %r", len(unique), exc)
        message = exc.for_user() if isinstance(exc, ArchiveError) else "Speichern fehlgeschlagen"
        for doc in unique:
            yield _logged(store, Outcome(doc.path, FAILED, error=message, detail=repr(exc)), doc.sha256)
        unique, ids = [], []
    for doc, doc_id in zip(unique, ids, strict=True):
        yield _logged(store, Outcome(doc.path, ADDED, doc_id), doc.sha256)
    for doc in duplicates:
        yield _logged(store, Outcome(doc.path, UNCHANGED, store.document_id_for(doc.sha256)), doc.sha256)


def _split_duplicates(store: Store, batch: list[ingest.ParsedDocument]):
    unique, duplicates, seen = [], [], set()
    for doc in batch:
        if doc.sha256 in seen or store.document_id_for(doc.sha256):
            duplicates.append(doc)
        else:
            seen.add(doc.sha256)
            unique.append(doc)
    return unique, duplicates


def _rows(docs: list[ingest.ParsedDocument], ids: list[int]) -> list[dict]:
    return [decoded_row(doc, doc_id) for doc, doc_id in zip(docs, ids, strict=True)]


def _logged(store: Store, outcome: Outcome, sha256: str | None = None) -> Outcome:
    store.log(outcome.file, outcome.status, sha256, outcome.detail or outcome.error, outcome.id)
    return outcome
