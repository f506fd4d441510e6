"""Compile query trees to engine-neutral plans (``archive.query.plan``), and collect the terms to highlight.

Text searches both ``title`` (boost 3) and ``body``; ``titel:`` searches only ``title``. Facet fields
are delegated to caller-supplied callables. ``None`` inside the compiler means "nothing to search"
(e.g. only stopwords) and is dropped; ``NOTHING`` means "matches nothing" and empties an AND. The index's
terms (document frequencies, prefixes) come from the engine's ``Terms`` (``archive.engine``).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from archive.analysis import TokenTerms, iter_tokens, prefix_key, term, token_terms
from archive.query import plan as wq
from archive.query.ast import TEXT_FIELD, And, Field, MatchAll, Node, Not, Or, Phrase, Prefix, Word
from archive.query.expand import Lexicon, lexicon, synonyms_of
from archive.query.plan import Terms

__all__ = [
    "MAX_PREFIX_SCAN", "MAX_PREFIX_TERMS", "TEXT_FIELDS", "compound_parts", "highlight_terms", "prefix_expansions",
    "to_plan",
]

TEXT_FIELDS: tuple[tuple[str, float], ...] = (("title", 3.0), ("body", 1.0))
TITLE_ONLY: tuple[tuple[str, float], ...] = (("title", 1.0),)
PARTS_FIELDS = {"title": "title_parts", "body": "body_parts"}
MAX_PREFIX_TERMS = 64  # expansions kept per field, highest document frequency first
MAX_PREFIX_SCAN = 2000  # index terms looked at per field (in lexicographic order)
MAX_COMPOUND_VARIANTS = 3  # phrases with more hyphenated compounds only use the split form
# Weights of a word's expansions relative to the word itself (see archive/query/expand.py).
SPLIT_BOOST = 0.4  # all parts of a closed compound ("Radverkehr" ... "Förderung" for "Radverkehrsförderung")
HEAD_BOOST = 0.3  # compounds beginning with the word ("Straßenbahnlinie" for "Straßenbahn")
PARTS_BOOST = 0.3  # the word as a part of closed compounds in the text ("Grundschule" for "Schule"), see index.py
SYNONYM_BOOST = 0.9  # synonyms and abbreviations from archive/synonyms.csv (near equivalents)
MAX_SYNONYMS = 6
_NON_WORD_RE = re.compile(r"[\W_]+")

Targets = tuple[tuple[str, float], ...]
FieldQueries = Mapping[str, Callable[[str], wq.Plan]] | Any


def _infos(texts: Iterable[str]) -> list[TokenTerms]:
    return [info for text in texts for _match, info in iter_tokens(text) if info.parts]


def _any(queries: list[wq.Plan]) -> wq.Plan:
    return queries[0] if len(queries) == 1 else wq.Any(tuple(queries))


def _token_query(info: TokenTerms, fieldname: str, boost: float) -> wq.Plan:
    if info.joined is None:
        return _any([wq.Term(fieldname, text, boost=boost) for text in info.parts[0].terms])
    parts = tuple(part.terms[0] for part in info.parts)
    split = wq.Phrase(fieldname, parts, boost=boost) if len(parts) > 1 else wq.Term(fieldname, parts[0], boost=boost)
    return wq.Any((wq.Term(fieldname, info.joined, boost=boost), split))


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


def _words_query(texts: Iterable[str], targets: Targets, phrase: bool, lex: Lexicon | None = None) -> wq.Plan | None:
    tokens = [(match.group(), info) for text in texts for match, info in iter_tokens(text) if info.parts]
    if not tokens:
        return None
    infos = [info for _raw, info in tokens]
    if phrase and len(infos) > 1:
        variants = _phrase_variants(infos)
        return _any([wq.Phrase(f, tuple(v), boost=b) for f, b in targets for v in variants])
    per_token = [_expanded(raw, info, targets, lex) for raw, info in tokens]
    return per_token[0] if len(per_token) == 1 else wq.All(tuple(per_token))


def _expanded(raw: str, info: TokenTerms, targets: Targets, lex: Lexicon | None) -> wq.Plan:
    """One query word: its own terms, plus (with a lexicon) compound parts, compound heads and synonyms
    at lower weights. The word itself always scores highest."""
    exact = [_token_query(info, f, b) for f, b in targets]
    if lex is None:
        return _any(exact)
    extra: list[wq.Plan] = []
    if info.joined is None and len(info.parts) == 1 and len(info.parts[0].terms) == 1:
        stem = info.parts[0].terms[0]
        parts = lex.split(raw)
        if parts:
            each = tuple(_part_query(p, targets) for p in parts)
            extra.append(wq.All(each, boost=SPLIT_BOOST))
        heads = lex.heads(stem)
        if heads:
            extra.append(wq.with_boost(_any([wq.Term(f, h, boost=b) for f, b in targets for h in heads]), HEAD_BOOST))
    own = info.joined or info.parts[0].terms[0]
    extra.append(_any([wq.Term(PARTS_FIELDS[f], own, boost=b * PARTS_BOOST) for f, b in targets]))
    for synonym in () if lex.common(own) else synonyms_of(raw)[:MAX_SYNONYMS]:
        compiled = _words_query(synonym.words, targets, phrase=len(synonym.words) > 1)
        if compiled is not None:
            extra.append(wq.with_boost(compiled, SYNONYM_BOOST))
    return _any(exact + extra)


def _part_query(part: str, targets: Targets) -> wq.Plan:
    """A part of a query compound, as a word of the text or as a part of the text's own compounds."""
    own = [wq.Term(f, part, boost=b) for f, b in targets]
    inside = [wq.Term(PARTS_FIELDS[f], part, boost=b * PARTS_BOOST) for f, b in targets]
    return _any(own + inside)


def compound_parts(word: str, terms: Terms) -> tuple[wq.Plan, ...]:
    """One plan per part of a free-text query word that is a closed compound ("Hochwasserschutz": "Hochwasser",
    "Schutz"), each as a word or as a part of the text's compounds; () for other words. Partial matches of a
    compound use these (``archive.search``)."""
    info = token_terms(word)
    if info.joined is not None or len(info.parts) != 1:
        return ()
    parts = lexicon(terms).split(word)
    return tuple(_part_query(p, TEXT_FIELDS) for p in parts) if parts else ()


def prefix_expansions(text: str, terms: Terms, fieldname: str) -> list[str]:
    """Index terms of ``fieldname`` matched by the prefix ``text``: bounded, most frequent first.

    Index terms are stems, so the folded prefix alone would miss the word itself when the stem is
    shorter than the prefix ("Gebühren*" vs. the stem "gebuhr"); the stem of the prefix is added.
    """
    if not terms.has_field(fieldname):
        return []
    key = prefix_key(text)
    found = dict(terms.terms_with_prefix(fieldname, key, MAX_PREFIX_SCAN))
    stemmed = term(_NON_WORD_RE.sub("", text))
    if stemmed not in found and stemmed:
        frequency = terms.doc_frequency(fieldname, stemmed)
        if frequency:
            found[stemmed] = frequency
    return heapq.nlargest(MAX_PREFIX_TERMS, found, key=lambda t: (found[t], t))


def _prefix_query(text: str, terms: Terms, targets: Targets) -> wq.Plan | None:
    if len(prefix_key(text)) < 2:
        return _words_query([text], targets, phrase=False)
    found = [wq.Term(f, t, boost=b) for f, b in targets for t in prefix_expansions(text, terms, f)]
    return _any(found) if found else wq.NOTHING


class _Compiler:
    def __init__(self, terms: Terms, fields: FieldQueries) -> None:
        self.terms = terms
        self.fields = fields
        self.lexicon = lexicon(terms)

    def compile(self, node: Node, targets: Targets = TEXT_FIELDS) -> wq.Plan | None:
        if isinstance(node, Word):
            # Expansions for free text only; ``titel:`` stays a strict field search.
            lex = self.lexicon if targets is TEXT_FIELDS else None
            return _words_query([node.text], targets, phrase=False, lex=lex)
        if isinstance(node, Phrase):
            return _words_query(node.words, targets, phrase=True)
        if isinstance(node, Prefix):
            return _prefix_query(node.text, self.terms, targets)
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

    def _field(self, node: Field) -> wq.Plan | None:
        if node.name == TEXT_FIELD:
            if isinstance(node.value, str):
                return _words_query([node.value], TITLE_ONLY, phrase=True)
            return self.compile(node.value, TITLE_ONLY)
        handler = self.fields[node.name] if isinstance(self.fields, Mapping) else getattr(self.fields, node.name)
        return handler(str(node.value))

    def _not(self, node: Not) -> wq.Plan | None:
        inner = self.compile(node.node)
        if inner is None or inner is wq.NOTHING:
            return None
        return wq.Not(inner)

    def _and(self, node: And) -> wq.Plan | None:
        positives: list[wq.Plan] = []
        negatives: list[wq.Plan] = []
        for child in node.children:
            if isinstance(child, MatchAll):
                continue
            compiled = self.compile(child.node if isinstance(child, Not) else child)
            if compiled is wq.NOTHING and not isinstance(child, Not):
                return wq.NOTHING
            if compiled is not None and compiled is not wq.NOTHING:
                (negatives if isinstance(child, Not) else positives).append(compiled)
        if not positives and not negatives:
            return wq.Every() if any(isinstance(c, MatchAll) for c in node.children) else None
        base = wq.Every() if not positives else positives[0] if len(positives) == 1 else wq.All(tuple(positives))
        return wq.AndNot(base, _any(negatives)) if negatives else base

    def _or(self, node: Or) -> wq.Plan | None:
        compiled = [self.compile(child) for child in node.children]
        useful = [q for q in compiled if q is not None and q is not wq.NOTHING]
        if useful:
            return _any(useful)
        return wq.NOTHING if any(q is wq.NOTHING for q in compiled) else None


def to_plan(node: Node, *, terms: Terms, fields: FieldQueries) -> wq.Plan:
    """Compile a query tree. ``fields`` maps typ/kommune/kreis/land/partei/fraktion/thema/jahr
    (as mapping keys or attributes) to ``value -> Plan``. Nothing to search -> ``NOTHING``."""
    compiled = _Compiler(terms, fields).compile(node)
    return wq.NOTHING if compiled is None else compiled


def _highlight(node: Node, terms: Terms, out: set[str]) -> None:
    if isinstance(node, Word):
        out.update(t for info in _infos([node.text]) for t in info.all_terms)
    elif isinstance(node, Phrase):
        out.update(t for info in _infos(node.words) for t in info.all_terms)
    elif isinstance(node, Prefix):
        if len(prefix_key(node.text)) < 2:
            _highlight(Word(node.text), terms, out)
        for fieldname, _boost in TEXT_FIELDS:
            out.update(prefix_expansions(node.text, terms, fieldname))
    elif isinstance(node, Field) and node.name == TEXT_FIELD:
        _highlight(Word(node.value) if isinstance(node.value, str) else node.value, terms, out)
    elif isinstance(node, And | Or):
        for child in node.children:
            _highlight(child, terms, out)


def highlight_terms(node: Node, terms: Terms) -> set[str]:
    """Analyzed terms (including bounded prefix expansions) to mark in snippets; negations excluded."""
    out: set[str] = set()
    _highlight(node, terms, out)
    return out

