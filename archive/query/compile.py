"""Compile query trees to Whoosh queries, and collect the terms to highlight.

Text searches both ``title`` (boost 3) and ``body``; ``titel:`` searches only ``title``. Facet fields
are delegated to caller-supplied callables. ``None`` inside the compiler means "nothing to search"
(e.g. only stopwords) and is dropped; ``NullQuery`` means "matches nothing" and empties an AND.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh.query.compound import DefaultOr
from whoosh.searching import Searcher

from archive.analysis import TokenTerms, iter_tokens, prefix_key, term
from archive.query.ast import TEXT_FIELD, And, Field, MatchAll, Node, Not, Or, Phrase, Prefix, Word
from archive.query.expand import Lexicon, lexicon, synonyms_of

__all__ = [
    "MAX_PREFIX_SCAN", "MAX_PREFIX_TERMS", "TEXT_FIELDS", "Union", "highlight_terms", "prefix_expansions", "to_whoosh",
]

TEXT_FIELDS: tuple[tuple[str, float], ...] = (("title", 3.0), ("body", 1.0))
TITLE_ONLY: tuple[tuple[str, float], ...] = (("title", 1.0),)
PARTS_FIELDS = {"title": "title_parts", "body": "body_parts"}
MAX_PREFIX_TERMS = 64  # expansions kept per field, highest document frequency first
MAX_PREFIX_SCAN = 2000  # index terms looked at per field (in lexicographic order)
SMALL_SEGMENT_DOCS = 2048  # see Union
MAX_COMPOUND_VARIANTS = 3  # phrases with more hyphenated compounds only use the split form
# Weights of a word's expansions relative to the word itself (see archive/query/expand.py).
SPLIT_BOOST = 0.4  # all parts of a closed compound ("Radverkehr" ... "Förderung" for "Radverkehrsförderung")
HEAD_BOOST = 0.3  # compounds beginning with the word ("Straßenbahnlinie" for "Straßenbahn")
PARTS_BOOST = 0.3  # the word as a part of closed compounds in the text ("Grundschule" for "Schule"), see index.py
SYNONYM_BOOST = 0.9  # synonyms and abbreviations from archive/synonyms.csv (near equivalents)
MAX_SYNONYMS = 6
_NON_WORD_RE = re.compile(r"[\W_]+")

Targets = tuple[tuple[str, float], ...]
FieldQueries = Mapping[str, Callable[[str], wq.Query]] | Any


def _infos(texts: Iterable[str]) -> list[TokenTerms]:
    return [info for text in texts for _match, info in iter_tokens(text) if info.parts]


class Union(wq.Or):
    """``Or`` that merges its sub-matchers as a tree of unions in small segments. Whoosh's default
    there is an array matcher whose setup (clearing a 2,048-slot array in Python, per segment and per
    ``Or``) dominated the time of expanded queries on small indexes; large segments keep Whoosh's choice."""

    def _matcher(self, subs, searcher, context):
        if searcher.doc_count_all() < SMALL_SEGMENT_DOCS:
            return DefaultOr(subs, boost=self.boost).matcher(searcher, context)
        return super()._matcher(subs, searcher, context)


def _any(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else Union(queries)


def _token_query(info: TokenTerms, fieldname: str, boost: float) -> wq.Query:
    if info.joined is None:
        return _any([wq.Term(fieldname, text, boost=boost) for text in info.parts[0].terms])
    parts = [part.terms[0] for part in info.parts]
    split = wq.Phrase(fieldname, parts, boost=boost) if len(parts) > 1 else wq.Term(fieldname, parts[0], boost=boost)
    return Union([wq.Term(fieldname, info.joined, boost=boost), split])


def _phrase_variants(infos: list[TokenTerms]) -> list[list[str]]:
    """Term sequences for a phrase: each compound either split into its parts or joined."""
    compounds = sum(info.joined is not None for info in infos)
    variants: list[list[str]] = [[]]
    for info in infos:
        options = [[part.terms[0] for part in info.parts]]
        if info.joined is not None and compounds <= MAX_COMPOUND_VARIANTS:
            options.append([info.joined])
        variants = [variant + option for variant in variants for option in options]
    return variants


def _words_query(texts: Iterable[str], targets: Targets, phrase: bool, lex: Lexicon | None = None) -> wq.Query | None:
    tokens = [(match.group(), info) for text in texts for match, info in iter_tokens(text) if info.parts]
    if not tokens:
        return None
    infos = [info for _raw, info in tokens]
    if phrase and len(infos) > 1:
        variants = _phrase_variants(infos)
        return _any([wq.Phrase(f, v, boost=b) for f, b in targets for v in variants])
    per_token = [_expanded(raw, info, targets, lex) for raw, info in tokens]
    return per_token[0] if len(per_token) == 1 else wq.And(per_token)


def _expanded(raw: str, info: TokenTerms, targets: Targets, lex: Lexicon | None) -> wq.Query:
    """One query word: its own terms, plus (with a lexicon) compound parts, compound heads and synonyms
    at lower weights. The word itself always scores highest."""
    exact = [_token_query(info, f, b) for f, b in targets]
    if lex is None:
        return _any(exact)
    extra: list[wq.Query] = []
    if info.joined is None and len(info.parts) == 1 and len(info.parts[0].terms) == 1:
        stem = info.parts[0].terms[0]
        parts = lex.split(raw)
        if parts:
            extra.append(wq.And([_any([wq.Term(f, p, boost=b) for f, b in targets]) for p in parts], boost=SPLIT_BOOST))
        heads = lex.heads(stem)
        if heads:
            extra.append(_any([wq.Term(f, h, boost=b) for f, b in targets for h in heads]).with_boost(HEAD_BOOST))
    own = info.joined or info.parts[0].terms[0]
    extra.append(_any([wq.Term(PARTS_FIELDS[f], own, boost=b * PARTS_BOOST) for f, b in targets]))
    for synonym in () if lex.common(own) else synonyms_of(raw)[:MAX_SYNONYMS]:
        compiled = _words_query(synonym.words, targets, phrase=len(synonym.words) > 1)
        if compiled is not None:
            extra.append(compiled.with_boost(SYNONYM_BOOST))
    return _any(exact + extra)


def prefix_expansions(text: str, searcher: Searcher, fieldname: str) -> list[str]:
    """Index terms of ``fieldname`` matched by the prefix ``text``: bounded, most frequent first.

    Index terms are stems, so the folded prefix alone would miss the word itself when the stem is
    shorter than the prefix ("Gebühren*" vs. the stem "gebuhr"); the stem of the prefix is added.
    """
    if fieldname not in searcher.schema:
        return []
    reader = searcher.reader()
    key = prefix_key(text)
    scanned = islice(reader.iter_prefix(fieldname, key), MAX_PREFIX_SCAN)
    found = {_text(raw): info.doc_frequency() for raw, info in scanned}
    stemmed = term(_NON_WORD_RE.sub("", text))
    if stemmed not in found and stemmed:
        frequency = reader.doc_frequency(fieldname, stemmed)
        if frequency:
            found[stemmed] = frequency
    return heapq.nlargest(MAX_PREFIX_TERMS, found, key=lambda t: (found[t], t))


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


def _prefix_query(text: str, searcher: Searcher, targets: Targets) -> wq.Query | None:
    if len(prefix_key(text)) < 2:
        return _words_query([text], targets, phrase=False)
    terms = [wq.Term(f, t, boost=b) for f, b in targets for t in prefix_expansions(text, searcher, f)]
    return _any(terms) if terms else wq.NullQuery


class _Compiler:
    def __init__(self, searcher: Searcher, fields: FieldQueries) -> None:
        self.searcher = searcher
        self.fields = fields
        self.lexicon = lexicon(searcher)

    def compile(self, node: Node, targets: Targets = TEXT_FIELDS) -> wq.Query | None:
        if isinstance(node, Word):
            # Expansions for free text only; ``titel:`` stays a strict field search.
            lex = self.lexicon if targets is TEXT_FIELDS else None
            return _words_query([node.text], targets, phrase=False, lex=lex)
        if isinstance(node, Phrase):
            return _words_query(node.words, targets, phrase=True)
        if isinstance(node, Prefix):
            return _prefix_query(node.text, self.searcher, targets)
        if isinstance(node, Field):
            return self._field(node)
        if isinstance(node, Not):
            return self._not(node)
        if isinstance(node, And):
            return self._and(node)
        if isinstance(node, Or):
            return self._or(node)
        if isinstance(node, MatchAll):
            return wq.Every()
        raise TypeError(f"not a query node: {node!r}")

    def _field(self, node: Field) -> wq.Query | None:
        if node.name == TEXT_FIELD:
            if isinstance(node.value, str):
                return _words_query([node.value], TITLE_ONLY, phrase=True)
            return self.compile(node.value, TITLE_ONLY)
        handler = self.fields[node.name] if isinstance(self.fields, Mapping) else getattr(self.fields, node.name)
        return handler(str(node.value))

    def _not(self, node: Not) -> wq.Query | None:
        inner = self.compile(node.node)
        if inner is None or inner is wq.NullQuery:
            return None
        return wq.Not(inner)

    def _and(self, node: And) -> wq.Query | None:
        positives: list[wq.Query] = []
        negatives: list[wq.Query] = []
        for child in node.children:
            if isinstance(child, MatchAll):
                continue
            compiled = self.compile(child.node if isinstance(child, Not) else child)
            if compiled is wq.NullQuery and not isinstance(child, Not):
                return wq.NullQuery
            if compiled is not None and compiled is not wq.NullQuery:
                (negatives if isinstance(child, Not) else positives).append(compiled)
        if not positives and not negatives:
            return wq.Every() if any(isinstance(c, MatchAll) for c in node.children) else None
        base = wq.Every() if not positives else positives[0] if len(positives) == 1 else wq.And(positives)
        return wq.AndNot(base, _any(negatives)) if negatives else base

    def _or(self, node: Or) -> wq.Query | None:
        compiled = [self.compile(child) for child in node.children]
        useful = [q for q in compiled if q is not None and q is not wq.NullQuery]
        if useful:
            return _any(useful)
        return wq.NullQuery if any(q is wq.NullQuery for q in compiled) else None


def to_whoosh(node: Node, *, searcher: Searcher, fields: FieldQueries) -> wq.Query:
    """Compile a query tree. ``fields`` maps typ/kommune/kreis/land/partei/fraktion/thema/jahr
    (as mapping keys or attributes) to ``value -> whoosh Query``. Nothing to search -> ``NullQuery``."""
    compiled = _Compiler(searcher, fields).compile(node)
    return wq.NullQuery if compiled is None else compiled


def _highlight(node: Node, searcher: Searcher, out: set[str]) -> None:
    if isinstance(node, Word):
        out.update(t for info in _infos([node.text]) for t in info.all_terms)
    elif isinstance(node, Phrase):
        out.update(t for info in _infos(node.words) for t in info.all_terms)
    elif isinstance(node, Prefix):
        if len(prefix_key(node.text)) < 2:
            _highlight(Word(node.text), searcher, out)
        for fieldname, _boost in TEXT_FIELDS:
            out.update(prefix_expansions(node.text, searcher, fieldname))
    elif isinstance(node, Field) and node.name == TEXT_FIELD:
        _highlight(Word(node.value) if isinstance(node.value, str) else node.value, searcher, out)
    elif isinstance(node, And | Or):
        for child in node.children:
            _highlight(child, searcher, out)


def highlight_terms(node: Node, searcher: Searcher) -> set[str]:
    """Analyzed terms (including bounded prefix expansions) to mark in snippets; negations excluded."""
    out: set[str] = set()
    _highlight(node, searcher, out)
    return out

