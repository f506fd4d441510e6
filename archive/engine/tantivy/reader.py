"""The tantivy engine's reader: plans as tantivy queries, hits as docnums of our facet table.

Docnums are the positions of the live documents' ids in ascending order (``table.ids``), so they do not change
when tantivy merges segments. A query's hits come back as (score, address); ``fast_field_values`` turns the
addresses into ids in one call, ``searchsorted`` the ids into docnums.
"""

from collections.abc import Callable

import numpy as np
import tantivy

from archive.columns import FacetTable
from archive.engine.tantivy.schema import FIELDS, TEXT_FIELDS
from archive.query import plan as p

_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


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
    """One request: each plan searched once, its hits kept as (docnums, scores)."""

    def __init__(self, reader: "TantivyReader"):
        self.reader = reader
        self._hits: dict[p.Plan, tuple[np.ndarray, np.ndarray]] = {}

    def _search(self, node: p.Plan) -> tuple[np.ndarray, np.ndarray]:
        found = self._hits.get(node)
        if found is None:
            found = self.reader.hits(node)
            self._hits[node] = found
        return found

    def match(self, node: p.Plan) -> np.ndarray:
        mask = np.zeros(self.reader.table.size, dtype=bool)
        if isinstance(node, p.Every):
            mask[:] = True
        elif node is not p.NOTHING:
            mask[self._search(node)[0]] = True
        return mask

    def top(self, node: p.Plan, candidates: np.ndarray, limit: int,
            prior: np.ndarray | None = None) -> list[tuple[int, float]]:
        if limit <= 0 or not candidates.any():
            return []
        docs, scores = self._search(node)
        keep = candidates[docs]
        docs, scores = docs[keep], scores[keep].astype(np.float64)
        if prior is not None:
            scores = scores * prior[docs]
        if limit < docs.size:
            best = np.argpartition(-scores, limit - 1)[:limit]
            docs, scores = docs[best], scores[best]
        order = np.argsort(-scores, kind="stable")
        return [(int(docs[i]), float(scores[i])) for i in order]


class TantivyReader:
    """``archive.engine.Reader`` over one tantivy searcher and the facet table of its live documents."""

    kind = "tantivy"

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, table: FacetTable, state):
        self.searcher = searcher
        self.table = table
        self.terms = TantivyTerms(searcher)
        self.state = state
        self._compiler = _Compiler(schema)

    def execution(self) -> TantivyExecution:
        return TantivyExecution(self)

    def hits(self, node: p.Plan) -> tuple[np.ndarray, np.ndarray]:
        """Every document ``node`` matches: docnums and scores."""
        if not self.table.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found = self.searcher.search(self._compiler.query(node), limit=self.table.size, count=False).hits
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = np.fromiter((hit[0] for hit in found), dtype=np.float32, count=len(found))
        ids = np.asarray(self.searcher.fast_field_values("id", [hit[1] for hit in found]), dtype=np.int64)
        return np.searchsorted(self.table.ids, ids), scores


def live_ids(searcher: tantivy.Searcher) -> np.ndarray:
    """The ids of every live document, ascending."""
    if not searcher.num_docs:
        return np.zeros(0, dtype=np.int64)
    found = searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs, count=False,
                            order_by_field="id", order=tantivy.Order.Asc).hits
    return np.fromiter((hit[0] for hit in found), dtype=np.int64, count=len(found))
