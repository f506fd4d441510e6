"""Exact phrase checks from position postings, vectorised, only on documents that hold every word.

Whoosh verifies phrases with its span matcher, a Python object per posting,
which made phrase queries of common words the slowest searches. Here each
word's positions are read a block at a time and decoded into one sorted array
of keys ``docnum << 32 | position``, kept in a bounded cache (segments never
change). A document has the phrase when some start key ``k`` has word ``i`` at
``k + i`` for every word (slop 1, the only slop the query language produces):
one ``searchsorted`` per word, rarest word first.
"""

from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.searching import Searcher

from archive.postings import ArrayCache, segment_key

_INT_SIZE = 4  # whoosh.formats.Positions: a packed count precedes the pickled deltas
_SHIFT = 32
_POSITIONS = ArrayCache(64 * 2**20)


def phrase_docs(leaf: Searcher, phrase: wq.Phrase, candidates: np.ndarray) -> np.ndarray | None:
    """The docnums of ``candidates`` (a mask over the segment) with the exact phrase, as an array;
    None when this phrase needs Whoosh's matcher."""
    if phrase.slop != 1 or len(phrase.words) < 2 or phrase.fieldname not in leaf.schema:
        return None
    keys = []
    for word in phrase.words:
        found = _positions(leaf, phrase.fieldname, word)
        if found is None:
            return None
        keys.append(found)
    rarest = min(range(len(keys)), key=lambda i: keys[i].size)
    starts = keys[rarest] - rarest  # candidate phrase starts
    starts = starts[candidates[starts >> _SHIFT]] if starts.size else starts
    for i, word_keys in sorted(enumerate(keys), key=lambda pair: pair[1].size):
        if i == rarest or not starts.size:
            continue
        wanted = starts + i
        at = np.minimum(np.searchsorted(word_keys, wanted), word_keys.size - 1)
        starts = starts[word_keys[at] == wanted] if word_keys.size else starts[:0]
    return np.unique(starts >> _SHIFT)


def _positions(leaf: Searcher, fieldname: str, word: str) -> np.ndarray | None:
    key = segment_key(leaf, "positions", fieldname, word)
    found = _POSITIONS.get(key) if key else None
    if found is None:
        found = _read_positions(leaf, fieldname, word)
        if found is None:
            return None
        if key:
            _POSITIONS.put(key, (found,))
        return found
    return found[0]


def _read_positions(leaf: Searcher, fieldname: str, word: str) -> np.ndarray | None:
    """Sorted keys ``docnum << 32 | position`` of one word; None if its postings are not block-readable."""
    matcher = wq.Term(fieldname, word).matcher(leaf)
    if not matcher.is_active():
        return np.zeros(0, dtype=np.int64)
    if not isinstance(matcher, W3LeafMatcher) or not matcher.supports("positions"):
        return None
    parts: list[np.ndarray] = []
    while matcher.is_active():
        matcher._read_ids()  # block-level access to the postings, as in archive.postings
        matcher._read_values()
        for i in range(matcher._i, len(matcher._ids)):
            positions = np.fromiter(_decode(matcher._values[i]), dtype=np.int64)
            parts.append(positions + (matcher._ids[i] << _SHIFT))
        matcher._next_block()
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _decode(raw: bytes):
    if not raw.endswith(b"."):
        raw += b"."
    return accumulate(loads(raw[_INT_SIZE:]))
