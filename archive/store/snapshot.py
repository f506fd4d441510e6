"""The published archive as one SQLite file for Datasette (``flask snapshot OUT.db``; nightly by the worker).

Made with sqlite-utils from one read transaction of the store (a consistent picture while others write):

- ``documents``: every published document with every column ``/api/documents/<id>`` shows (``parties`` and
  ``topics`` as JSON arrays, which Datasette facets by element) and its ``text``; ``doc_type`` and
  ``municipality_ars`` are foreign keys to the lookup tables, so Datasette shows their names;
- lookup tables ``kommunen`` (``ars``, ``name``, ``district``, ``district_ars``, ``state``, ``documents``),
  ``parties`` (``name``, ``documents``), ``topics`` (``slug``, ``name``, ``documents``) and ``doc_types``
  (``slug``, ``name``), with the link tables ``document_parties`` and ``document_topics``;
- ``documents_fts``: an FTS5 index over ``title`` and ``text`` (Datasette's search box).

Drafts and withdrawn documents are never read. The file is written beside ``OUT`` under a temporary name and
renamed at the end, so a reader never sees half a snapshot.
"""

import os
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlite_utils

from archive import vocab
from archive.store import DOCUMENT_COLUMNS, PUBLISHED, Store

SNAPSHOT_DIR = "snapshot"  # ARCHIVE_DIR/snapshot/: what /api/snapshot.db serves (the newest .db in it)
NIGHTLY_NAME = "antragsarchiv.db"  # the worker's nightly snapshot there
SKIPPED = ("publication",)  # the same for every row of a snapshot
COLUMNS = tuple(c for c in DOCUMENT_COLUMNS if c not in SKIPPED)
JSON_LISTS = ("parties", "topics", "edited_fields")
FACET_INDEXES = (("doc_type",), ("state",), ("year",), ("party",), ("date",))


def write(store: Store, out: Path, batch: int = 500, on_batch: Callable[[int], None] | None = None) -> int:
    """Write the snapshot of ``store`` to ``out`` (replacing it); returns the number of documents."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    part.unlink(missing_ok=True)
    try:
        count = _write(store, part, batch, on_batch)
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    return count


def _write(store: Store, path: Path, batch: int, on_batch) -> int:
    db = sqlite_utils.Database(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        _create(db)
        tally = _Tally()
        conn = store.db.conn
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")  # one read transaction: every batch sees the same state of the store
        try:
            for rows in store.iter_documents(batch, PUBLISHED):
                rows = [row for row in rows if row["publication"] == PUBLISHED]
                _insert(db, rows, tally)
                if on_batch:
                    on_batch(len(rows))
        finally:
            if own:
                conn.execute("ROLLBACK")
        _lookups(db, tally)
        db["documents"].enable_fts(["title", "text"], create_triggers=False)
        for columns in FACET_INDEXES:
            db["documents"].create_index(list(columns))
        db.index_foreign_keys()
        db.execute("ANALYZE")
        return tally.documents
    finally:
        db.conn.close()


def _create(db: sqlite_utils.Database) -> None:
    db["doc_types"].create({"slug": str, "name": str}, pk="slug")
    db["kommunen"].create({"ars": str, "name": str, "district": str, "district_ars": str, "state": str,
                           "documents": int}, pk="ars")
    db["parties"].create({"name": str, "documents": int}, pk="name")
    db["topics"].create({"slug": str, "name": str, "documents": int}, pk="slug")
    db["documents"].create({c: DOCUMENT_COLUMNS[c] for c in COLUMNS}, pk="id",
                           foreign_keys=[("doc_type", "doc_types", "slug"), ("municipality_ars", "kommunen", "ars")])
    db["document_parties"].create({"document_id": int, "party": str}, pk=("document_id", "party"),
                                  foreign_keys=[("document_id", "documents", "id"), ("party", "parties", "name")])
    db["document_topics"].create({"document_id": int, "topic": str}, pk=("document_id", "topic"),
                                 foreign_keys=[("document_id", "documents", "id"), ("topic", "topics", "slug")])


class _Tally:
    """What the lookup tables list: each Kommune's names and every value's number of documents."""

    def __init__(self):
        self.documents = 0
        self.kommunen: dict[str, dict] = {}
        self.counts = {"kommunen": Counter(), "parties": Counter(), "topics": Counter(), "doc_types": Counter()}

    def add(self, row: dict) -> None:
        self.documents += 1
        self.counts["doc_types"][row["doc_type"]] += 1
        ars = row["municipality_ars"]
        if ars:
            self.kommunen.setdefault(ars, {"ars": ars, "name": row["municipality"], "district": row["district"],
                                           "district_ars": row["district_ars"], "state": row["state"]})
            self.counts["kommunen"][ars] += 1
        self.counts["parties"].update(set(row["parties"]))
        self.counts["topics"].update(set(row["topics"]))


def _insert(db: sqlite_utils.Database, rows: list[dict], tally: _Tally) -> None:
    docs, parties, topics = [], [], []
    for row in rows:
        tally.add(row)
        docs.append({c: row[c] for c in COLUMNS})
        parties.extend({"document_id": row["id"], "party": p} for p in dict.fromkeys(row["parties"]))
        topics.extend({"document_id": row["id"], "topic": t} for t in dict.fromkeys(row["topics"]))
    with db.conn:
        # foreign keys are declared, not enforced (SQLite's default): the lookup rows follow at the end
        db["documents"].insert_all(docs, batch_size=100)
        db["document_parties"].insert_all(parties)
        db["document_topics"].insert_all(topics)


def _lookups(db: sqlite_utils.Database, tally: _Tally) -> None:
    counts = tally.counts
    kinds = dict(vocab.DOC_TYPES)
    with db.conn:
        db["doc_types"].insert_all({"slug": slug, "name": kinds.get(slug, slug)}
                                   for slug in [*kinds, *sorted(set(counts["doc_types"]) - set(kinds))])
        db["kommunen"].insert_all({**place, "documents": counts["kommunen"][ars]}
                                  for ars, place in sorted(tally.kommunen.items()))
        db["parties"].insert_all({"name": name, "documents": n} for name, n in sorted(counts["parties"].items()))
        db["topics"].insert_all({"slug": slug, "name": vocab.topic_label(slug), "documents": n}
                                for slug, n in sorted(counts["topics"].items()))


# -- the snapshot folder (/api/snapshot.db) ----------------------------------


def folder(root: Path) -> Path:
    return Path(root) / SNAPSHOT_DIR


def latest(root: Path) -> Path | None:
    """The newest ``.db`` file in ``ARCHIVE_DIR/snapshot/`` (files being written are hidden), or None."""
    found = [p for p in folder(root).glob("*.db") if p.is_file() and not p.name.startswith(".")]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def download_name(path: Path) -> str:
    return f"antragsarchiv-{datetime.fromtimestamp(path.stat().st_mtime):%Y%m%d}.db"


def nightly(store: Store) -> int:
    """The worker's nightly job: ``ARCHIVE_DIR/snapshot/antragsarchiv.db`` written anew."""
    return write(store, folder(store.root) / NIGHTLY_NAME)
