"""The Whoosh engine's index: derived from SQLite, rebuildable at any time.

One writer at a time (Whoosh's write lock). Readers keep a searcher per
thread and refresh it only when the index changed. Facet values live in a
per-document column, decoded once per segment into a ``FacetTable`` so that
facet counts and filters never touch stored documents.
"""

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import MERGE_SMALL, LockError

from archive.analysis import german_analyzer, parts_analyzer
from archive.columns import FacetTable
from archive.engine.documents import MULTI, PACKED, index_fields, unpack
from archive.engine.folders import mark, read_version, swap
from archive.engine.whoosh.reader import WhooshReader
from archive.errors import IndexWriteError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3  # 2: title_parts and body_parts (compound parts); 3: muster


def build_schema() -> Schema:
    analyzer, parts = german_analyzer(), parts_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, phrase=True),
        body=TEXT(analyzer=analyzer, phrase=True),
        # the parts of closed compounds ("strass" of "Bahnhofstraße"), searched at a lower weight than the words
        title_parts=TEXT(analyzer=parts, phrase=False),
        body_parts=TEXT(analyzer=parts, phrase=False),
        faction=TEXT(analyzer=analyzer, phrase=True),
        doc_type=ID,
        municipality=ID,
        municipality_name=KEYWORD(lowercase=True, commas=True),
        district=ID,
        district_name=KEYWORD(lowercase=True, commas=True),
        state=KEYWORD(lowercase=True, commas=True),
        party=KEYWORD(lowercase=True, commas=True),
        topic=KEYWORD(commas=True),
        year=ID,
        muster=ID,  # "ja" for a document staff marked a template (muster:ja)
        facets=COLUMN(),
    )


class Index:
    """The Whoosh engine (``archive.engine.Engine``): the index folder, open, write, rebuild, and per-thread
    searchers."""

    kind = "whoosh"
    purges = True  # ``apply(purge=True)`` rewrites the segments that held removed documents

    def __init__(self, path: Path, write_timeout: float = 120.0, refresh_interval: float = 0.5):
        self.path = Path(path)
        self.write_timeout = write_timeout  # seconds to wait for the single writer's lock
        self.refresh_interval = refresh_interval  # seconds between checks for a changed index
        self._local = threading.local()
        self._segment_cache: dict[str, list[tuple]] = {}
        self._lock = threading.Lock()
        self._ix = None
        self._build_id = None

    # -- state ---------------------------------------------------------

    def needs_rebuild(self) -> bool:
        return self._read_version()[0] != SCHEMA_VERSION or not whoosh_index.exists_in(self.path)

    def _read_version(self) -> tuple[int | None, str | None]:
        return read_version(self.path)

    def _open(self):
        with self._lock:
            _, build_id = self._read_version()
            if self._ix is None or build_id != self._build_id:
                if not whoosh_index.exists_in(self.path):
                    create_empty(self.path)
                    _, build_id = self._read_version()
                self._ix = whoosh_index.open_dir(str(self.path))
                self._build_id = build_id
            return self._ix

    # -- writing -------------------------------------------------------

    def add(self, rows: Iterable[dict]) -> None:
        """Add or replace documents and commit; raise IndexWriteError on failure."""
        self.apply(rows, ())

    def apply(self, rows: Iterable[dict], delete_ids: Iterable[int], purge: bool = False) -> None:
        """Add or replace the documents ``rows`` and remove those with ``delete_ids``, in one commit; with
        ``purge``, the segments holding removed documents are rewritten without them, so that no term of a
        deleted document stays on disk (Whoosh otherwise only marks it deleted until a merge). Raise
        IndexWriteError on failure; then nothing is committed."""
        ix = self._open()
        try:
            writer = ix.writer(timeout=self.write_timeout)
        except LockError as exc:
            raise IndexWriteError(f"index is locked by another writer: {exc!r}") from exc
        try:
            for doc_id in delete_ids:
                writer.delete_by_term("id", str(doc_id))
            for row in rows:
                writer.update_document(**index_fields(row))
        except Exception as exc:
            writer.cancel()
            log.exception("index write failed, nothing committed")
            raise IndexWriteError(f"index write failed: {exc!r}") from exc
        writer.commit(mergetype=merge_deleted if purge else None)
        state = getattr(self._local, "state", None)
        if state:  # this thread reads its own write at once (others within ``refresh_interval``)
            self._local.state = (*state[:3], float("-inf"))

    def ids(self) -> set[int]:
        """The ids of every document in the index (``flask check`` compares them with SQLite)."""
        with self._open().searcher() as searcher:
            return {int(fields["id"]) for fields in searcher.all_stored_fields()}

    def rebuild(self, batches: Iterable[list[dict]], on_batch=None, procs: int | None = None) -> int:
        """Build a fresh index from row batches beside the live one and swap it in (``rebuild``)."""
        return rebuild(self.path, batches, on_batch, procs=procs)

    # -- reading -------------------------------------------------------

    def reader(self) -> WhooshReader:
        """This thread's view of the index (``archive.engine.Reader``), refreshed if the index changed."""
        searcher, table = self.searcher()
        reader = getattr(self._local, "reader", None)
        if reader is None or reader.searcher is not searcher:
            reader = WhooshReader(searcher, table)
            self._local.reader = reader
        return reader

    def searcher(self) -> tuple[Searcher, FacetTable]:
        """This thread's searcher and facet table, refreshed if the index changed."""
        ix = self._open()
        state = getattr(self._local, "state", None)
        if state is None or state[0] is not ix:
            searcher = ix.searcher()
            state = (ix, searcher, self._facet_table(searcher), time.monotonic())
        elif time.monotonic() - state[3] >= self.refresh_interval:
            searcher = state[1]
            if not searcher.up_to_date():
                # A new searcher, not ``searcher.refresh()``: Whoosh's refresh reuses the readers of segments
                # it already has and so misses documents deleted from them since (an updated document would
                # show twice, its old version from the reused reader).
                searcher.close()
                searcher = ix.searcher()
                state = (ix, searcher, self._facet_table(searcher), time.monotonic())
            else:
                state = (*state[:3], time.monotonic())
        self._local.state = state
        return state[1], state[2]

    def _facet_table(self, searcher: Searcher) -> FacetTable:
        rows: list[tuple] = []
        live = set()
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            key = f"{self._build_id}:{reader.segment().segment_id()}" if reader.segment() else None
            live.add(key)
            if key not in self._segment_cache:
                self._segment_cache[key] = [unpack(v) for v in reader.column_reader("facets")]
            rows.extend(self._segment_cache[key])
        for stale in set(self._segment_cache) - live:
            self._segment_cache.pop(stale, None)
        return FacetTable.from_rows(PACKED, rows, MULTI)

    def close(self) -> None:
        state = getattr(self._local, "state", None)
        if state:
            state[1].close()
            self._local.state = None
            self._local.reader = None


def merge_deleted(writer, segments):
    """A Whoosh merge policy: rewrite every segment that has deleted documents (dropping them), then merge
    small segments as usual."""
    kept = []
    for segment in segments:
        if segment.has_deletions():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return MERGE_SMALL(writer, kept)


def create_empty(path: Path) -> None:
    """Create an empty index with the current schema and version marker."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    whoosh_index.create_in(str(path), build_schema())
    mark(path, SCHEMA_VERSION)


def rebuild(path: Path, batches: Iterable[list[dict]], on_batch=None, limitmb: int = 128,
            procs: int | None = None) -> int:
    """Build a fresh index beside the live one from row batches, then swap it in.

    With more than one core, Whoosh's multiprocessing writer analyses documents in
    ``procs`` worker processes, each with a ``limitmb`` pool (bounded memory).
    """
    path = Path(path)
    fresh = path.with_name(path.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    ix = whoosh_index.create_in(str(fresh), build_schema())
    procs = procs or os.cpu_count() or 1
    writer = ix.writer(limitmb=limitmb, procs=procs, batchsize=50) if procs > 1 else ix.writer(limitmb=limitmb)
    count = 0
    try:
        for batch in batches:
            for row in batch:
                writer.add_document(**index_fields(row))
            count += len(batch)
            if on_batch:
                on_batch(len(batch))
    except BaseException:
        writer.cancel()
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    writer.commit()
    mark(fresh, SCHEMA_VERSION)
    swap(fresh, path)
    return count
