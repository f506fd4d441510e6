"""Posting lists read a block at a time, memoised for the length of one search.

Matching (``archive.docsets``) and scoring (``archive.scoring``) read the same
terms; a ``Postings`` object shared by both decodes each list once per request.
It reaches into Whoosh's block reader (``W3LeafMatcher``) because Whoosh's
public matcher API steps one posting at a time in Python.
"""

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.searching import Searcher

_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Postings:
    """Per-request memo: (segment reader, field, term) -> (ids, weights) as numpy arrays."""

    def __init__(self):
        self._memo: dict = {}

    def get(self, leaf: Searcher, term: wq.Term) -> tuple[np.ndarray, np.ndarray]:
        key = (id(leaf.reader()), term.fieldname, term.text)
        found = self._memo.get(key)
        if found is None:
            found = _read(leaf, term)
            self._memo[key] = found
        return found


def _read(leaf: Searcher, term: wq.Term) -> tuple[np.ndarray, np.ndarray]:
    if term.fieldname not in leaf.schema:
        return _EMPTY
    matcher = term.matcher(leaf)
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids[matcher._i:])
            weights.extend(matcher._weights[matcher._i:])
            matcher._next_block()
    else:  # short lists inlined in the term info, or no postings at all
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
