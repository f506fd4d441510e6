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

from archive.engine.whoosh.postings import ArrayCache, segment_key

_INT_SIZE = 4  # whoosh.formats.Positions: a packed count precedes the pickled deltas
_SHIFT = 32
_POSITIONS = ArrayCache(128 * 2**20)  # decoded keys of words with many candidates
_ENCODED = ArrayCache(32 * 2**20)  # encoded positions, decoded per candidate when candidates are few
FEW_CANDIDATES = 4  # candidates fewer than a quarter of a word's documents: decode theirs only


def phrase_docs(leaf: Searcher, phrase: wq.Phrase, candidates: np.ndarray) -> np.ndarray | None:
    """The docnums of ``candidates`` (a mask over the segment) with the exact phrase, as an array;
    None when this phrase needs Whoosh's matcher."""
    if phrase.slop != 1 or len(phrase.words) < 2 or phrase.fieldname not in leaf.schema:
        return None
    keys = []
    for word in phrase.words:
        found = _positions(leaf, phrase.fieldname, word, candidates)
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


def _positions(leaf: Searcher, fieldname: str, word: str, candidates: np.ndarray) -> np.ndarray | None:
    """The word's position keys: every document's (cached) when the candidates are many, else only
    the candidates' (decoded from the cached encoded positions: per-document decoding is the cost)."""
    key = segment_key(leaf, "positions", fieldname, word)
    found = _POSITIONS.get(key) if key else None
    if found is not None:
        return found[0]
    encoded = _encoded(leaf, fieldname, word)
    if encoded is None:
        return None
    ids = encoded[0]
    few = int(candidates.sum()) * FEW_CANDIDATES < ids.size
    keys = _keys(encoded, candidates[ids] if few else None)
    if key and not few:
        _POSITIONS.put(key, (keys,))
    return keys


def _keys(encoded: tuple[np.ndarray, np.ndarray, np.ndarray], take: np.ndarray | None) -> np.ndarray:
    """Sorted keys ``docnum << 32 | position`` from encoded positions (of the rows in ``take`` only)."""
    ids, offsets, data = encoded
    rows = np.flatnonzero(take) if take is not None else range(ids.size)
    parts = [np.fromiter(_decode(data[offsets[r]:offsets[r + 1]].tobytes()), dtype=np.int64) + (int(ids[r]) << _SHIFT)
             for r in rows]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _encoded(leaf: Searcher, fieldname: str, word: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    key = segment_key(leaf, "encoded", fieldname, word)
    found = _ENCODED.get(key) if key else None
    if found is None:
        found = _read_encoded(leaf, fieldname, word)
        if found is not None and key:
            _ENCODED.put(key, found)
    return found


def _read_encoded(leaf: Searcher, fieldname: str, word: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A word's docnums, and its encoded positions per document as one buffer with offsets; None if
    its postings are not block-readable."""
    matcher = wq.Term(fieldname, word).matcher(leaf)
    if not matcher.is_active():
        return np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    if not isinstance(matcher, W3LeafMatcher) or not matcher.supports("positions"):
        return None
    ids: list[int] = []
    values: list[bytes] = []
    while matcher.is_active():
        matcher._read_ids()  # block-level access to the postings, as in archive.engine.whoosh.postings
        matcher._read_values()
        ids.extend(matcher._ids[matcher._i:])
        values.extend(matcher._values[matcher._i:])
        matcher._next_block()
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in values], out=offsets[1:])
    data = np.frombuffer(b"".join(values), dtype=np.uint8)
    return np.asarray(ids, dtype=np.int64), offsets, data


def _decode(raw: bytes):
    if not raw.endswith(b"."):
        raw += b"."
    return accumulate(loads(raw[_INT_SIZE:]))
