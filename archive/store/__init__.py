"""SQLite, through sqlite-utils: the source of truth.

Tables: ``documents`` (metadata, text, status; ``parent_id`` links a mail's
attachment to the mail), ``files`` (one row per
original, content-addressed by sha256) and ``ingest_log`` (one row per
file seen by an ingest run).

A document keeps how sure the extraction was of each metadata field (``confidence``, JSON: field -> 0..1, and
``min_confidence``, the lowest of them) as the extraction's record: staff reviewing the metadata do not change it.
"""

import json
import math
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from archive import audit, reuse
from archive.errors import BadRequest, NotFound
from archive.store.corrections import REVIEWED_COLUMNS, STAFF_ONLY
from archive.store.rows import metadata_columns
from ingest import ParsedDocument
from ingest.records import CONFIDENCE_FIELDS, UNSURE

DOCUMENT_COLUMNS = {
    "id": int,
    "sha256": str,
    "title": str,
    "doc_type": str,
    "date": str,
    "year": int,
    "municipality": str,
    "municipality_ars": str,
    "district": str,
    "district_ars": str,
    "state": str,
    "party": str,
    "parties": str,
    "faction": str,
    "topics": str,
    "text": str,
    "pages": int,
    "chars": int,
    "format": str,
    "status": str,
    "original_name": str,
    "added_at": str,
    "updated_at": str,
    "status_message": str,
    "ocr": int,
    "ocr_confidence": float,
    "parent_id": int,
    "reviewed_at": str,
    "edited_fields": str,
    "confidence": str,
    "min_confidence": float,
    "publication": str,
    "muster": int,  # 1: staff marked it a template for other towns (``muster:ja``); decoded as a bool
}
# columns added after the first release: an older store gets them on opening
ADDED_COLUMNS = ("status_message", "ocr", "ocr_confidence", "parent_id", "reviewed_at", "edited_fields",
                 "confidence", "min_confidence", "publication", "muster")
# publication states (column ``publication``): a draft waits for an editor; withdrawn documents are kept but
# hidden. Only published documents reach the index, so search, facets, suggestions and all built on it show no other.
DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
STATES = {DRAFT: "Entwurf", PUBLISHED: "Veröffentlicht", WITHDRAWN: "Zurückgezogen"}
# text status of a document stored on upload whose file the worker has not parsed yet
PENDING, FAILED_PARSE = "pending", "failed"
JSON_COLUMNS = ("parties", "topics", "edited_fields")  # JSON lists
JSON_OBJECT_COLUMNS = ("confidence",)
# what a new parse of a reviewed document keeps: the confidence of the extraction staff reviewed
EXTRACTION_RECORD = ("confidence", "min_confidence")
# the review queue's orders: newest first, or the least certain extraction first (documents stored before
# confidence was recorded last), newest first among equals; each one scan of a partial index
QUEUE_ORDER = "added_at DESC, id DESC"
UNSURE_ORDER = "min_confidence IS NULL, min_confidence, added_at DESC, id DESC"
# fields a document can lack, as SQL conditions (the review queue shows the gaps first on request)
MISSING = {
    "date": "date IS NULL",
    "municipality": "(municipality_ars IS NULL AND district_ars IS NULL)",
    "party": "party IS NULL",
    "topics": "(topics IS NULL OR topics = '[]')",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "txt": "txt", "odt": "odt", "doc": "doc", "rtf": "rtf", "html": "html",
              "eml": "eml", "msg": "msg"}


# files sent by staff, parsed by the worker (archive.uploads)
UPLOADS_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    document_id INTEGER,
    error TEXT,
    account TEXT,
    via TEXT NOT NULL,
    metadata TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_unfinished ON uploads (id) WHERE state IN ('queued', 'processing');
"""


MAX_ID = 2**63 - 1  # SQLite's largest integer
_PREPARED: set[tuple[Path, int]] = set()  # databases whose schema this process has checked


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The SQLite database and the folder of originals under one root."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.originals = self.root / "originals"
        conn = sqlite3.connect(self.root / "archive.db", timeout=30, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA synchronous=NORMAL")
        key = (self.root.resolve(), (self.root / "archive.db").stat().st_ino)
        if key not in _PREPARED:  # tables, indexes and WAL mode once per database and process
            self.db.execute("PRAGMA journal_mode=WAL")
            self._create_tables()
            _PREPARED.add(key)

    def close(self) -> None:
        self.db.conn.close()

    def _create_tables(self) -> None:
        docs = self.db.table("documents")
        if not docs.exists():
            docs.create(DOCUMENT_COLUMNS, pk="id", not_null={"sha256", "doc_type", "status"})
            docs.create_index(["sha256"], unique=True)
            docs.create_index(["date"])
        for column in ADDED_COLUMNS:
            if column not in docs.columns_dict:
                docs.add_column(column, DOCUMENT_COLUMNS[column])
        if not any(index.columns == ["status"] for index in docs.indexes):
            docs.create_index(["status"])
        self.db.execute("CREATE INDEX IF NOT EXISTS documents_publication ON documents (publication, id)")
        # stores from before publication states: everything in them was public
        self.db.execute("UPDATE documents SET publication = ? WHERE publication IS NULL", [PUBLISHED])
        self.db.conn.commit()
        # the index's outbox: documents whose index entry must be written or removed (``seq`` orders requests
        # so that one made while a drain runs survives it)
        self.db.execute("CREATE TABLE IF NOT EXISTS index_queue (doc_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)")
        # the review queue, newest first, without a scan (partial: reviewed documents leave it)
        self.db.execute("CREATE INDEX IF NOT EXISTS documents_unreviewed ON documents (added_at, id) "
                        "WHERE reviewed_at IS NULL")
        self.db.execute("CREATE INDEX IF NOT EXISTS documents_reviewed ON documents (reviewed_at) "
                        "WHERE reviewed_at IS NOT NULL")
        # the review queue, least certain first (ORDER BY UNSURE_ORDER; also counts the uncertain ones)
        self.db.execute("CREATE INDEX IF NOT EXISTS documents_unreviewed_unsure ON documents "
                        "(min_confidence IS NULL, min_confidence, added_at DESC, id DESC) WHERE reviewed_at IS NULL")
        files = self.db.table("files")
        if not files.exists():
            files.create(
                {"sha256": str, "size": int, "format": str, "stored_path": str, "original_name": str, "added_at": str},
                pk="sha256",
            )
        audit.create_table(self.db.conn)
        self.db.conn.executescript(UPLOADS_SCHEMA)
        reuse.create_tables(self.db.conn)
        log = self.db.table("ingest_log")
        if not log.exists():
            log.create(
                {"id": int, "at": str, "file": str, "sha256": str, "status": str, "error": str, "document_id": int},
                pk="id",
            )

    # -- reading -------------------------------------------------------

    def document_id_for(self, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

    def get(self, doc_id: int, with_text: bool = True) -> dict:
        if not 0 < doc_id <= MAX_ID:  # beyond SQLite's integers: no such document (not an OverflowError)
            raise NotFound(f"no document {doc_id}")
        cols = [c for c in DOCUMENT_COLUMNS if with_text or c != "text"]
        row = self.db.execute(f"SELECT {', '.join(cols)} FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise NotFound(f"no document {doc_id}")
        return _decode(dict(zip(cols, row, strict=True)))

    def all_ids(self) -> list[int]:
        return [row[0] for row in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def ids_with_status(self, status: str) -> list[int]:
        return [row[0] for row in self.db.execute("SELECT id FROM documents WHERE status = ? ORDER BY id", [status])]

    def attachment_ids(self, parent_id: int) -> list[int]:
        return [row[0] for row in self.db.execute("SELECT id FROM documents WHERE parent_id = ? ORDER BY id",
                                                  [parent_id])]

    def get_many(self, ids: list[int], with_text: bool = False) -> dict[int, dict]:
        if not ids:
            return {}
        cols = [c for c in DOCUMENT_COLUMNS if with_text or c != "text"]
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT {', '.join(cols)} FROM documents WHERE id IN ({marks})", ids)
        return {row[0]: _decode(dict(zip(cols, row, strict=True))) for row in rows}

    def texts(self, ids: list[int], max_chars: int) -> dict[int, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = f"SELECT id, substr(text, 1, ?) FROM documents WHERE id IN ({marks})"
        return dict(self.db.execute(sql, [max_chars, *ids]).fetchall())

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def titles(self) -> Iterator[str]:
        """Every published document's title (the suggestions' words); one pass over the table, titles only."""
        sql = "SELECT title FROM documents WHERE title IS NOT NULL AND publication = ?"
        for (title,) in self.db.execute(sql, [PUBLISHED]):
            yield title

    def iter_documents(self, batch: int = 500, publication: str | None = None) -> Iterator[list[dict]]:
        """All documents (or those in one ``publication`` state) with text, in id order, ``batch`` rows at a
        time (bounded memory)."""
        last = 0
        cols = list(DOCUMENT_COLUMNS)
        where = "" if publication is None else " AND publication = ?"
        while True:
            sql = f"SELECT {', '.join(cols)} FROM documents WHERE id > ?{where} ORDER BY id LIMIT ?"
            args = [last] if publication is None else [last, publication]
            rows = self.db.execute(sql, [*args, batch]).fetchall()
            if not rows:
                return
            yield [_decode(dict(zip(cols, row, strict=True))) for row in rows]
            last = rows[-1][0]

    def file_for(self, sha256: str) -> dict:
        row = self.db.execute("SELECT * FROM files WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise NotFound(f"no file {sha256}")
        return dict(zip(["sha256", "size", "format", "stored_path", "original_name", "added_at"], row, strict=True))

    def original_path(self, sha256: str) -> Path:
        return self.root / self.file_for(sha256)["stored_path"]

    def distinct(self, column: str, pair: str | None = None) -> list[tuple]:
        cols = f"{column}, {pair}" if pair else column
        sql = f"SELECT DISTINCT {cols} FROM documents WHERE {column} IS NOT NULL"
        return self.db.execute(sql).fetchall()

    # -- writing -------------------------------------------------------

    def ids_changed_since(self, since: str) -> list[int]:
        """Published documents added or changed (``updated_at``) at or after the ISO time ``since`` (UTC)."""
        sql = "SELECT id FROM documents WHERE publication = ? AND updated_at >= ?"
        return [row[0] for row in self.db.execute(sql, [PUBLISHED, since])]

    def published_ids(self) -> list[int]:
        sql = "SELECT id FROM documents WHERE publication = ? ORDER BY id"
        return [row[0] for row in self.db.execute(sql, [PUBLISHED])]

    def insert_documents(self, docs: Iterable[ParsedDocument], keep_originals: bool = True,
                         names: dict[str, str] | None = None) -> list[int]:
        """Insert documents and copy their originals; call inside ``transaction()``.

        ``keep_originals=False`` records no original file (synthetic benchmark data);
        ``names`` maps a document's path to the file name to show (uploads are saved under generated names).

        Plain SQL on purpose: sqlite-utils' ``insert`` commits on its own,
        and a batch must be committed whole or not at all.
        """
        return [self.insert_document(doc, keep_original=keep_originals, name=(names or {}).get(doc.path))
                for doc in docs]

    def insert_document(self, doc: ParsedDocument, parent_id: int | None = None, keep_original: bool = True,
                        name: str | None = None, publication: str = PUBLISHED) -> int:
        """Insert one document (not its attachments) and its original; call inside ``transaction()``.
        A published one is queued for the index (``queue_index``)."""
        stored = self._keep_original(doc) if keep_original else ""
        name = name or doc.display_name
        file_row = {"sha256": doc.sha256, "size": doc.size, "format": doc.format, "stored_path": stored,
                    "original_name": name, "added_at": now()}
        _insert(self.db.conn, "files", file_row, replace=True)
        row = {**document_row(doc, parent_id), "original_name": name, "publication": publication}
        doc_id = _insert(self.db.conn, "documents", row)
        if publication == PUBLISHED:
            self.queue_index([doc_id])
        return doc_id

    def insert_pending(self, path: Path, sha256: str, fmt: str, name: str) -> int:
        """Store an uploaded file as a draft whose text the worker reads later (text status ``pending``): its
        original is kept at once, so the upload is safe before it is parsed. Call inside ``transaction()``."""
        ext = EXTENSIONS.get(fmt, "bin")
        rel = self._keep_file(path, sha256, ext)
        stamp = now()
        _insert(self.db.conn, "files", {"sha256": sha256, "size": path.stat().st_size, "format": fmt,
                                        "stored_path": rel, "original_name": name, "added_at": stamp}, replace=True)
        row = {"sha256": sha256, "doc_type": "sonstiges", "title": name, "format": fmt, "status": PENDING,
               "original_name": name, "added_at": stamp, "updated_at": stamp, "publication": DRAFT, "text": "",
               "chars": 0, "parties": "[]", "topics": "[]", "edited_fields": "[]"}
        return _insert(self.db.conn, "documents", row)

    def set_publication(self, doc_id: int, publication: str) -> None:
        """Publish, withdraw or make a draft of one document and queue its index entry; call inside
        ``transaction()``."""
        if publication not in STATES:
            raise ValueError(f"unknown publication state {publication!r}")
        self._update(doc_id, {"publication": publication, "updated_at": now()})
        self.queue_index([doc_id])

    def delete_tree(self, doc_id: int) -> tuple[list[int], list[Path]]:
        """Delete a document and its attachments: their rows, file rows, uploads and import-log lines, queueing the
        removal of their index entries. Call inside ``transaction()``; returns the ids and the original files,
        which the caller deletes from disk once the transaction committed."""
        ids = self._tree(doc_id)
        marks = ",".join("?" * len(ids))
        shas = [row[0] for row in self.db.execute(f"SELECT sha256 FROM documents WHERE id IN ({marks})", ids)]
        smarks = ",".join("?" * len(shas))
        paths = [self.root / row[0] for row in
                 self.db.execute(f"SELECT stored_path FROM files WHERE sha256 IN ({smarks})", shas) if row[0]]
        conn = self.db.conn
        conn.execute(f"DELETE FROM ingest_log WHERE document_id IN ({marks}) OR sha256 IN ({smarks})", ids + shas)
        conn.execute(f"DELETE FROM uploads WHERE document_id IN ({marks})", ids)
        conn.execute(f"DELETE FROM documents WHERE id IN ({marks})", ids)
        conn.execute(f"DELETE FROM files WHERE sha256 IN ({smarks})", shas)
        reuse.forget(conn, ids)  # no pair may name a deleted document, not even until the next index sync
        reuse.forget_cached(conn, ids)
        self.queue_index(ids)
        return ids, paths

    def _tree(self, doc_id: int) -> list[int]:
        self.get(doc_id, with_text=False)  # NotFound for an unknown id
        ids, todo = [], [doc_id]
        while todo:
            current = todo.pop()
            ids.append(current)
            todo.extend(self.attachment_ids(current))
        return ids

    # -- the index's outbox --------------------------------------------

    def queue_index(self, ids: Iterable[int]) -> None:
        """Ask for the index entries of ``ids`` to be brought in line with SQLite (written for a published
        document, removed otherwise); committed with the caller's transaction, so a crash can leave a
        row whose index entry is pending, never an index entry without its row."""
        conn = self.db.conn
        for doc_id in ids:
            conn.execute("INSERT INTO index_queue (doc_id, seq) VALUES (?, "
                         "(SELECT coalesce(max(seq), 0) + 1 FROM index_queue)) "
                         "ON CONFLICT(doc_id) DO UPDATE SET seq = excluded.seq", [doc_id])

    def queued(self, limit: int = 500) -> tuple[int, list[int]]:
        """The outbox's oldest ``limit`` requests: the highest ``seq`` among them and their document ids."""
        rows = self.db.execute("SELECT doc_id, seq FROM index_queue ORDER BY seq LIMIT ?", [limit]).fetchall()
        return (max((seq for _id, seq in rows), default=0), [doc_id for doc_id, _seq in rows])

    def dequeue(self, ids: list[int], upto: int) -> None:
        """Drop the requests for ``ids`` made up to ``upto`` (a newer request for one of them stays)."""
        with self.db.conn:
            self.db.conn.executemany("DELETE FROM index_queue WHERE doc_id = ? AND seq <= ?",
                                     [(doc_id, upto) for doc_id in ids])

    def last_queued(self) -> int:
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM index_queue").fetchone()[0]

    def queue_length(self) -> int:
        return self.db.execute("SELECT count(*) FROM index_queue").fetchone()[0]

    def replace_parsed(self, doc_id: int, doc: ParsedDocument) -> dict:
        """Overwrite a document's text, metadata and status from a new parse of its original; keep its
        id, name, parent and the time it was added, and all of its metadata once staff reviewed it (with the
        confidence of the extraction they reviewed). Returns the row as ``get`` would."""
        row = document_row(doc)
        for key in ("sha256", "original_name", "added_at", "parent_id"):
            row.pop(key)
        self.queue_index([doc_id])
        if self.get(doc_id, with_text=False)["reviewed_at"]:  # staff confirmed the metadata: theirs now
            for column in (*REVIEWED_COLUMNS, *EXTRACTION_RECORD):
                row.pop(column)
        self._update(doc_id, row)
        return self.get(doc_id)

    def correct(self, doc_id: int, changes: dict, edited: Iterable[str]) -> dict:
        """Store staff-confirmed metadata (``changes``: column -> value) and mark the document reviewed, which
        makes reprocessing keep it; the form fields staff changed (``edited``) are listed in ``edited_fields``
        (what the extraction got wrong); the extraction's ``confidence`` stays as it was. Call inside
        ``transaction()``. Returns the row as ``get`` would."""
        fields = sorted({*self.get(doc_id, with_text=False)["edited_fields"],
                         *(field for field in edited if field not in STAFF_ONLY)})
        stamp = now()
        self._update(doc_id, {**changes, "reviewed_at": stamp, "updated_at": stamp,
                              "edited_fields": json.dumps(fields)})
        self.queue_index([doc_id])
        return self.get(doc_id)

    def unreviewed(self, limit: int, offset: int = 0, missing: str | None = None,
                   unsure_first: bool = False) -> tuple[int, list[dict]]:
        """How many documents no staff member has reviewed yet, and a page of them, newest first; ``missing``
        (a key of ``MISSING``) keeps only those without that field; ``unsure_first`` orders them by
        ``min_confidence``, least certain first (those stored before confidence was recorded last)."""
        if missing is not None and missing not in MISSING:
            raise BadRequest(f"Unbekannte Angabe: {missing!r} (erlaubt: {', '.join(MISSING)})")
        where = "reviewed_at IS NULL" + (f" AND {MISSING[missing]}" if missing else "")
        total = self.db.execute(f"SELECT count(*) FROM documents WHERE {where}").fetchone()[0]
        cols = [c for c in DOCUMENT_COLUMNS if c != "text"]
        order = UNSURE_ORDER if unsure_first else QUEUE_ORDER
        sql = f"SELECT {', '.join(cols)} FROM documents WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        rows = self.db.execute(sql, [limit, offset]).fetchall()
        return total, [_decode(dict(zip(cols, row, strict=True))) for row in rows]

    def unreviewed_unsure(self) -> int:
        """How many unreviewed documents have a field the extraction was unsure of (below ``UNSURE``)."""
        sql = "SELECT count(*) FROM documents WHERE reviewed_at IS NULL AND min_confidence < ?"
        return self.db.execute(sql, [UNSURE]).fetchone()[0]

    def unreviewed_missing(self) -> dict[str, int]:
        """Per key of ``MISSING``: how many unreviewed documents lack that field."""
        sums = ", ".join(f"sum({condition})" for condition in MISSING.values())
        row = self.db.execute(f"SELECT {sums} FROM documents WHERE reviewed_at IS NULL").fetchone()
        return {key: count or 0 for key, count in zip(MISSING, row, strict=True)}

    def review_stats(self) -> tuple[int, dict[str, int]]:
        """How many documents staff reviewed, and per form field how many of them they corrected."""
        reviewed = self.db.execute("SELECT count(*) FROM documents WHERE reviewed_at IS NOT NULL").fetchone()[0]
        sql = ("SELECT field.value, count(*) FROM documents, json_each(documents.edited_fields) AS field "
               "WHERE documents.reviewed_at IS NOT NULL GROUP BY field.value")
        return reviewed, dict(self.db.execute(sql).fetchall())

    def update_columns(self, doc_id: int, row: dict) -> None:
        """Set columns of one document (no checks: for the archive package's own writers); call inside
        ``transaction()``."""
        self._update(doc_id, row)

    def _update(self, doc_id: int, row: dict) -> None:
        assignments = ", ".join(f"{key} = ?" for key in row)
        self.db.conn.execute(f"UPDATE documents SET {assignments} WHERE id = ?", [*row.values(), doc_id])

    def log(self, file: str, status: str, sha256: str | None = None, error: str | None = None,
            document_id: int | None = None) -> None:
        row = {"at": now(), "file": file, "sha256": sha256, "status": status, "error": error,
               "document_id": document_id}
        with self.db.conn:
            _insert(self.db.conn, "ingest_log", row)

    def transaction(self) -> sqlite3.Connection:
        """``with store.transaction():`` commits on success and rolls back on error."""
        return self.db.conn

    def _keep_original(self, doc: ParsedDocument) -> str:
        ext = EXTENSIONS.get(doc.format, "bin")
        if doc.content is not None:  # an attachment: its bytes travel in the record
            return self._keep_file(None, doc.sha256, ext, doc.content)
        return self._keep_file(Path(doc.path), doc.sha256, ext)

    def _keep_file(self, path: Path | None, sha256: str, ext: str, content: bytes | None = None) -> str:
        rel = Path("originals") / sha256[:2] / f"{sha256}.{ext}"
        target = self.root / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            if content is not None:
                tmp.write_bytes(content)
            else:
                shutil.copyfile(path, tmp)
            tmp.replace(target)
        return str(rel)


def document_row(doc: ParsedDocument, parent_id: int | None = None) -> dict:
    stamp = now()
    return {
        "sha256": doc.sha256,
        **metadata_columns(doc.metadata),
        "text": doc.text,
        "pages": doc.pages,
        "chars": doc.chars,
        "format": doc.format,
        "status": doc.status,
        "original_name": doc.display_name,
        "added_at": stamp,
        "updated_at": stamp,
        "status_message": doc.status_message,
        "ocr": int(doc.ocr),
        "ocr_confidence": doc.ocr_confidence,
        "parent_id": parent_id,
        **confidence_columns(doc.metadata.confidence),
    }


def confidence_columns(confidence: Mapping[str, float] | None) -> dict:
    """The ``confidence`` (JSON) and ``min_confidence`` columns for the extraction's per-field confidence: each
    value a number 0..1 (anything else counts as 0), the lowest over ``CONFIDENCE_FIELDS``, where a field
    missing counts as 0."""
    values = {str(field): _unit(value) for field, value in (confidence or {}).items()}
    return {"confidence": json.dumps(values, ensure_ascii=False),
            "min_confidence": min(values.get(field, 0.0) for field in CONFIDENCE_FIELDS)}


def _unit(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return round(min(max(number, 0.0), 1.0), 4) if math.isfinite(number) else 0.0


def unsure_fields(row: dict) -> tuple[str, ...]:
    """The ``CONFIDENCE_FIELDS`` of a stored row the extraction was unsure of (below ``UNSURE``; a field missing
    counts as 0): none once staff reviewed the metadata, nor for a document stored before confidence was recorded."""
    if row.get("reviewed_at") or row.get("min_confidence") is None:
        return ()
    confidence = row.get("confidence") or {}
    return tuple(field for field in CONFIDENCE_FIELDS if confidence.get(field, 0.0) < UNSURE)


def _insert(conn: sqlite3.Connection, table: str, row: dict, replace: bool = False) -> int:
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    sql = f"{verb} INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
    return conn.execute(sql, list(row.values())).lastrowid


def decoded_row(doc: ParsedDocument, doc_id: int, parent_id: int | None = None) -> dict:
    """The row as ``get`` would return it, without a round trip to SQLite."""
    return _decode({**document_row(doc, parent_id), "id": doc_id})


def _decode(row: dict) -> dict:
    for key in JSON_COLUMNS:
        if key in row:
            row[key] = json.loads(row[key]) if row[key] else []
    for key in JSON_OBJECT_COLUMNS:
        if key in row:
            row[key] = json.loads(row[key]) if row[key] else {}
    if "muster" in row:
        row["muster"] = bool(row["muster"])
    return row
