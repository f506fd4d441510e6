"""Run a search: compile the query, filter and count facets, rank, page, snippet.

The engine (``archive.engine``) executes the compiled plan: which docnums match, and the best of them by
score. Facet counts and filters come from the engine reader's ``FacetTable`` (values per
docnum, decoded once per segment), never from stored documents. Filters
repeated within a facet are ORed, filters across facets ANDed, and each
facet's counts ignore that facet's own filter (so the user can add an OR value).
"""

import datetime
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import chain

import numpy as np

from archive import analysis, vocab
from archive.columns import FacetTable
from archive.engine import Execution, Reader, Terms
from archive.errors import BadRequest
from archive.facets import BY_NAME, BY_QUERY_FIELD, FACETS, MUSTER, Facet
from archive.query import And, Or, ParsedQuery, Phrase, Prefix, Word, compound_parts, highlight_terms, parse, to_plan
from archive.query import plan as wq
from archive.query.expand import lexicon
from archive.query.reading import COMMON_SHARE, Reading, literal, read
from archive.snippets import make_snippet

SORTS = ("relevance", "newest", "oldest")
SAME_TEXT = "same_text"
COLLAPSES = ("", SAME_TEXT)  # collapse=same_text: copies of one text (archive.reuse) folded into the first
MAX_PER_PAGE = 100
MAX_WINDOW = 10_000  # deepest hit a page may reach
DEFAULT_FACET_LIMIT, MAX_FACET_LIMIT = 100, 10_000
SNIPPET_SOURCE_CHARS = 50_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict = field(default_factory=dict)  # facet name -> tuple of values
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facet_limit: int = DEFAULT_FACET_LIMIT  # values listed per facet (most frequent first)
    literal: bool = False  # search the words as typed: no reading of type and council words
    collapse: str = ""  # "same_text": copies of one text are one entry (see ``_collapsed``)
    modified_since: str | None = None  # ISO time (UTC): only documents added or changed since
    changed_ids: frozenset | None = None  # the ids changed since ``modified_since`` (filled in by ``Archive``)

    def __post_init__(self):
        if self.sort not in SORTS:
            raise BadRequest(f"Unbekannte Sortierung: {self.sort!r} (erlaubt: {', '.join(SORTS)})")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise BadRequest(f"Treffer pro Seite (per_page) muss zwischen 1 und {MAX_PER_PAGE} liegen")
        if self.page < 1 or self.page * self.per_page > MAX_WINDOW:
            raise BadRequest(f"Seite (page) muss zwischen 1 und {MAX_WINDOW // self.per_page} liegen")
        if not 1 <= self.facet_limit <= MAX_FACET_LIMIT:
            raise BadRequest(f"Werte pro Facette (facet_limit) muss zwischen 1 und {MAX_FACET_LIMIT} liegen")
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value and not _DATE.match(value):
                raise BadRequest(f"{name} muss das Format JJJJ-MM-TT haben")
            if value and not _real_date(value):
                raise BadRequest(f"{name} ist kein gültiges Datum: {value} (Format JJJJ-MM-TT)")
        if self.collapse not in COLLAPSES:
            raise BadRequest(f"Unbekannte Zusammenfassung: {self.collapse!r} (erlaubt: {SAME_TEXT}, none)")
        unknown = set(self.filters) - set(BY_NAME)
        if unknown:
            raise BadRequest(f"Unbekannter Filter: {', '.join(sorted(unknown))}")


def _real_date(value: str) -> bool:
    """``2023-02-30`` has the format of a date but is none."""
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class FacetCount:
    value: str
    label: str
    count: int
    active: bool = False


@dataclass(frozen=True)
class Hit:
    docnum: int
    id: int
    score: float | None
    snippet: str = ""  # Markup: escaped text with <mark> highlights
    versions: int = 1  # with collapse=same_text: this document and the copies of its text folded into it
    others: tuple[int, ...] = ()  # the ids of those copies, in the result's order


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    parsed: ParsedQuery
    total: int
    hits: list
    facets: dict  # facet name -> list[FacetCount], at most ``request.facet_limit`` (plus active ones)
    facet_values: dict = field(default_factory=dict)  # facet name -> distinct values before the limit
    partial: int = 0  # documents in ``total`` that match most but not all words (listed after the rest)
    reading: Reading | None = None  # how the query was read (type words, council words)
    suggestion: str | None = None  # "Meinten Sie …?": the query with rare words corrected (archive.spelling)
    entries: int | None = None  # with collapse: the entries (groups) of the whole result, when all were ranked

    @property
    def hints(self) -> tuple[str, ...]:
        return self.parsed.hints


def search(reader: Reader, request: SearchRequest,
           texts: Callable[[list[int]], dict[int, str]],
           copies: Callable[[list[int]], dict[int, set[int]]] | None = None) -> SearchResult:
    """Answer one request; ``texts(ids)`` supplies document texts for snippets, ``copies(ids)`` the copies of
    each document's text (for ``collapse``; without it nothing is folded).

    Relevance-sorted multi-word queries with fewer than ``RELAX_BELOW`` full matches also list
    documents that match most but not all words (see ``_relaxed``) after the full matches; ``total``,
    the facet counts and paging then cover both, and a hint says so. ``total`` and the facets always count
    documents, also when copies are folded into one entry (``collapse``; pages then count entries).
    """
    table = reader.table
    match = _match(reader, request)
    facets, facet_values = {}, {}
    for facet in FACETS:
        docs = _intersect(match.matched, _others(match.allowed, facet.name))
        facets[facet.name], facet_values[facet.name] = _count(table, facet, docs, request)
    window = request.page * request.per_page
    entries = None
    if request.collapse and copies is not None:
        hits, entries = _collapsed(table, match, request, copies)
    else:
        scored = _ordered(table, match, request, window)
        ids = table.ids
        hits = [Hit(docnum, int(ids[docnum]), score) for docnum, score in scored[window - request.per_page:window]]
    hits = _with_snippets(hits, match.marked, reader, texts)
    return SearchResult(request, match.parsed, match.total, hits, facets, facet_values, match.partial_total,
                        match.reading, entries=entries)


def ordered_ids(reader: Reader, request: SearchRequest) -> list[int]:
    """The ids of every document the request matches, in the order its pages list them (``page`` and
    ``per_page`` ignored), without facet counts or snippets: for exports of a whole result."""
    match = _match(reader, request)
    ids = reader.table.ids
    return [int(ids[docnum]) for docnum, _score in _ordered(reader.table, match, request, match.total)]


def matching(reader: Reader, request: SearchRequest) -> np.ndarray:
    """A docnum mask of every document the request matches, partial matches included: the documents its
    ``total`` counts, for statistics over a whole result (``archive.stats``)."""
    match = _match(reader, request)
    return match.final | match.partial.docs if match.partial else match.final


@dataclass(frozen=True)
class _Match:
    """What a request matches, before facets and ranking."""

    parsed: ParsedQuery
    reading: Reading
    matched: np.ndarray  # docnums matching the query (with partial matches), before filters: facets count these
    allowed: dict  # filter name -> mask
    final: np.ndarray  # full matches within the filters
    partial: "Partial | None"  # partial matches within the filters
    scoring: "Scoring"
    ranked: bool
    execution: Execution
    marked: frozenset[str] = frozenset()  # the terms snippets highlight

    @property
    def partial_total(self) -> int:
        return self.partial.total if self.partial else 0

    @property
    def total(self) -> int:
        return int(self.final.sum()) + self.partial_total


def _match(reader: Reader, request: SearchRequest) -> _Match:
    """One request through the layers, top down: parse, read, compile every plan it needs (``_compile``), then
    execute them on the engine and filter by the facet table; nothing goes back to the query layer."""
    table, terms = reader.table, reader.terms
    parsed = parse(request.q)
    reading = literal(parsed.node) if request.literal else read(parsed.node, _common_terms(terms))
    plans = _compile(parsed, reading, terms, table)
    execution = reader.execution()  # one request: the engine reads each posting list once, for matching and scoring
    matched = execution.match(plans.match)
    allowed = _filter_masks(table, request)
    final = _intersect(matched, allowed.values())
    ranked = bool(request.q.strip())
    partial = None
    if ranked and request.sort == "relevance" and int(final.sum()) < RELAX_BELOW:
        partial = _partial(plans, matched, execution)
        if partial is not None:
            matched = matched | partial.docs
            partial = partial.within(_intersect(partial.docs, allowed.values()))
            if partial.total:
                parsed = ParsedQuery(parsed.node, (*parsed.hints, HINT_PARTIAL))
            else:
                partial = None
    scoring = Scoring(plans.score, plans.prior)
    return _Match(parsed, reading, matched, allowed, final, partial, scoring, ranked, execution, plans.marked)


@dataclass(frozen=True)
class Plans:
    """Every engine plan one request needs, compiled at once before anything is executed."""

    match: wq.Plan  # what a document must match
    score: wq.Plan  # what ranks it: ``match`` with the optional words (type and council words) at a low weight
    prior: np.ndarray | None  # a weight per docnum (the type the query names)
    words: tuple[wq.Plan, ...]  # the words a partial match counts (() when the query has no such shape)
    keep: wq.Plan | None  # what a partial match must still match (filters, negations)
    marked: frozenset[str]  # the terms snippets highlight


def _compile(parsed: ParsedQuery, reading: Reading, terms: Terms, table: FacetTable) -> Plans:
    compiled = to_plan(reading.node, terms=terms, fields=FIELD_QUERIES)
    words, keep = _partial_plans(reading.node, terms)
    return Plans(compiled, _with_optional(compiled, reading, terms), _preferred(table, reading), words, keep,
                 frozenset(highlight_terms(parsed.node, terms)))


# -- reading of type and council words ---------------------------------------

OPTIONAL_BOOST = 0.1  # a type or council word that is no longer required still adds this much of its score
TYPE_PREFERENCE = 2.0  # scores of documents of a type the query names are multiplied by this
COMMON_MIN_DOCS = 200  # below this many documents, shares say little: only the listed council words weigh little


@dataclass(frozen=True)
class Scoring:
    """What ranks the matched documents: the query with its optional words, and a weight per docnum."""

    query: wq.Plan
    prior: np.ndarray | None = None


def _common_terms(terms: Terms) -> Callable[[str], bool]:
    lex = lexicon(terms)
    if lex.doc_count < COMMON_MIN_DOCS:
        return lambda _term: False
    return lambda text: lex.df(text) >= COMMON_SHARE * lex.doc_count


def _with_optional(compiled: wq.Plan, reading: Reading, terms: Terms) -> wq.Plan:
    optional = [to_plan(word, terms=terms, fields=FIELD_QUERIES) for word in reading.optional]
    optional = [wq.with_boost(q, q.boost * OPTIONAL_BOOST) for q in optional if q is not wq.NOTHING]
    return wq.Any((compiled, *optional)) if optional else compiled


def _preferred(table: FacetTable, reading: Reading) -> np.ndarray | None:
    if not reading.doc_types:
        return None
    mask = table["doc_type"].having(set(reading.doc_types), table.size)
    return np.where(mask, TYPE_PREFERENCE, 1.0)


# -- partial matches -------------------------------------------------------

RELAX_BELOW = 10  # fewer full matches than this: also list documents matching most words
# A partial match's score is multiplied by (words it has / words of the query) ** PARTIAL_COORD and ranked among
# the full matches (Lucene's old coordination factor): a document that misses one word but is about the subject
# outranks one that has every word in passing.
PARTIAL_COORD = 2.0
HINT_PARTIAL = "Wenige Treffer mit allen Wörtern – auch Dokumente, die nicht alle Wörter enthalten, sind aufgeführt"


@dataclass(frozen=True)
class Partial:
    """Documents that match some but not all words: the OR of the words (for scoring), and per docnum
    how many words it matched (0 outside ``docs``)."""

    query: wq.Plan
    docs: np.ndarray  # mask
    words: np.ndarray  # words matched per docnum
    count: int = 1  # words of the query

    @property
    def total(self) -> int:
        return int(self.docs.sum())

    def within(self, mask: np.ndarray) -> "Partial":
        return Partial(self.query, self.docs & mask, self.words, self.count)

    def weight(self, docnum: int) -> float:
        """The share of the query's words a partial match has, to the power ``PARTIAL_COORD``."""
        return (self.words[docnum] / self.count) ** PARTIAL_COORD


def _needed(words: int) -> int:
    """Words a partial match must contain: all but one (at least one), three quarters of long queries."""
    return max(1, words - 1) if words <= 4 else -(-3 * words // 4)


def _partial_plans(node, terms: Terms) -> tuple[tuple[wq.Plan, ...], wq.Plan | None]:
    """For an implicit AND of at least two free-text words or phrases: a plan per word, and the plan of the rest
    (field filters and negations, which a partial match must still meet; ORed alternatives count as one word).
    A single compound word counts its parts as words ("Hochwasserschutz": documents on "Hochwasser" only).
    ``((), None)`` if the query is not of that shape."""
    required: list = []
    if isinstance(node, Word):
        compiled = list(compound_parts(node.text, terms))
    elif isinstance(node, And):
        optional = [c for c in node.children if isinstance(c, Word | Phrase | Prefix | Or)]
        required = [c for c in node.children if c not in optional]
        compiled = [to_plan(c, terms=terms, fields=FIELD_QUERIES) for c in optional]
    else:
        return (), None
    compiled = [q for q in compiled if q is not wq.NOTHING]
    if len(compiled) < 2:
        return (), None
    keep = to_plan(And(tuple(required)) if len(required) > 1 else required[0], terms=terms,
                   fields=FIELD_QUERIES) if required else None
    return tuple(compiled), keep


def _partial(plans: Plans, matched: np.ndarray, execution: Execution) -> Partial | None:
    """The documents that miss some but not too many of the query's words (``_needed``)."""
    if not plans.words:
        return None
    words = np.zeros(matched.size, dtype=np.int16)
    for query in plans.words:
        words += execution.match(query)
    candidates = (words >= _needed(len(plans.words))) & ~matched
    if candidates.any() and plans.keep is not None:
        candidates &= execution.match(plans.keep)
    return Partial(wq.Any(plans.words), candidates, words, len(plans.words))


# -- copies of one text as one entry (collapse=same_text) -------------------

COLLAPSE_SCAN = 3  # ranked documents looked at per entry wanted, at first (four times more while too few)
COLLAPSE_MIN_SCAN = 100


def _collapsed(table: FacetTable, match: "_Match", request: SearchRequest,
               copies: Callable[[list[int]], dict[int, set[int]]]) -> tuple[list[Hit], int | None]:
    """The request's page of entries when copies of one text are folded into the first of them in the
    result's order: the documents are ranked as always, then walked from the top; a document that is a copy
    of an earlier entry (``copies``: at least half of each text in the other) joins that entry, any other
    starts one. Pages count entries. The walk ranks more documents until the page's entries are complete,
    and counts the copies of the page's entries further down the result too. Returns the hits and the
    number of entries of the whole result when every document was ranked (else None)."""
    window = request.page * request.per_page
    total = match.total
    size = min(max(window * COLLAPSE_SCAN, COLLAPSE_MIN_SCAN), total)
    while True:
        scored = _ordered(table, match, request, size)
        groups = _groups(scored, table.ids, copies)
        complete = len(scored) >= total
        if len(groups) >= window or complete:
            break
        size = min(size * 4, total)
    page = groups[window - request.per_page:window]
    if not complete:
        _add_unranked(page, {int(table.ids[docnum]) for docnum, _score in scored}, table, match, copies)
    hits = [Hit(docnum, int(table.ids[docnum]), score, versions=1 + len(members), others=tuple(members))
            for docnum, score, members in page]
    return hits, len(groups) if complete else None


def _groups(scored: list[tuple[int, float | None]], ids: np.ndarray, copies) -> list[tuple[int, float | None, list]]:
    """``(docnum, score, [ids of the copies folded into it])`` per entry, in the result's order."""
    doc_ids = [int(ids[docnum]) for docnum, _score in scored]
    found = copies(doc_ids)
    position: dict[int, int] = {}  # id of an entry's first document -> index of the entry
    groups: list[tuple[int, float | None, list]] = []
    for (docnum, score), doc_id in zip(scored, doc_ids, strict=True):
        earlier = [position[other] for other in found.get(doc_id, ()) if other in position]
        if earlier:
            groups[min(earlier)][2].append(doc_id)
        else:
            position[doc_id] = len(groups)
            groups.append((docnum, score, []))
    return groups


def _add_unranked(page: list, ranked: set[int], table: FacetTable, match: "_Match", copies) -> None:
    """Add to the page's entries the copies of their text that the result holds below the ranked part."""
    heads = [int(table.ids[docnum]) for docnum, _score, _members in page]
    found = copies(heads)
    wanted = {other for doc_id in heads for other in found.get(doc_id, ()) if other not in ranked}
    if not wanted:
        return
    result = match.final | match.partial.docs if match.partial else match.final
    docnums = np.flatnonzero(np.isin(table.ids, np.fromiter(wanted, dtype=table.ids.dtype)) & result)
    present = {int(table.ids[docnum]) for docnum in docnums}
    for head, (_docnum, _score, members) in zip(heads, page, strict=True):
        members.extend(sorted(present & found.get(head, set()) - set(members)))


# -- filters and facets --------------------------------------------------


def _filter_masks(table: FacetTable, request: SearchRequest) -> dict[str, np.ndarray]:
    """One docnum mask per active filter (facet filters and the date range)."""
    masks: dict[str, np.ndarray] = {}
    for name, values in request.filters.items():
        if values:
            facet = BY_NAME[name]
            wanted = set(chain.from_iterable(facet.resolver(v) for v in values))
            masks[name] = table[name].having(wanted, table.size)
    if request.changed_ids is not None:
        masks["modified_since"] = np.isin(table.ids, np.fromiter(request.changed_ids, dtype=np.int64))
    if request.date_from or request.date_to:
        low = int((request.date_from or "0000-00-00").replace("-", ""))
        high = int((request.date_to or "9999-12-31").replace("-", ""))
        dates = table.dates
        masks["date"] = (dates > 0) & (dates >= low) & (dates <= high)
    return masks


def _others(allowed: dict[str, np.ndarray], name: str) -> list[np.ndarray]:
    return [docs for key, docs in allowed.items() if key != name]


def _intersect(base: np.ndarray, others: Iterable[np.ndarray]) -> np.ndarray:
    result = base
    for docs in others:
        result = result & docs
    return result


def _count(table: FacetTable, facet: Facet, docs: np.ndarray, request: SearchRequest) -> tuple[list, int]:
    """The facet's values among ``docs``: the first ``request.facet_limit`` in the facet's order plus
    every active value (count 0 if none), labelled; and how many values have a count."""
    column = table[facet.name]
    counts = column.counts(docs)
    ordered = column.ordered(counts, by_value_desc=facet.order == "value_desc")
    active = set(chain.from_iterable(facet.resolver(v) for v in request.filters.get(facet.name, ())))
    kept = [(column.values[c], int(counts[c])) for c in ordered[:request.facet_limit]]
    missing = active - {v for v, _ in kept}
    if missing:
        found = {column.values[c]: int(counts[c]) for c in ordered[request.facet_limit:]}
        kept += [(v, found.get(v, 0)) for v in sorted(missing)]
    return [FacetCount(v, facet.labeler(v), n, v in active) for v, n in kept], int(ordered.size)


# -- ranking -------------------------------------------------------------


def _ordered(table: FacetTable, match: _Match, request: SearchRequest, window: int) -> list[tuple[int, float | None]]:
    """The first ``window`` ``(docnum, score)`` pairs in the request's order; partial matches are ranked among
    the full matches, their scores weighted by the words they miss."""
    if request.sort == "relevance" and match.ranked:
        scored = _by_score(table, match.execution, match.scoring.query, match.final, window, match.scoring.prior)
        partial = match.partial
        if partial:
            more = _by_score(table, match.execution, partial.query, partial.docs, window, match.scoring.prior)
            scored += [(docnum, score * partial.weight(docnum)) for docnum, score in more]
            dates = table.dates
            scored.sort(key=lambda p: (-round(p[1], 6), -dates[p[0]]))
        return scored[:window]
    return _by_date(table, match.final, window, newest=request.sort != "oldest")


def _by_score(table: FacetTable, execution: Execution, compiled: wq.Plan, final: np.ndarray, window: int,
              prior: np.ndarray | None = None):
    dates = table.dates
    recency = table.recency
    pairs = execution.top(compiled, final, window, recency if prior is None else prior * recency)
    # Equal scores: the more recent document first.
    pairs.sort(key=lambda p: (-round(p[1], 6), -dates[p[0]]))
    if pairs and pairs[-1][1] <= 0:  # documents no word scored (a query of only filters): the newest of them
        scored = [pair for pair in pairs if pair[1] > 0]
        rest = final.copy()
        rest[[docnum for docnum, _score in scored]] = False
        pairs = scored + [(docnum, 0.0) for docnum, _none in _by_date(table, rest, window - len(scored), True)]
    return pairs


def _by_date(table: FacetTable, final: np.ndarray, window: int, newest: bool):
    """The first ``window`` docnums of ``final`` by date: newest first (then the later docnum), or oldest first
    (then the earlier docnum), undated last either way; from the table's orders, sorted once per searcher."""
    order = table.newest_first if newest else table.oldest_first
    return [(int(d), None) for d in order[final[order]][:window]]


SNIPPET_CACHE = 4096  # snippets kept per process, by index state, document and marked terms
_snippets: OrderedDict = OrderedDict()
_snippets_lock = threading.Lock()


def _with_snippets(hits: list[Hit], marked: frozenset[str], reader: Reader,
                   texts: Callable[[list[int]], dict[int, str]]) -> list[Hit]:
    """Each hit with its snippet. A snippet depends on the document's text and the marked terms only, and a text
    that changes is indexed again (a new reader state): so snippets are kept per state, and a page seen again (the
    next page of a result, the same query from another user) reads no text and analyses nothing."""
    if not hits:
        return hits
    keys = {hit.id: (reader.state, hit.id, marked) for hit in hits}
    with _snippets_lock:
        found = {key: _snippets[key] for key in keys.values() if key in _snippets}
        for key in found:
            _snippets.move_to_end(key)
    missing = [doc_id for doc_id, key in keys.items() if key not in found]
    if missing:
        bodies = texts(missing)
        made = {keys[doc_id]: make_snippet(bodies.get(doc_id, ""), marked) for doc_id in missing}
        found.update(made)
        with _snippets_lock:
            _snippets.update(made)
            while len(_snippets) > SNIPPET_CACHE:
                _snippets.popitem(last=False)
    return [replace(h, snippet=found[keys[h.id]]) for h in hits]


# -- field:value in the query language -----------------------------------


def _facet_query(index_field: str, facet: Facet, lower: bool = False) -> Callable[[str], wq.Plan]:
    def build(value: str) -> wq.Plan:
        values = [v.lower() if lower else v for v in facet.resolver(value)]
        return wq.Any(tuple(wq.Term(index_field, v) for v in values)) if len(values) > 1 else wq.Term(index_field,
                                                                                                      values[0])

    return build


def _text_query(index_field: str) -> Callable[[str], wq.Plan]:
    def build(value: str) -> wq.Plan:
        terms = analysis.analyze(value)
        if not terms:
            return wq.NOTHING
        return wq.Term(index_field, terms[0]) if len(terms) == 1 else wq.Phrase(index_field, tuple(terms))

    return build


def _muster_query(value: str) -> wq.Plan:
    """``muster:ja`` the documents staff marked as templates, ``muster:nein`` the others."""
    if vocab.fold(value) in ("nein", "0", "false", "no"):
        return wq.AndNot(wq.Every(), wq.Term("muster", MUSTER))
    return _facet_query("muster", BY_QUERY_FIELD["muster"])(value)


def _place_query(index_field: str, name_field: str, facet: Facet) -> Callable[[str], wq.Plan]:
    def build(value: str) -> wq.Plan:
        keys = facet.resolver(value)
        by_key = [wq.Term(index_field, k) for k in keys if k.isdigit()]
        return wq.Any((*by_key, wq.Term(name_field, value.strip().lower())))

    return build


FIELD_QUERIES = {
    "typ": _facet_query("doc_type", BY_QUERY_FIELD["typ"]),
    "kommune": _place_query("municipality", "municipality_name", BY_QUERY_FIELD["kommune"]),
    "kreis": _place_query("district", "district_name", BY_QUERY_FIELD["kreis"]),
    "land": _facet_query("state", BY_QUERY_FIELD["land"], lower=True),
    "partei": _facet_query("party", BY_QUERY_FIELD["partei"], lower=True),
    "fraktion": _text_query("faction"),
    "thema": _facet_query("topic", BY_QUERY_FIELD["thema"]),
    "jahr": _facet_query("year", BY_QUERY_FIELD["jahr"]),
    "muster": _muster_query,
}
