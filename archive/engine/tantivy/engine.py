"""The tantivy engine's index folder: writing from SQLite rows, rebuilding beside the live index, readers.

The folder holds tantivy's files, ``facets.db`` (each document's packed facet values, ``archive.engine.documents``:
tantivy-py reads no string column fast, SQLite does) and a version marker with a build id, changed by every
rebuild. A write commits tantivy, then ``facets.db``; a reader only lists documents tantivy has, so a crash between
the two leaves at worst a document without facet values until the next write of it.
"""

import logging
import multiprocessing
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path

import tantivy

from archive.columns import FacetTable
from archive.engine.documents import MULTI, PACKED, pack, parties, unpack
from archive.engine.folders import mark, read_version, swap
from archive.engine.tantivy.reader import TantivyReader, live_ids
from archive.engine.tantivy.schema import analysed, build_document, build_schema, document
from archive.errors import IndexWriteError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: the ``bit`` field (match bitmaps)
FACETS_FILE = "facets.db"
WRITER_HEAP = 64_000_000  # bytes of tantivy's indexing buffer (per thread)
REBUILD_THREADS = 2
ANALYSIS_CHUNK = 20  # rows a worker process analyses at a time during a rebuild
LOCK_RETRY = 0.05  # seconds between attempts to take tantivy's writer lock


class TantivyEngine:
    """``archive.engine.Engine`` over a tantivy index folder."""

    kind = "tantivy"
    purges = False  # deleted documents stay in their segment until tantivy merges it (see ``archive.indexing``)

    def __init__(self, path: Path, write_timeout: float = 120.0, refresh_interval: float = 0.5):
        self.path = Path(path)
        self.write_timeout = write_timeout
        self.refresh_interval = refresh_interval
        self._lock = threading.Lock()
        self._local = threading.local()
        self._opened: tuple | None = None  # (build id, tantivy.Index)
        self._rows: dict[int, tuple] = {}  # id -> unpacked facet values, for the build id below
        self._rows_build: str | None = None
        self._rows_seq = 0

    # -- state ---------------------------------------------------------

    def needs_rebuild(self) -> bool:
        return self._read_version()[0] != SCHEMA_VERSION or not tantivy.Index.exists(str(self.path))

    def _read_version(self) -> tuple[int | None, str | None]:
        return read_version(self.path)

    def _index(self) -> tuple[str, tantivy.Index]:
        with self._lock:
            _, build_id = self._read_version()
            if build_id is None:
                _create(self.path)
                _, build_id = self._read_version()
            if self._opened is None or self._opened[0] != build_id:
                self._opened = (build_id, tantivy.Index.open(str(self.path)))
            return self._opened

    # -- writing -------------------------------------------------------

    def add(self, rows: Iterable[dict]) -> None:
        self.apply(rows, ())

    def apply(self, rows: Iterable[dict], delete_ids: Iterable[int], purge: bool = False) -> None:
        """Add or replace ``rows``, remove ``delete_ids``, in one commit; IndexWriteError on failure. ``purge``
        is not done in place here (``purges``): the caller rebuilds."""
        _build_id, ix = self._index()
        writer = self._writer(ix)
        facets = _facets(self.path)
        try:
            with facets:
                seq = _next_seq(facets)
                for doc_id in delete_ids:
                    writer.delete_documents_by_query(_by_id(ix, doc_id))
                    facets.execute("DELETE FROM facets WHERE id = ?", [int(doc_id)])
                for row in rows:
                    writer.delete_documents_by_query(_by_id(ix, row["id"]))
                    writer.add_document(document(row))
                    facets.execute("INSERT OR REPLACE INTO facets VALUES (?, ?, ?)",
                                   [int(row["id"]), pack(row, parties(row)), seq])
                writer.commit()
        except Exception as exc:
            writer.rollback()
            log.exception("index write failed, nothing committed")
            raise IndexWriteError(f"index write failed: {exc!r}") from exc
        finally:
            writer.wait_merging_threads()
            facets.close()
        self._local.checked = float("-inf")  # this thread reads its own write at once

    def _writer(self, ix: tantivy.Index, threads: int = 1):
        deadline = time.monotonic() + self.write_timeout
        while True:
            try:
                return ix.writer(WRITER_HEAP, threads)
            except ValueError as exc:  # tantivy's LockBusy: another writer
                if time.monotonic() >= deadline:
                    raise IndexWriteError(f"index is locked by another writer: {exc!r}") from exc
                time.sleep(LOCK_RETRY)

    def ids(self) -> set[int]:
        return {int(i) for i in self.reader().table.ids}

    def rebuild(self, batches: Iterable[list[dict]], on_batch=None, procs: int | None = None) -> int:
        """Build a fresh index from row batches beside the live one, then swap it in. Our analysis of the rows runs
        in ``procs`` worker processes (default: every core), tantivy's indexing in its writer threads."""
        procs = procs or os.cpu_count() or 1
        with multiprocessing.get_context("fork").Pool(procs) if procs > 1 else nullcontext() as pool:
            return self._rebuild(batches, on_batch, pool)

    def _rebuild(self, batches: Iterable[list[dict]], on_batch, pool) -> int:
        fresh = self.path.with_name(self.path.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        ix = _create(fresh, version=False)  # after the fork: no tantivy thread is ever forked
        writer = ix.writer(WRITER_HEAP * REBUILD_THREADS, REBUILD_THREADS)
        facets = _facets(fresh)
        count = 0
        try:
            for batch in batches:
                found = pool.imap(analysed, batch, chunksize=ANALYSIS_CHUNK) if pool else map(analysed, batch)
                for analysis in found:
                    writer.add_document(build_document(analysis))
                facets.executemany("INSERT OR REPLACE INTO facets VALUES (?, ?, 0)",
                                   [(int(row["id"]), pack(row, parties(row))) for row in batch])
                count += len(batch)
                if on_batch:
                    on_batch(len(batch))
            writer.commit()
            facets.commit()
        except BaseException:
            writer.rollback()
            facets.close()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        writer.wait_merging_threads()
        facets.close()
        mark(fresh, SCHEMA_VERSION)
        swap(fresh, self.path)
        return count

    # -- reading -------------------------------------------------------

    def reader(self) -> TantivyReader:
        """This thread's reader, refreshed when the index changed (checked every ``refresh_interval`` s, by the
        stamps of tantivy's ``meta.json`` and of ``facets.db``: a searcher and its facet table are only made anew
        when one changed)."""
        reader = getattr(self._local, "reader", None)
        checked = getattr(self._local, "checked", float("-inf"))
        if reader is not None and time.monotonic() - checked < self.refresh_interval:
            return reader
        build_id, ix = self._index()
        state = (build_id, _meta_stamp(self.path), _facets_stamp(self.path))  # read before the reload: at worst
        if reader is None or reader.state != state:  # the reader is newer than its state, and is built again
            ix.reload()
            searcher = ix.searcher()
            ids = live_ids(searcher)
            reader = TantivyReader(searcher, ix.schema, self._table(build_id, ids), state)
            self._local.reader = reader
        self._local.checked = time.monotonic()
        return reader

    def _table(self, build_id: str, ids) -> FacetTable:
        with self._lock:
            if self._rows_build != build_id:
                self._rows, self._rows_build, self._rows_seq = {}, build_id, -1
            facets = _facets(self.path)
            try:
                for doc_id, packed, seq in facets.execute("SELECT id, packed, seq FROM facets WHERE seq > ?",
                                                          [self._rows_seq]):
                    self._rows[doc_id] = unpack(packed)
                    self._rows_seq = max(self._rows_seq, seq)
            finally:
                facets.close()
            empty = unpack(b"")
            rows = [self._rows.get(int(i)) or (int(i), *empty[1:]) for i in ids]
        return FacetTable.from_rows(PACKED, rows, MULTI)

    def close(self) -> None:
        self._local.reader = None


def _by_id(ix: tantivy.Index, doc_id: int) -> tantivy.Query:
    """The document ``doc_id``. (``delete_documents_by_term`` on the unsigned id field deletes nothing in
    tantivy-py 0.27; a term query finds it.)"""
    return tantivy.Query.term_query(ix.schema, "id", int(doc_id))


def _facets(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path / FACETS_FILE, timeout=30)
    conn.execute("CREATE TABLE IF NOT EXISTS facets (id INTEGER PRIMARY KEY, packed BLOB NOT NULL, "
                 "seq INTEGER NOT NULL)")
    return conn


def _next_seq(conn: sqlite3.Connection) -> int:
    return (conn.execute("SELECT max(seq) FROM facets").fetchone()[0] or 0) + 1


def _facets_stamp(path: Path) -> tuple:
    """Changes with every write of ``facets.db`` (committed after tantivy's: a reader that saw tantivy's commit
    first builds its table again once the facet values are there too)."""
    facets = _facets(path)
    try:
        return facets.execute("SELECT max(seq), count(*) FROM facets").fetchone()
    finally:
        facets.close()


def _meta_stamp(path: Path) -> tuple:
    """Changes with every tantivy commit (``meta.json`` is rewritten)."""
    stat = (path / "meta.json").stat()
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _create(path: Path, version: bool = True) -> tantivy.Index:
    path.mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(build_schema(), str(path), reuse=False)
    _facets(path).close()
    if version:
        mark(path, SCHEMA_VERSION)
    return ix
