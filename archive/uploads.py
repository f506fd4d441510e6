"""Uploads: files staff send through the browser or the API, stored at once and parsed by the worker.

``accept`` runs in the request: it hashes the file, answers an exact duplicate (same sha256) with the
document already stored, checks by content that a parser can read it, and keeps the original as a draft
document (text status ``pending``) with an ``uploads`` row in state ``queued``, in one transaction. So the
file is safe before anything parses it, and the API can answer with the document's id.

``process`` runs in the worker: it claims the upload (``queued`` -> ``processing``, atomically, so that a job
queued twice runs once), parses the stored original in the sandbox (time and memory limits) and writes the
text, metadata and attachments into the draft (``done``), or the German reason into it (``failed``). A worker
killed in the middle leaves the upload ``processing``; ``requeue`` at the next start puts it back to
``queued``, and the job runs again from the stored original.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import ingest
from archive import audit, reuse
from archive.errors import ArchiveError
from archive.store import DRAFT, FAILED_PARSE, PENDING, Store, now
from archive.store.corrections import form_values, parse_correction
from archive.store.ingesting import log_failed_attachments, store_attachments

log = logging.getLogger(__name__)

QUEUED, PROCESSING, DONE, DUPLICATE, FAILED = "queued", "processing", "done", "duplicate", "failed"
LABELS = {QUEUED: "wartet", PROCESSING: "wird verarbeitet", DONE: "fertig", DUPLICATE: "Duplikat", FAILED: "Fehler"}
FINISHED = frozenset({DONE, DUPLICATE, FAILED})
WEB, API = "web", "api"
COLUMNS = ("id", "name", "size", "state", "document_id", "error", "account", "via", "created_at", "updated_at")



@dataclass(frozen=True)
class Upload:
    id: int
    name: str
    size: int
    state: str
    document_id: int | None
    error: str | None
    account: str | None
    via: str
    created_at: str
    updated_at: str

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "size": self.size, "state": self.state, "label": self.label,
                "document_id": self.document_id, "error": self.error, "created_at": self.created_at,
                "updated_at": self.updated_at}


def accept(store: Store, path: Path, name: str, account: str | None, via: str = WEB,
           given: dict | None = None) -> Upload:
    """Take a file the caller saved under a server-made name (it is copied into the originals and removed
    here): a duplicate upload names the existing document; a file no parser reads (by content) is a failed
    upload with the German reason, stored nowhere; any other file becomes a queued draft. ``given`` is
    metadata the client sent (checked by ``corrections.given_metadata``): it replaces what the worker reads
    from the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        sha = ingest.sha256_of(path)
        existing = store.document_id_for(sha)
        if existing and store.get(existing, with_text=False)["status"] != FAILED_PARSE:
            return _record(store, name, size, DUPLICATE, existing, None, account, via)
        try:
            fmt = ingest.detect_format(path)
        except ingest.IngestError as exc:
            log.info("upload %s rejected: %s", name, exc)
            return _record(store, name, size, FAILED, None, exc.for_user(), account, via)
        with store.transaction():
            doc_id = existing or store.insert_pending(path, sha, fmt, name)
            if existing:  # an earlier upload of the same bytes failed to parse: try again
                store.update_columns(doc_id, {"status": PENDING, "status_message": None, "updated_at": now()})
            upload = _insert(store, name, size, QUEUED, doc_id, None, account, via)
            if given:
                store.db.conn.execute("UPDATE uploads SET metadata = ? WHERE id = ?",
                                      [json.dumps(given, ensure_ascii=False), upload.id])
            audit.record(store.db.conn, account, audit.UPLOAD, document_id=doc_id, detail=f"via {via}")
        return upload
    finally:
        path.unlink(missing_ok=True)


def process(store: Store, upload_id: int, limits: ingest.Limits | None = None) -> Upload | None:
    """Parse one queued upload into its draft; None when it is not queued (done already, or claimed by
    another run)."""
    if not _claim(store, upload_id):
        return None
    upload = get(store, upload_id)
    doc = store.get(upload.document_id, with_text=False)
    path = store.original_path(doc["sha256"])
    [(_path, result)] = list(ingest.parse_many([path], limits or ingest.Limits(), workers=1))
    if isinstance(result, ingest.IngestError):
        log.warning("upload %s (%s) failed: %s", upload_id, upload.name, result)
        with store.transaction():
            store.update_columns(doc["id"], {"status": FAILED_PARSE, "status_message": result.for_user(),
                                          "updated_at": now()})
            _set(store, upload_id, FAILED, result.for_user())
        return get(store, upload_id)
    with store.transaction():
        row = store.replace_parsed(doc["id"], result)
        _apply_given(store, row, _given(store, upload_id))
        reuse.update(store.db.conn, {row["id"]: store.get(row["id"])}, [row["id"]])  # the staff warning, at once
        store_attachments(store, result, doc["id"], publication=DRAFT)
        _set(store, upload_id, DONE)
    log_failed_attachments(store, result)
    return get(store, upload_id)


def _given(store: Store, upload_id: int) -> dict:
    raw = store.db.execute("SELECT metadata FROM uploads WHERE id = ?", [upload_id]).fetchone()[0]
    return json.loads(raw) if raw else {}


def _apply_given(store: Store, row: dict, given: dict) -> None:
    """The metadata the uploader sent replaces what was read from the file (checked on upload already)."""
    if not given:
        return
    values = {**form_values(row), **given}
    store.update_columns(row["id"], parse_correction(values, row).row())


def requeue(store: Store) -> list[int]:
    """At a worker's start: uploads left ``processing`` by a killed worker go back to ``queued``; returns the
    ids of every queued upload, oldest first (to be handed to the queue again)."""
    with store.transaction():
        store.db.conn.execute("UPDATE uploads SET state = ?, updated_at = ? WHERE state = ?",
                              [QUEUED, now(), PROCESSING])
    return [row[0] for row in store.db.execute("SELECT id FROM uploads WHERE state = ? ORDER BY id", [QUEUED])]


def get(store: Store, upload_id: int) -> Upload:
    row = store.db.execute(f"SELECT {', '.join(COLUMNS)} FROM uploads WHERE id = ?", [upload_id]).fetchone()
    if row is None:
        raise ArchiveError(f"no upload {upload_id}")
    return Upload(*row)


def many(store: Store, ids: list[int]) -> list[Upload]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = store.db.execute(f"SELECT {', '.join(COLUMNS)} FROM uploads WHERE id IN ({marks}) ORDER BY id", ids)
    return [Upload(*row) for row in rows]


def recent(store: Store, limit: int = 50) -> list[Upload]:
    rows = store.db.execute(f"SELECT {', '.join(COLUMNS)} FROM uploads ORDER BY id DESC LIMIT ?", [limit])
    return [Upload(*row) for row in rows]


def _claim(store: Store, upload_id: int) -> bool:
    with store.transaction():
        cursor = store.db.conn.execute("UPDATE uploads SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                                       [PROCESSING, now(), upload_id, QUEUED])
    return cursor.rowcount == 1


def _set(store: Store, upload_id: int, state: str, error: str | None = None) -> None:
    store.db.conn.execute("UPDATE uploads SET state = ?, error = ?, updated_at = ? WHERE id = ?",
                          [state, error, now(), upload_id])


def _record(store: Store, *values) -> Upload:
    with store.transaction():
        upload = _insert(store, *values)
        audit.record(store.db.conn, values[5], audit.UPLOAD, document_id=values[3],
                     detail=f"via {values[6]}: {values[2]}")
    return upload


def _insert(store: Store, name: str, size: int, state: str, doc_id: int | None, error: str | None,
            account: str | None, via: str) -> Upload:
    stamp = now()
    cursor = store.db.conn.execute(
        "INSERT INTO uploads (name, size, state, document_id, error, account, via, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [name, size, state, doc_id, error, account, via, stamp, stamp])
    return get(store, cursor.lastrowid)
