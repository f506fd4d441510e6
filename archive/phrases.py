"""Exact phrase checks from position postings, only on documents that hold every word.

Whoosh verifies phrases with its span matcher, a Python object per posting,
which made phrase queries of common words the slowest searches. Here each
word's positions are read a block at a time and decoded only for the
candidate documents; a document matches when some position p has word i at
p + i for every word (slop 1, the only slop the query language produces).
"""

from itertools import accumulate
from pickle import loads

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.searching import Searcher

_INT_SIZE = 4  # whoosh.formats.Positions: a packed count precedes the pickled deltas


def phrase_docs(leaf: Searcher, phrase: wq.Phrase, candidates: set[int]) -> set[int] | None:
    """Documents of ``candidates`` with the exact phrase; None when this phrase needs Whoosh's matcher."""
    if phrase.slop != 1 or len(phrase.words) < 2 or phrase.fieldname not in leaf.schema:
        return None
    positions = []
    for word in phrase.words:
        found = _positions(leaf, phrase.fieldname, word, candidates)
        if found is None:
            return None
        positions.append(found)
    return {doc for doc in candidates if _has_run(doc, positions)}


def _has_run(doc: int, positions: list[dict[int, bytes]]) -> bool:
    encoded = [per_doc.get(doc) for per_doc in positions]
    if any(raw is None for raw in encoded):
        return False
    # Start positions the phrase could have, narrowed word by word (rarest first).
    shifted = sorted(({p - i for p in _decode(raw)} for i, raw in enumerate(encoded)), key=len)
    starts = shifted[0]
    for more in shifted[1:]:
        starts = starts & more
        if not starts:
            return False
    return True


def _decode(raw: bytes) -> set[int]:
    if not raw.endswith(b"."):
        raw += b"."
    return set(accumulate(loads(raw[_INT_SIZE:])))


def _positions(leaf: Searcher, fieldname: str, word: str, candidates: set[int]) -> dict[int, bytes] | None:
    """docnum -> encoded positions of one word, for the candidates only; None if not block-readable."""
    matcher = wq.Term(fieldname, word).matcher(leaf)
    if not matcher.is_active():
        return {}
    if not isinstance(matcher, W3LeafMatcher) or not matcher.supports("positions"):
        return None
    found: dict[int, bytes] = {}
    while matcher.is_active():
        matcher._read_ids()  # block-level access to the postings, as in archive.postings
        matcher._read_values()
        for i in range(matcher._i, len(matcher._ids)):
            if matcher._ids[i] in candidates:
                found[matcher._ids[i]] = matcher._values[i]
        matcher._next_block()
    return found
