"""Fast matching: the documents a compiled Whoosh query matches, as a boolean mask, without scoring.

Whoosh's ``docs_for_query`` walks its matcher tree one posting at a time in
Python. Facet counts only need the *set* of matching documents, so this module
reads each term's postings block by block (``archive.engine.whoosh.postings``) and combines
them as numpy boolean masks over the searcher's docnums: union, intersection
and difference are then vector operations, also at 100k documents. Query types
it does not know (ranges and the like) fall back to Whoosh's own matcher.
"""

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from archive.engine.whoosh.phrases import phrase_docs
from archive.engine.whoosh.postings import Postings


def matching_mask(searcher: Searcher, q: wq.Query, postings: Postings | None = None) -> np.ndarray:
    """A boolean mask over global docnums: True where ``q`` matches (deleted documents excluded)."""
    found = np.zeros(searcher.doc_count_all(), dtype=bool)
    postings = postings or Postings()
    for leaf, offset in searcher.leaf_searchers():
        local = _Leaf(leaf, postings).docs(q)
        found[offset:offset + local.size] = local
    return found


def matching_docs(searcher: Searcher, q: wq.Query, postings: Postings | None = None) -> set[int]:
    """Global docnums matched by ``q``, like Whoosh's ``docs_for_query``."""
    return docnums(matching_mask(searcher, q, postings))


def docnums(mask: np.ndarray) -> set[int]:
    return set(np.flatnonzero(mask).tolist())


def mask_of(docs, size: int) -> np.ndarray:
    """A boolean mask of ``size`` docnums with ``docs`` (any iterable of docnums) set."""
    mask = np.zeros(size, dtype=bool)
    mask[np.fromiter(docs, dtype=np.int64)] = True
    return mask


class _Leaf:
    """Evaluates a query tree against one segment, as masks over the segment's docnums."""

    def __init__(self, searcher: Searcher, postings: Postings):
        self.searcher = searcher
        self.postings = postings
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self._live: np.ndarray | None = None

    def none(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def live(self) -> np.ndarray:
        if self._live is None:
            if self.reader.has_deletions():
                self._live = mask_of(self.reader.all_doc_ids(), self.size)
            else:
                self._live = np.ones(self.size, dtype=bool)
        return self._live

    def docs(self, q: wq.Query) -> np.ndarray:
        docs = self._eval(q)
        return docs & self.live() if self.reader.has_deletions() else docs

    def _eval(self, q: wq.Query) -> np.ndarray:
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, None)
        if isinstance(q, (wq.Or, wq.DisjunctionMax)):
            out = self.none()
            for sub in q.subqueries:
                out |= self._eval(sub)
            return out
        if isinstance(q, wq.And):
            return self._all_of(q.subqueries)
        if isinstance(q, wq.AndNot):
            return self._eval(q.a) & ~self._eval(q.b)
        if isinstance(q, wq.AndMaybe):
            return self._eval(q.a)
        if isinstance(q, wq.Not):
            return self.live() & ~self._eval(q.query)
        if isinstance(q, wq.Every):
            return self.live().copy()
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self.none()
        return mask_of(self.searcher.docs_for_query(q), self.size)

    def _all_of(self, subqueries: list[wq.Query]) -> np.ndarray:
        # Cheap parts first; a phrase is then only checked on the documents that contain its words.
        simple = [s for s in subqueries if not isinstance(s, wq.Phrase)]
        phrases = [s for s in subqueries if isinstance(s, wq.Phrase)]
        result: np.ndarray | None = None
        for sub in simple:
            docs = self._eval(sub)
            result = docs if result is None else result & docs
            if not result.any():
                return result
        for phrase in phrases:
            result = self._phrase(phrase, result)
        return result if result is not None else self.live().copy()

    def _phrase(self, phrase: wq.Phrase, within: np.ndarray | None) -> np.ndarray:
        """Documents with the phrase: its words' masks intersected, then positions checked there."""
        candidates = within
        for word in phrase.words:
            docs = self._term(wq.Term(phrase.fieldname, word))
            candidates = docs if candidates is None else candidates & docs
            if not candidates.any():
                return candidates
        if candidates is None:
            return self.none()
        found = phrase_docs(self.searcher, phrase, candidates)
        if found is None:
            return mask_of(self.searcher.docs_for_query(phrase), self.size) & candidates
        out = self.none()
        out[found] = True
        return out

    def _term(self, q: wq.Term) -> np.ndarray:
        out = self.none()
        out[self.postings.get(self.searcher, q)[0]] = True
        return out
