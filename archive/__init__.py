"""The store and the search: SQLite is the truth, the search engine's index is derived from it.

    >>> from archive import Archive, SearchRequest
    >>> archive = Archive.open("data")
    >>> for outcome in archive.ingest(["eingang/"]):
    ...     print(outcome.status)
    >>> archive.search(SearchRequest(q="Kita Gebühren")).total
"""

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import ingest
from archive import alerts, audit, indexing, reuse, similar, spelling, stats, topic_training
from archive.engine import DEFAULT_ENGINE, Engine, built_engines, engine_path, open_engine
from archive.errors import ArchiveError, BadRequest, IndexWriteError, NotFound, StoreError
from archive.query.expand import lexicon
from archive.search import SearchRequest, SearchResult, matching, ordered_ids, search
from archive.store import DRAFT, MISSING, PUBLISHED, STATES, WITHDRAWN, Store, consistency, snapshot
from archive.store.corrections import InvalidCorrection, changed_fields, parse_correction
from archive.store.ingesting import Outcome, ingest_files
from archive.store.reprocessing import reprocess
from archive.suggest import Suggestion
from archive.suggest import for_store as suggester_for
from archive.suggest import forget as forget_suggestions
from ingest import NO_TEXT, Limits

log = logging.getLogger(__name__)

__all__ = [
    "DRAFT",
    "PUBLISHED",
    "STATES",
    "WITHDRAWN",
    "Archive",
    "ArchiveError",
    "BadRequest",
    "IndexWriteError",
    "InvalidCorrection",
    "NotFound",
    "Outcome",
    "SearchRequest",
    "SearchResult",
    "StoreError",
    "Suggestion",
]


class Archive:
    """One store folder: ``archive.db``, ``originals/`` and the search engine's index (``index/`` for Whoosh,
    ``index-tantivy/`` for tantivy; ``archive.engine``).

    The engine (``index``) may be shared between Archive objects of one process (the web app keeps one, so
    readers survive across requests). ``engine`` names the one to open otherwise. Writes reach every engine
    built in the store folder (``built_engines``), so switching engines loses nothing.

    Writes go to SQLite first, with the ids they touched queued for the index; ``on_change`` is then called
    to bring the index in line: by default at once in this process (``sync_index``); the web app passes a
    function that hands the work to the background worker, the only writer of the index there.
    """

    def __init__(self, root: Path, index: Engine | None = None, on_change=None, engine: str = DEFAULT_ENGINE):
        self.root = Path(root)
        topic_training.apply(self.root)  # the store's topic rules, before anything is parsed (workers fork later)
        self.store = Store(self.root)
        self.index = index or open_engine(engine, engine_path(self.root, engine))
        self.engines = built_engines(self.root, self.index)
        self.on_change = on_change or self.sync_index

    @classmethod
    def open(cls, root: Path, index: Engine | None = None, engine: str = DEFAULT_ENGINE) -> "Archive":
        """Open a store and rebuild its index if the schema version changed."""
        archive = cls(root, index, engine=engine)
        if archive.index.needs_rebuild():
            log.info("index missing or of an older schema version: rebuilding from SQLite")
            archive.reindex()
        return archive

    def close(self) -> None:
        self.store.close()

    # -- writing -------------------------------------------------------

    def ingest(self, paths: Iterable[Path], workers: int | None = None, batch_size: int = 50,
               limits: ingest.Limits | None = None, names: dict[str, str] | None = None,
               publication: str = PUBLISHED) -> Iterator[Outcome]:
        """Add files, published (or as drafts with ``publication=DRAFT``) and indexed in this process (a bulk
        import); ``names`` maps ``str(path)`` to the file name users see."""
        return ingest_files(self.store, self.engines, paths, workers=workers, batch_size=batch_size, limits=limits,
                            names=names, publication=publication)

    def reprocess(self, status: str = NO_TEXT, workers: int | None = None,
                  limits: Limits | None = None, everything: bool = False) -> Iterator[Outcome]:
        """Parse the documents with ``status`` again from their originals (e.g. scans once OCR is installed);
        with ``everything``, all documents, updating those whose text or unreviewed metadata changed."""
        return reprocess(self.store, self.engines, status, workers=workers, limits=limits, everything=everything)

    def correct(self, doc_id: int, values: Mapping, account: str | None = None) -> dict:
        """Store the metadata staff confirmed or corrected (form values: see ``archive.store.corrections``) and mark
        it reviewed, recording ``account`` and the fields changed in the audit log; raise ``InvalidCorrection``
        with a German message per field."""
        current = self.store.get(doc_id, with_text=False)
        changes = parse_correction(values, current).row()
        edited = changed_fields(current, changes)
        with self.store.transaction():
            row = self.store.correct(doc_id, changes, edited)
            action = audit.EDIT if current["reviewed_at"] else audit.REVIEW
            audit.record(self.store.db.conn, account, action, document_id=doc_id, fields=edited)
        self.on_change()
        return row

    def publish(self, doc_id: int, account: str | None = None) -> None:
        """Make a draft (or a withdrawn document) public, with its attachments."""
        self._set_publication(doc_id, PUBLISHED, account)

    def withdraw(self, doc_id: int, account: str | None = None) -> None:
        """Hide a document (and its attachments) from the public; it stays stored and can be published again."""
        self._set_publication(doc_id, WITHDRAWN, account)

    def _set_publication(self, doc_id: int, publication: str, account: str | None) -> None:
        current = self.store.get(doc_id, with_text=False)
        action = {PUBLISHED: audit.RESTORE if current["publication"] == WITHDRAWN else audit.PUBLISH,
                  WITHDRAWN: audit.WITHDRAW}[publication]
        with self.store.transaction():
            for member in [doc_id, *self.store.attachment_ids(doc_id)]:
                self.store.set_publication(member, publication)
            audit.record(self.store.db.conn, account, action, document_id=doc_id, fields=["publication"])
        self.on_change()

    def delete(self, doc_id: int, account: str | None = None) -> list[int]:
        """Delete a document for good (a privacy request): its row, its attachments, its stored original and,
        at the next index sync, its index entries, with the segments that held them rewritten. The audit log
        keeps that it was deleted, by whom, and no word of it. Returns the ids deleted."""
        with self.store.transaction():
            ids, paths = self.store.delete_tree(doc_id)
            alerts.forget(self.store.db.conn, ids)
            audit.record(self.store.db.conn, account, audit.DELETE, document_id=doc_id,
                         detail=f"with attachments {ids[1:]}" if len(ids) > 1 else None)
        for path in paths:
            path.unlink(missing_ok=True)
        forget_suggestions(self.root)
        self.on_change()
        return ids

    def sync_index(self) -> int:
        """Write the index entries SQLite asked for (``archive.indexing``); the number of documents touched."""
        return indexing.sync(self.store, self.engines)

    def check(self, repair: bool = False, account: str | None = None) -> consistency.Report:
        """Compare SQLite, the index and the stored originals (see ``archive.store.consistency``)."""
        report = consistency.check(self.store, self.engines, repair)
        if repair and report.drift:
            audit.record(self.store.db.conn, account, audit.REPAIR, detail=report.summary())
            self.store.db.conn.commit()
        return report

    def reindex(self, batch: int = 500, on_batch=None, engine: str | None = None) -> int:
        """Rebuild the index of the published documents from SQLite in batches (bounded memory) and swap it in
        (of ``engine``, by default the open one); the requests queued before it started are done by it. With
        other engines built beside it, those still get the queued requests (the rebuilt one again)."""
        kind = engine or self.index.kind
        target = self.index if kind == self.index.kind else open_engine(kind, engine_path(self.root, kind))
        upto = self.store.last_queued()
        count = target.rebuild(self.store.iter_documents(batch, PUBLISHED), on_batch)
        self.engines = built_engines(self.root, self.index)
        if len(self.engines) > 1:
            self.sync_index()
            return count
        self._reuse_queued(upto)
        with self.store.transaction():
            self.store.db.conn.execute("DELETE FROM index_queue WHERE seq <= ?", [upto])
        return count

    def _reuse_queued(self, upto: int) -> None:
        """The text reuse of the documents whose queued requests a reindex is about to drop."""
        ids = [row[0] for row in self.store.db.execute("SELECT doc_id FROM index_queue WHERE seq <= ?", [upto])]
        for start in range(0, len(ids), indexing.BATCH):
            chunk = ids[start:start + indexing.BATCH]
            reuse.update(self.store.db.conn, self.store.get_many(chunk, with_text=True), chunk)

    def rebuild_reuse(self, batch: int = 200, on_batch=None) -> int:
        """Compute the text-reuse signatures and pairs of every document anew (``flask similar rebuild``) and
        forget the cached similar documents; returns the documents read."""
        return reuse.rebuild(self.store.db.conn, batch=batch, on_batch=on_batch)

    def snapshot(self, out: Path, on_batch=None) -> int:
        """Write the published documents to the SQLite file ``out`` for Datasette (``archive.store.snapshot``); returns
        how many."""
        return snapshot.write(self.store, out, on_batch=on_batch)

    # -- reading -------------------------------------------------------

    def _changed(self, request: SearchRequest) -> SearchRequest:
        """With ``modified_since``: the request restricted to the documents added or changed since then."""
        if request.modified_since is None or request.changed_ids is not None:
            return request
        return replace(request, changed_ids=frozenset(self.store.ids_changed_since(request.modified_since)))

    def search(self, request: SearchRequest) -> SearchResult:
        request = self._changed(request)
        reader = self.index.reader()
        result = search(reader, request, self._snippet_texts, self.copies)
        if request.q.strip() and result.total - result.partial < spelling.FEW_HITS:
            result = replace(result, suggestion=self._did_you_mean(result, reader))
        return result

    def search_ids(self, request: SearchRequest) -> list[int]:
        """The ids of every published document ``request`` matches, in the order of its result pages (``page``
        and ``per_page`` ignored), without facets or snippets: what an export lists. The index may lag SQLite
        by a moment: check each row's ``publication`` when reading it."""
        request = self._changed(request)
        return ordered_ids(self.index.reader(), request)

    def statistics(self, request: SearchRequest) -> stats.Statistics:
        """Counts over every published document ``request`` matches (``archive.stats``: per year and type, top
        topics per year, Kommunen, parties, places for a map), from the facet columns alone."""
        request = self._changed(request)
        reader = self.index.reader()
        return stats.compute(reader.table, matching(reader, request))

    def _did_you_mean(self, result: SearchResult, reader) -> str | None:
        vocabularies = suggester_for(self.root).vocabularies(reader, self.store.titles)
        lex = lexicon(reader.terms)
        return spelling.suggest(result.request.q, result.parsed.node, vocabularies, spelling.for_store(self.root),
                                lex.df)

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Suggestions for the last word of ``prefix`` (the search box up to the cursor): Kommunen, parties and
        topics of the archive and frequent title words, with document counts; ``limit`` 1..20, else BadRequest."""
        return suggester_for(self.root).suggest(prefix, limit, self.index.reader(), self.store.titles)

    def _snippet_texts(self, ids: list[int]) -> dict[int, str]:
        return self.store.texts(ids, 50_000)

    def document(self, doc_id: int) -> dict:
        return self.store.get(doc_id)

    def same_text(self, doc_id: int, limit: int = 20) -> list[dict]:
        """The published documents holding at least half of this document's text (``archive.reuse``), highest
        share first: ``{"id", "share", "title", "municipality", "municipality_ars", "district", "party", "date",
        "doc_type"}``."""
        return reuse.same_text(self.store.db.conn, doc_id, limit)

    def copies(self, ids: list[int]) -> dict[int, set[int]]:
        """For each id: the published documents that are copies of its text (each holds half the other's)."""
        return reuse.copies(self.store.db.conn, ids)

    def similar_to(self, doc: dict) -> list[similar.Similar]:
        """Up to five published documents on the same subject (not copies of its text), each with a reason;
        computed on first use and cached (``archive.similar``)."""
        return similar.for_document(self.store, self.index.reader(), doc)

    def documents(self, ids: list[int]) -> dict[int, dict]:
        return self.store.get_many(ids)

    def original(self, doc_id: int) -> tuple[Path, dict]:
        """The stored original file of a document and its ``files`` row."""
        doc = self.store.get(doc_id, with_text=False)
        row = self.store.file_for(doc["sha256"])
        path = self.root / row["stored_path"]
        if not path.is_file():
            raise NotFound(f"original of document {doc_id} missing at {path}")
        return path, row

    def count(self) -> int:
        return self.store.count()

    def history(self, doc_id: int, limit: int = 20) -> list[audit.Entry]:
        """Who did what to a document (upload, review, publish, edit, withdrawal), newest first."""
        return audit.entries(self.store.db.conn, document_id=doc_id, limit=limit)[1]

    def topic_evidence(self, doc_id: int) -> dict[str, tuple[str, ...]]:
        """Topic slug -> the words of the document that suggest it (for staff reviewing the topics)."""
        doc = self.store.get(doc_id)
        return ingest.topic_evidence(doc["text"] or "", doc["title"])

    def review_stats(self) -> tuple[int, dict[str, int]]:
        """Documents reviewed by staff, and per field how many of them staff corrected."""
        return self.store.review_stats()

    def unreviewed(self, limit: int = 50, offset: int = 0, missing: str | None = None) -> tuple[int, list[dict]]:
        """The number of documents not yet reviewed by staff, and a page of them, newest first; ``missing``
        ("date", "municipality", "party", "topics") keeps those that lack the field."""
        if missing is not None and missing not in MISSING:
            raise BadRequest(f"Unbekannte Angabe: {missing!r} (erlaubt: {', '.join(MISSING)})")
        return self.store.unreviewed(limit, offset, missing)

    def unreviewed_missing(self) -> dict[str, int]:
        """How many unreviewed documents lack a date, a place, a party or topics."""
        return self.store.unreviewed_missing()
