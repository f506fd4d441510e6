"""Posting lists read a block at a time, decoded once and kept in a bounded cache.

Matching (``archive.engine.whoosh.docsets``) and scoring (``archive.engine.whoosh.scoring``) read the same
terms; a ``Postings`` object shared by both decodes each list once per request.
Decoded lists are also kept across requests in a per-process LRU cache bounded
by bytes (``CACHE_BYTES``): a segment never changes once written, so a list
keyed by segment id, field and term stays valid until the segment is merged
away, and then simply ages out. Frequent words, the costly ones, stay decoded.

It reaches into Whoosh's block reader (``W3LeafMatcher``) because Whoosh's
public matcher API steps one posting at a time in Python.
"""

import threading
from collections import OrderedDict

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.searching import Searcher

# docnums as int32 and term weights (frequencies) as float32: half the bytes, so the cache holds twice the lists
IDS, WEIGHTS = np.int32, np.float32
_EMPTY = (np.zeros(0, dtype=IDS), np.zeros(0, dtype=WEIGHTS))


CACHE_BYTES = 128 * 2**20  # decoded postings kept per process


class ArrayCache:
    """A thread-safe LRU of tuples of numpy arrays, bounded by the bytes of its arrays."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0

    def put(self, key, value: tuple[np.ndarray, ...]) -> None:
        size = _nbytes(value)
        if size > self.limit // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self.used += size
            while self.used > self.limit:
                _, old = self._items.popitem(last=False)
                self.used -= _nbytes(old)


def _nbytes(arrays: tuple[np.ndarray, ...]) -> int:
    return sum(a.nbytes for a in arrays)


def segment_key(leaf: Searcher, *parts) -> tuple | None:
    """A cache key for ``parts`` in the segment of ``leaf`` (None if the reader has no segment).

    Whoosh draws segment ids from the global ``random`` (which test tools reseed), so the key also
    names the index folder: two indexes in one process never share an entry."""
    reader = leaf.reader()
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return None
    folder = getattr(getattr(reader, "_storage", None), "folder", None)
    return (folder or id(reader), segment.segment_id(), *parts)


_SHARED = ArrayCache(CACHE_BYTES)


class Postings:
    """Per-request memo over the shared cache: (segment, field, term) -> (ids, weights) as numpy arrays."""

    def __init__(self):
        self._memo: dict = {}

    def get(self, leaf: Searcher, term: wq.Term) -> tuple[np.ndarray, np.ndarray]:
        memo_key = (id(leaf.reader()), term.fieldname, term.text)
        found = self._memo.get(memo_key)
        if found is None:
            shared_key = segment_key(leaf, term.fieldname, term.text)
            found = _SHARED.get(shared_key) if shared_key else None
            if found is None:
                found = _read(leaf, term)
                if shared_key:
                    _SHARED.put(shared_key, found)
            self._memo[memo_key] = found
        return found


def _read(leaf: Searcher, term: wq.Term) -> tuple[np.ndarray, np.ndarray]:
    if term.fieldname not in leaf.schema:
        return _EMPTY
    matcher = term.matcher(leaf)
    if isinstance(matcher, W3LeafMatcher):
        return _read_blocks(matcher)
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():  # short lists inlined in the term info, or no postings at all
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=IDS), np.asarray(weights, dtype=WEIGHTS)


def _read_blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """Every block's ids and weights, decoded with numpy (Whoosh's own decoding is a Python generator
    per posting). A block holds (ids as deltas unless stored as bytes, weights or one weight or None)."""
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_data()
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]
        block = np.asarray(raw_ids, dtype=np.int64)
        if not matcher._byteids:
            block = np.cumsum(block)
        count = block.size
        if raw_weights is None or isinstance(raw_weights, float):
            block_weights = np.full(count, 1.0 if raw_weights is None else raw_weights)
        else:
            block_weights = np.asarray(raw_weights, dtype=np.float64)
        ids.append(block[matcher._i:])
        weights.append(block_weights[matcher._i:])
        matcher._next_block()
    if not ids:
        return _EMPTY
    return np.concatenate(ids).astype(IDS), np.concatenate(weights).astype(WEIGHTS)
