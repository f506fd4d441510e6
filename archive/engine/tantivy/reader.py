"""The tantivy engine's reader: plans as tantivy queries, hits as docnums of our facet table.

Docnums are the positions of the live documents' ids in ascending order (``table.ids``), so they do not change
when tantivy merges segments.

Nothing is fetched hit by hit for all hits (a tuple and a ``DocAddress`` per hit cost about 0.2 µs each in
tantivy-py, 20 ms for the 97,000 hits of a common word at 100k documents):

* which documents a plan matches comes back as a bitmap: a histogram aggregation over the id in buckets of
  ``BITS`` ids sums each matching document's ``bit`` field (``2 ** (id % BITS)``, ``schema``). Distinct powers of
  two below ``2 ** 53`` add up exactly in float64, so each bucket's sum is the set of its matching ids: one small
  dict per 52 ids;
* the best hits by score are a top-k (``TantivyExecution.top``): tantivy's top ``k`` by its score, deepened until
  no hit below can reach the page after the ``prior`` weights, or, for few candidates, the query restricted to
  their ids.

Match masks are kept per reader (an index state) in a small LRU, bounded by bytes.
"""

from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import tantivy

from archive.columns import FacetTable
from archive.engine.tantivy.schema import BITS, FIELDS, TEXT_FIELDS
from archive.query import plan as p

_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
_BITMAP = {"m": {"histogram": {"field": "id", "interval": BITS, "min_doc_count": 1},
                 "aggs": {"b": {"sum": {"field": "bit"}}}}}
_SHIFTS = np.arange(BITS, dtype=np.uint64)
FEW = 2048  # candidates up to this many are scored all at once: the query restricted to their ids
DEEPEN = 4  # a top-k too shallow for the page is fetched again this many times deeper
MASK_CACHE_BYTES = 16 << 20  # match masks (one byte per document) kept per reader, i.e. per thread and index state


class TantivyTerms:
    """``archive.query.plan.Terms`` of one tantivy searcher."""

    def __init__(self, searcher: tantivy.Searcher):
        self._searcher = searcher
        self.doc_count = searcher.num_docs

    def has_field(self, field: str) -> bool:
        return field in FIELDS

    def doc_frequency(self, field: str, text: str) -> int:
        return self._searcher.doc_freq(field, text) if field in FIELDS else 0

    def terms_with_prefix(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        if field not in FIELDS:
            return []
        return self._searcher.terms_with_prefix(field, prefix, limit=limit)


class _Compiler:
    """Plan nodes as tantivy queries: sums of BM25 scores with the plan's boosts; filter fields and
    ``Every``/``Not`` add no score, as in the Whoosh engine."""

    def __init__(self, schema: tantivy.Schema):
        self.schema = schema
        self._build: dict[type, Callable] = {
            p.Term: self._term, p.Phrase: self._phrase, p.Any: self._any, p.All: self._all,
            p.AndNot: self._and_not, p.Not: self._not, p.Every: lambda _n: _every(),
            p.Nothing: lambda _n: tantivy.Query.empty_query(),
        }

    def query(self, node: p.Plan) -> tantivy.Query:
        built = self._build[type(node)](node)
        return built if node.boost == 1.0 else tantivy.Query.boost_query(built, node.boost)

    def _term(self, node: p.Term) -> tantivy.Query:
        if node.field not in FIELDS:
            return tantivy.Query.empty_query()
        query = tantivy.Query.term_query(self.schema, node.field, node.text, index_option="freq")
        return query if node.field in TEXT_FIELDS else tantivy.Query.const_score_query(query, 0.0)

    def _phrase(self, node: p.Phrase) -> tantivy.Query:
        """The phrase must match; its score is that of its words (as in the Whoosh engine's scoring), not
        tantivy's phrase score."""
        if node.field not in FIELDS:
            return tantivy.Query.empty_query()
        phrase = tantivy.Query.phrase_query(self.schema, node.field, list(node.words))
        words = [(_MUST, self._term(p.Term(node.field, word))) for word in node.words]
        return tantivy.Query.boolean_query([(_MUST, tantivy.Query.const_score_query(phrase, 0.0)), *words])

    def _any(self, node: p.Any) -> tantivy.Query:
        return tantivy.Query.boolean_query([(_SHOULD, self.query(c)) for c in node.children])

    def _all(self, node: p.All) -> tantivy.Query:
        return tantivy.Query.boolean_query([(_MUST, self.query(c)) for c in node.children])

    def _and_not(self, node: p.AndNot) -> tantivy.Query:
        return tantivy.Query.boolean_query([(_MUST, self.query(node.positive)), (_MUST_NOT, self.query(node.negative))])

    def _not(self, node: p.Not) -> tantivy.Query:
        return tantivy.Query.boolean_query([(_MUST, _every()), (_MUST_NOT, self.query(node.node))])


def _every() -> tantivy.Query:
    return tantivy.Query.const_score_query(tantivy.Query.all_query(), 0.0)


class TantivyExecution:
    """One request: each plan compiled once; its matches from the reader's cache or one bitmap aggregation."""

    def __init__(self, reader: "TantivyReader"):
        self.reader = reader

    def match(self, node: p.Plan) -> np.ndarray:
        if isinstance(node, p.Every):
            return np.ones(self.reader.table.size, dtype=bool)
        if node is p.NOTHING or not self.reader.table.size:
            return np.zeros(self.reader.table.size, dtype=bool)
        return self.reader.mask(node).copy()

    def top(self, node: p.Plan, candidates: np.ndarray, limit: int,
            prior: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``limit`` best of ``candidates`` by score times ``prior``. Few candidates: all their hits scored
        (the query restricted to their ids). Else tantivy's top ``k`` by its own score, deepened while a hit below
        the ``k``-th could still reach the page after the weights (its score times the largest weight is not below
        the ``limit``-th weighted score), or until every scored hit was seen."""
        wanted = np.flatnonzero(candidates)
        if limit <= 0 or not wanted.size:
            return []
        reader = self.reader
        if wanted.size <= reader.few:
            docs, scores = reader.scored_among(node, wanted)
            return _best(docs, _weighted(docs, scores, prior), limit)
        heaviest = float(prior[wanted].max()) if prior is not None else 1.0
        share = wanted.size / reader.table.size
        depth = min(reader.table.size, max(limit + 16, int(2 * limit / share)))
        fetched = _Fetched(reader, node)
        while True:
            docs, scores, complete = fetched.upto(depth)
            keep = candidates[docs]
            kept, weighted = docs[keep], _weighted(docs[keep], scores[keep], prior)
            if complete:
                return _best(kept, weighted, limit)
            if scores[-1] <= 0:  # every hit with a score > 0 was seen, the others score 0
                return _with_unscored(_best(kept, weighted, limit), candidates & reader.mask(node), limit)
            if kept.size >= limit and scores[-1] * heaviest < np.partition(weighted, kept.size - limit)[
                    kept.size - limit]:
                return _best(kept, weighted, limit)
            depth = min(reader.table.size, depth * DEEPEN)


class _Fetched:
    """tantivy's top hits of one query by its score, fetched deeper on demand (each hit transferred once)."""

    def __init__(self, reader: "TantivyReader", node: p.Plan):
        self.reader = reader
        self.query = reader.query(node)
        self.docs = np.zeros(0, dtype=np.int64)
        self.scores = np.zeros(0, dtype=np.float32)
        self.complete = False

    def upto(self, depth: int) -> tuple[np.ndarray, np.ndarray, bool]:
        if not self.complete and depth > self.docs.size:
            want = depth - self.docs.size
            docs, scores = self.reader.found(self.reader.searcher.search(
                self.query, limit=want, offset=int(self.docs.size), count=False).hits)
            self.docs, self.scores = np.concatenate((self.docs, docs)), np.concatenate((self.scores, scores))
            self.complete = docs.size < want or self.docs.size >= self.reader.table.size  # no hit left
        return self.docs, self.scores, self.complete


def _weighted(docs: np.ndarray, scores: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
    scores = scores.astype(np.float64)
    return scores * prior[docs] if prior is not None else scores


def _best(docs: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
    if limit < docs.size:
        best = np.argpartition(-scores, limit - 1)[:limit]
        docs, scores = docs[best], scores[best]
    order = np.argsort(-scores, kind="stable")
    return [(int(docs[i]), float(scores[i])) for i in order]


def _with_unscored(pairs: list[tuple[int, float]], candidates: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """``pairs`` (every candidate with a score > 0) filled up to ``limit`` with matching ``candidates`` that scored
    0."""
    if len(pairs) >= limit:
        return pairs
    rest = candidates.copy()
    rest[[docnum for docnum, _score in pairs]] = False
    return pairs + [(int(docnum), 0.0) for docnum in np.flatnonzero(rest)[:limit - len(pairs)]]


class TantivyReader:
    """``archive.engine.Reader`` over one tantivy searcher and the facet table of its live documents."""

    kind = "tantivy"
    few = FEW  # see ``TantivyExecution.top``

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, table: FacetTable, state):
        self.searcher = searcher
        self.schema = schema
        self.table = table
        self.terms = TantivyTerms(searcher)
        self.state = state
        self._compiler = _Compiler(schema)
        self._masks: OrderedDict[p.Plan, np.ndarray] = OrderedDict()

    def execution(self) -> TantivyExecution:
        return TantivyExecution(self)

    def query(self, node: p.Plan) -> tantivy.Query:
        return self._compiler.query(node)

    def mask(self, node: p.Plan) -> np.ndarray:
        """The docnums ``node`` matches, as a mask (kept in the reader's LRU: do not change it)."""
        found = self._masks.get(node)
        if found is not None:
            self._masks.move_to_end(node)
            return found
        found = matching_ids(self.searcher, self.query(node), self.table.ids)
        self._masks[node] = found
        while len(self._masks) * max(1, self.table.size) > MASK_CACHE_BYTES:
            self._masks.popitem(last=False)
        return found

    def scored_among(self, node: p.Plan, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The hits of ``node`` among ``docnums`` (few), with their scores: the query restricted to their ids
        (a filter that adds no score)."""
        ids = self.table.ids[docnums]
        among = tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(self.schema, "id", [int(i) for i in ids]), 0.0)
        query = tantivy.Query.boolean_query([(_MUST, self.query(node)), (_MUST, among)])
        return self.found(self.searcher.search(query, limit=int(ids.size), count=False).hits)

    def found(self, hits: list) -> tuple[np.ndarray, np.ndarray]:
        """Docnums and scores of tantivy's ``(score, address)`` hits."""
        if not hits:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = np.fromiter((hit[0] for hit in hits), dtype=np.float32, count=len(hits))
        ids = np.asarray(self.searcher.fast_field_values("id", [hit[1] for hit in hits]), dtype=np.int64)
        return np.searchsorted(self.table.ids, ids), scores


def matching_ids(searcher: tantivy.Searcher, query: tantivy.Query, ids: np.ndarray | None = None) -> np.ndarray:
    """The documents ``query`` matches, from the bitmap aggregation (see the module): a mask over ``ids`` (the
    live ids, ascending), or without ``ids`` the matching ids themselves, ascending."""
    buckets = searcher.aggregate(query, _BITMAP)["m"]["buckets"]
    starts = np.fromiter((bucket["key"] for bucket in buckets), dtype=np.float64, count=len(buckets)).astype(np.int64)
    sums = np.fromiter((bucket["b"]["value"] for bucket in buckets), dtype=np.float64, count=len(buckets))
    bits = ((sums.astype(np.uint64)[:, None] >> _SHIFTS) & np.uint64(1)).astype(bool)
    if ids is None:
        return (starts[:, None] + _SHIFTS.astype(np.int64))[bits]
    if not ids.size:
        return np.zeros(0, dtype=bool)
    space = np.zeros((int(ids[-1]) // BITS + 1, BITS), dtype=bool)
    rows = starts // BITS
    inside = rows < space.shape[0]
    space[rows[inside]] = bits[inside]
    return space.reshape(-1)[ids]


def live_ids(searcher: tantivy.Searcher) -> np.ndarray:
    """The ids of every live document, ascending."""
    if not searcher.num_docs:
        return np.zeros(0, dtype=np.int64)
    return matching_ids(searcher, tantivy.Query.all_query())
