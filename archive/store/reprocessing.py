"""Parse stored documents again from their originals (``flask reprocess``).

Documents stored with status ``no-text`` (a scan while OCR was not available)
are read again; those that now have text are updated in SQLite and the index,
keeping their id, and attachments not stored before are added. With ``everything``
every document is read again and updated where its text, metadata or the extraction's confidence came out
differently (after the extractors improved); metadata staff reviewed is kept, with its confidence.
Each document is committed on its own, SQLite first and then the index from the outbox, like an ingest batch.
"""

import logging
from collections.abc import Iterator

import ingest
from archive import indexing
from archive.engine import Engines
from archive.errors import ArchiveError
from archive.store import EXTRACTION_RECORD, Store, decoded_row
from archive.store.corrections import REVIEWED_COLUMNS
from archive.store.ingesting import FAILED, UNCHANGED, UPDATED, Outcome, log_failed_attachments, store_attachments

log = logging.getLogger(__name__)


def reprocess(store: Store, index: Engines, status: str, *, workers: int | None = None,
              limits: ingest.Limits | None = None, everything: bool = False) -> Iterator[Outcome]:
    """Yield one Outcome per document with ``status`` (with ``everything``: per document): updated,
    unchanged (same status again; with ``everything``: same text and metadata) or failed."""
    ids = store.all_ids() if everything else store.ids_with_status(status)
    by_path = {store.original_path(store.get(doc_id, with_text=False)["sha256"]): doc_id for doc_id in ids}
    for path, result in ingest.parse_many(list(by_path), limits or ingest.Limits(), workers):
        doc_id = by_path[path]
        stored = store.get(doc_id, with_text=everything)  # the text only when it is compared
        name = stored["original_name"]
        if isinstance(result, ingest.IngestError):
            log.warning("reprocessing document %s failed: %s", doc_id, result)
            yield _logged(store, Outcome(name, FAILED, doc_id, result.for_user(), str(result)), path)
        elif not _differs(stored, result, everything):
            yield Outcome(name, UNCHANGED, doc_id)
        else:
            yield _logged(store, _update(store, index, doc_id, name, result), path)


def _differs(stored: dict, parsed: ingest.ParsedDocument, everything: bool) -> bool:
    """Whether a new parse changes the document: its status; with ``everything`` also its text and the
    metadata nobody reviewed, with its confidence (recorded for documents stored before there was one)."""
    if not everything:
        return parsed.status != stored["status"]
    fresh = decoded_row(parsed, stored["id"])
    columns = ["text", "status", "status_message", "pages"]
    if not stored["reviewed_at"]:
        columns += [*sorted(REVIEWED_COLUMNS), *EXTRACTION_RECORD]
    return any(fresh[column] != stored[column] for column in columns)


def _update(store: Store, index: Engines, doc_id: int, name: str, doc: ingest.ParsedDocument) -> Outcome:
    try:
        with store.transaction():
            row = store.replace_parsed(doc_id, doc)
            attachment_ids, _rows = store_attachments(store, doc, doc_id, (row,), row["publication"])
        indexing.sync(store, index)
    except (ArchiveError, OSError) as exc:
        log.error("document %s not updated: %r", doc_id, exc)
        message = exc.for_user() if isinstance(exc, ArchiveError) else "Speichern fehlgeschlagen"
        return Outcome(name, FAILED, doc_id, message, repr(exc))
    log_failed_attachments(store, doc)
    return Outcome(name, UPDATED, doc_id, attachments=attachment_ids)


def _logged(store: Store, outcome: Outcome, path) -> Outcome:
    store.log(str(path), outcome.status, None, outcome.detail or outcome.error, outcome.id)
    return outcome
