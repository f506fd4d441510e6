"""Fast matching: the set of docnums a compiled Whoosh query matches, without scoring.

Whoosh's ``docs_for_query`` walks its matcher tree one posting at a time in
Python. Facet counts only need the *set* of matching documents, so this module
reads each term's postings block by block and combines the sets with Python's
C-implemented set algebra (union, intersection, difference). Query types it
does not know (phrases, ranges) fall back to Whoosh's own matcher on the
documents the rest of the query allows.
"""

from whoosh import query as wq
from whoosh.searching import Searcher

from archive.phrases import phrase_docs
from archive.postings import Postings


def matching_docs(searcher: Searcher, q: wq.Query, postings: Postings | None = None) -> set[int]:
    """Global docnums matched by ``q`` (deleted documents excluded), like ``docs_for_query``."""
    found: set[int] = set()
    postings = postings or Postings()
    for leaf, offset in searcher.leaf_searchers():
        local = _Leaf(leaf, postings).docs(q)
        found.update(local if not offset else (d + offset for d in local))
    return found


class _Leaf:
    """Evaluates a query tree against one segment."""

    def __init__(self, searcher: Searcher, postings: Postings):
        self.searcher = searcher
        self.postings = postings
        self.reader = searcher.reader()
        self._all: set[int] | None = None

    def all_docs(self) -> set[int]:
        if self._all is None:
            self._all = set(self.reader.all_doc_ids())
        return self._all

    def docs(self, q: wq.Query) -> set[int]:
        docs = self._eval(q)
        if self.reader.has_deletions():
            docs &= self.all_docs()
        return docs

    def _eval(self, q: wq.Query) -> set[int]:
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, None)
        if isinstance(q, (wq.Or, wq.DisjunctionMax)):
            return set().union(*(self._eval(sub) for sub in q.subqueries))
        if isinstance(q, wq.And):
            return self._all_of(q.subqueries)
        if isinstance(q, wq.AndNot):
            return self._eval(q.a) - self._eval(q.b)
        if isinstance(q, wq.AndMaybe):
            return self._eval(q.a)
        if isinstance(q, wq.Not):
            return self.all_docs() - self._eval(q.query)
        if isinstance(q, wq.Every):
            return set(self.all_docs())
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return set()
        return set(self.searcher.docs_for_query(q))

    def _all_of(self, subqueries: list[wq.Query]) -> set[int]:
        # Cheap parts first; a phrase is then only checked on the documents that contain its words.
        simple = [s for s in subqueries if not isinstance(s, wq.Phrase)]
        phrases = [s for s in subqueries if isinstance(s, wq.Phrase)]
        result: set[int] | None = None
        for sub in simple:
            docs = self._eval(sub)
            result = docs if result is None else result & docs
            if not result:
                return set()
        for phrase in phrases:
            result = self._phrase(phrase, result)
        return result if result is not None else set(self.all_docs())

    def _phrase(self, phrase: wq.Phrase, within: set[int] | None) -> set[int]:
        """Documents with the phrase: its words' sets intersected, then positions checked there."""
        candidates = within
        for word in phrase.words:
            docs = self._term(wq.Term(phrase.fieldname, word))
            candidates = docs if candidates is None else candidates & docs
            if not candidates:
                return set()
        found = phrase_docs(self.searcher, phrase, candidates or set())
        if found is None:
            found = set(self.searcher.docs_for_query(phrase))
            return found & candidates if candidates is not None else found
        return found

    def _term(self, q: wq.Term) -> set[int]:
        return set(self.postings.get(self.searcher, q)[0].tolist())
