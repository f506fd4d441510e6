"""The Whoosh engine's reader: one searcher and its facet table, executing plans with numpy.

Matching is ``docsets`` (posting lists as masks), scoring ``scoring`` (Whoosh's BM25F in vectors); both read
each posting list once per request (``postings``), all in ``archive.engine.whoosh``.
"""

import numpy as np
from whoosh.searching import Searcher

from archive.columns import FacetTable
from archive.engine.whoosh.docsets import matching_mask
from archive.engine.whoosh.plan import WhooshTerms, to_query
from archive.engine.whoosh.postings import Postings
from archive.engine.whoosh.scoring import top_scores
from archive.query import plan as p


class WhooshExecution:
    """One request against one searcher: each posting list decoded once."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.postings = Postings()

    def match(self, plan: p.Plan) -> np.ndarray:
        return matching_mask(self.searcher, to_query(plan), self.postings)

    def top(self, plan: p.Plan, candidates: np.ndarray, limit: int,
            prior: np.ndarray | None = None) -> list[tuple[int, float]]:
        return top_scores(self.searcher, to_query(plan), candidates, limit, self.postings, prior)


class WhooshReader:
    """``archive.engine.Reader`` over a Whoosh searcher."""

    kind = "whoosh"

    def __init__(self, searcher: Searcher, table: FacetTable):
        self.searcher = searcher
        self.table = table
        self.terms = WhooshTerms(searcher)
        self.state = _state(searcher)

    def execution(self) -> WhooshExecution:
        return WhooshExecution(self.searcher)


def _state(searcher: Searcher) -> tuple:
    """Changes whenever the index does: its segments and live documents."""
    segments = []
    for leaf, _offset in searcher.leaf_searchers():
        segment = leaf.reader().segment()
        segments.append(segment.segment_id() if segment else None)
    return (tuple(segments), searcher.doc_count(), searcher.doc_count_all())
