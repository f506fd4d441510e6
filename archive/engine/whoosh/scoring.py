"""BM25F scores for a set of candidate documents, computed with numpy per segment.

Whoosh's collector scores one posting at a time in Python; for broad queries
that took most of a search. This module walks the same compiled query tree,
reads each term's postings once (``archive.engine.whoosh.postings``: ids and term frequencies),
and adds up Whoosh's own BM25F formula (same idf, field lengths, B and K1,
boosts multiplied down the tree) in vectors. Query types without a vector
form (phrases, spans) contribute the scores of their words.
"""

import math
from collections import OrderedDict

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from archive.engine.whoosh.postings import Postings

B, K1 = 0.75, 1.2  # whoosh.scoring.BM25F defaults
_LENGTHS: OrderedDict = OrderedDict()  # (segment id, field) -> field lengths of every docnum
_LENGTH_CACHE_SIZE = 256


def top_scores(searcher: Searcher, q: wq.Query, candidates: np.ndarray, limit: int,
               postings: Postings | None = None, prior: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``limit`` best ``(docnum, score)`` pairs among ``candidates`` (a boolean mask over docnums),
    best first. ``prior`` (a weight per docnum) multiplies the scores."""
    if limit <= 0 or not candidates.any():
        return []
    pairs: list[tuple[int, float]] = []
    postings = postings or Postings()
    for leaf, offset in searcher.leaf_searchers():
        size = leaf.doc_count_all()
        local = np.flatnonzero(candidates[offset:offset + size])
        if not local.size:
            continue
        scores = _Scorer(searcher, leaf, postings).score(q)[local]
        if prior is not None:
            scores = scores * prior[offset:offset + size][local]
        keep = min(limit, local.size)
        best = np.argpartition(-scores, keep - 1)[:keep] if keep < local.size else np.arange(local.size)
        pairs.extend((int(local[i]) + offset, float(scores[i])) for i in best)
    pairs.sort(key=lambda p: -p[1])
    return pairs[:limit]


class _Scorer:
    def __init__(self, top: Searcher, leaf: Searcher, postings: Postings):
        self.top = top
        self.postings = postings
        self.leaf = leaf
        self.size = leaf.doc_count_all()

    def zeros(self) -> np.ndarray:
        return np.zeros(self.size, dtype=np.float64)

    def score(self, q: wq.Query) -> np.ndarray:
        boost = getattr(q, "boost", 1.0)
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.DisjunctionMax):
            parts = [self.score(s) for s in q.subqueries]
            return (np.max(parts, axis=0) if parts else self.zeros()) * boost
        if isinstance(q, (wq.Or, wq.And)):
            return self._sum(q.subqueries) * boost
        if isinstance(q, wq.AndNot):
            return self.score(q.a) * boost
        if isinstance(q, wq.AndMaybe):
            return (self.score(q.a) + self.score(q.b)) * boost
        if isinstance(q, wq.Phrase):
            terms = [wq.Term(q.fieldname, w) for w in q.words]
            return self._sum(terms) * boost
        return self.zeros()  # Not, Every, NullQuery and the like add no score

    def _sum(self, queries) -> np.ndarray:
        total = self.zeros()
        for sub in queries:
            total += self.score(sub)
        return total

    def _term(self, q: wq.Term) -> np.ndarray:
        out = self.zeros()
        if q.fieldname not in self.leaf.schema or not self.leaf.schema[q.fieldname].scorable:
            return out
        ids, tfs = self.postings.get(self.leaf, q)
        if not ids.size:
            return out
        lengths = _field_lengths(self.leaf, q.fieldname)[ids]
        avg = self.top.avg_field_length(q.fieldname) or 1.0
        idf = _idf(self.top, q.fieldname, q.text)
        out[ids] = q.boost * idf * (tfs * (K1 + 1)) / (tfs + K1 * ((1 - B) + B * lengths / avg))
        return out


def _idf(top: Searcher, fieldname: str, text) -> float:
    n = top.doc_frequency(fieldname, text)
    return math.log(top.doc_count_all() / (n + 1)) + 1


def _field_lengths(leaf: Searcher, fieldname: str) -> np.ndarray:
    reader = leaf.reader()
    segment = reader.segment()
    key = (segment.segment_id() if segment else id(reader), fieldname, reader.doc_count_all())
    lengths = _LENGTHS.get(key)
    if lengths is None:
        lengths = np.fromiter((reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())),
                              dtype=np.float64, count=reader.doc_count_all())
        _LENGTHS[key] = lengths
        while len(_LENGTHS) > _LENGTH_CACHE_SIZE:
            _LENGTHS.popitem(last=False)
    else:
        _LENGTHS.move_to_end(key)
    return lengths
