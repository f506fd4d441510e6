"""Run a search: compile the query, filter and count facets, rank, page, snippet.

Facet counts and filters come from the searcher's ``FacetTable`` (values per
docnum, decoded once per segment), never from stored documents. Filters
repeated within a facet are ORed, filters across facets ANDed, and each
facet's counts ignore that facet's own filter (so the user can add an OR value).
"""

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain

from whoosh import query as wq
from whoosh.searching import Searcher

from archive import analysis
from archive.docsets import matching_docs
from archive.errors import BadRequest
from archive.facets import BY_NAME, BY_QUERY_FIELD, FACETS, Facet
from archive.index import FacetTable
from archive.postings import Postings
from archive.query import And, Or, ParsedQuery, Phrase, Prefix, Word, highlight_terms, parse, to_whoosh
from archive.query.compile import Union
from archive.scoring import top_scores
from archive.snippets import make_snippet

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_WINDOW = 10_000  # deepest hit a page may reach
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

    def __post_init__(self):
        if self.sort not in SORTS:
            raise BadRequest(f"Unbekannte Sortierung: {self.sort!r} (erlaubt: {', '.join(SORTS)})")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise BadRequest(f"Treffer pro Seite (per_page) muss zwischen 1 und {MAX_PER_PAGE} liegen")
        if self.page < 1 or self.page * self.per_page > MAX_WINDOW:
            raise BadRequest(f"Seite (page) muss zwischen 1 und {MAX_WINDOW // self.per_page} liegen")
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value and not _DATE.match(value):
                raise BadRequest(f"{name} muss das Format JJJJ-MM-TT haben")
        unknown = set(self.filters) - set(BY_NAME)
        if unknown:
            raise BadRequest(f"Unbekannter Filter: {', '.join(sorted(unknown))}")


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


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    parsed: ParsedQuery
    total: int
    hits: list
    facets: dict  # facet name -> list[FacetCount]

    @property
    def hints(self) -> tuple[str, ...]:
        return self.parsed.hints


def search(searcher: Searcher, table: FacetTable, request: SearchRequest,
           texts: Callable[[list[int]], dict[int, str]]) -> SearchResult:
    """Answer one request; ``texts(ids)`` supplies document texts for snippets.

    Relevance-sorted multi-word queries with fewer than ``RELAX_BELOW`` full matches also list
    documents that match most but not all words (see ``_relaxed``) after the full matches; ``total``,
    the facet counts and paging then cover both, and a hint says so.
    """
    parsed = parse(request.q)
    compiled = to_whoosh(parsed.node, searcher=searcher, fields=FIELD_QUERIES)
    postings = Postings()  # each posting list decoded once per request, for matching and scoring
    matched = matching_docs(searcher, compiled, postings)
    allowed = _filter_sets(table, request)
    final = _intersect(matched, allowed.values())
    ranked = bool(request.q.strip())
    partial: dict[int, int] = {}
    relaxed = None
    if ranked and request.sort == "relevance" and len(final) < RELAX_BELOW:
        relaxed = _relaxed(parsed, searcher, matched)
        if relaxed is not None:
            partial = relaxed[1]
            matched = matched | set(partial)
            partial = {d: n for d, n in partial.items() if d in _intersect(set(partial), allowed.values())}
            if partial:
                parsed = ParsedQuery(parsed.node, (*parsed.hints, HINT_PARTIAL))
    facets = {f.name: _count(table, f, _intersect(matched, _others(allowed, f.name)), request) for f in FACETS}
    hits = _rank(searcher, table, compiled, final, request, ranked=ranked,
                 partial=(relaxed[0], partial) if partial else None, postings=postings)
    hits = _with_snippets(hits, parsed, searcher, texts)
    return SearchResult(request, parsed, len(final) + len(partial), hits, facets)


# -- partial matches -------------------------------------------------------

RELAX_BELOW = 10  # fewer full matches than this: also list documents matching most words
HINT_PARTIAL = "Wenige Treffer mit allen Wörtern – danach folgen Dokumente, die nicht alle Wörter enthalten"


def _needed(words: int) -> int:
    """Words a partial match must contain: all but one (at least one), three quarters of long queries."""
    return max(1, words - 1) if words <= 4 else -(-3 * words // 4)


def _relaxed(parsed: ParsedQuery, searcher: Searcher, matched: set[int]):
    """For an implicit AND of at least two free-text words or phrases: the OR of those words (for
    scoring) and ``{docnum: words matched}`` of the documents that miss some but not too many.
    Explicit operators keep their meaning: field filters and negations still apply, and ORed
    alternatives count as one word. None if the query is not of that shape."""
    node = parsed.node
    if not isinstance(node, And):
        return None
    optional = [c for c in node.children if isinstance(c, Word | Phrase | Prefix | Or)]
    required = [c for c in node.children if c not in optional]
    compiled = [to_whoosh(c, searcher=searcher, fields=FIELD_QUERIES) for c in optional]
    compiled = [q for q in compiled if q is not wq.NullQuery]
    if len(compiled) < 2:
        return None
    need = _needed(len(compiled))
    counts: Counter = Counter()
    for query in compiled:
        counts.update(matching_docs(searcher, query))
    candidates = {d for d, n in counts.items() if n >= need and d not in matched}
    if candidates and required:
        keep = to_whoosh(And(tuple(required)) if len(required) > 1 else required[0], searcher=searcher,
                         fields=FIELD_QUERIES)
        candidates &= matching_docs(searcher, keep)
    return Union(compiled), {d: counts[d] for d in candidates}


# -- filters and facets --------------------------------------------------


def _filter_sets(table: FacetTable, request: SearchRequest) -> dict[str, set[int]]:
    """One docnum set per active filter (facet filters and the date range)."""
    sets: dict[str, set[int]] = {}
    for name, values in request.filters.items():
        if values:
            sets[name] = _docs_with(table, BY_NAME[name], values)
    if request.date_from or request.date_to:
        low = int((request.date_from or "0000-00-00").replace("-", ""))
        high = int((request.date_to or "9999-12-31").replace("-", ""))
        sets["date"] = {d for d, v in enumerate(table["date"]) if v and low <= v <= high}
    return sets


def _docs_with(table: FacetTable, facet: Facet, values: Iterable[str]) -> set[int]:
    wanted = set(chain.from_iterable(facet.resolver(v) for v in values))
    column = table[facet.name]
    if facet.multi:
        return {d for d, vs in enumerate(column) if not wanted.isdisjoint(vs)}
    return {d for d, v in enumerate(column) if v in wanted}


def _others(allowed: dict[str, set[int]], name: str) -> list[set[int]]:
    return [docs for key, docs in allowed.items() if key != name]


def _intersect(base: set[int], others: Iterable[set[int]]) -> set[int]:
    result = base
    for docs in sorted(others, key=len):
        result = result & docs
    return result


def _count(table: FacetTable, facet: Facet, docs: set[int], request: SearchRequest) -> list[FacetCount]:
    column = table[facet.name]
    values = map(column.__getitem__, docs)
    counts = Counter(chain.from_iterable(values)) if facet.multi else Counter(values)
    counts.pop(None, None)
    active = set(chain.from_iterable(facet.resolver(v) for v in request.filters.get(facet.name, ())))
    for value in active:
        counts.setdefault(value, 0)
    if facet.order == "value_desc":
        ordered = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
    else:
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [FacetCount(v, facet.labeler(v), n, v in active) for v, n in ordered]


# -- ranking -------------------------------------------------------------


def _rank(searcher: Searcher, table: FacetTable, compiled, final: set[int], request: SearchRequest,
          ranked: bool, partial=None, postings: Postings | None = None) -> list[Hit]:
    """``partial``: (scoring query, {docnum: words matched}) of partial matches, listed after ``final``
    by words matched, then score."""
    window = request.page * request.per_page
    start = window - request.per_page
    if not final and not partial:
        return []
    if request.sort == "relevance" and ranked:
        scored = _by_score(searcher, table, compiled, final, window, postings) if final else []
        if partial and len(scored) < window:
            query, counts = partial
            more = _by_score(searcher, table, query, set(counts), window - len(scored), postings)
            more.sort(key=lambda p: -counts[p[0]])  # stable: score order within equal counts
            scored += more
    else:
        scored = _by_date(table, final, window, newest=request.sort != "oldest")
    ids = table["id"]
    return [Hit(docnum, ids[docnum], score) for docnum, score in scored[start:window]]


def _by_score(searcher: Searcher, table: FacetTable, compiled, final: set[int], window: int,
              postings: Postings | None = None):
    dates = table["date"]
    pairs = top_scores(searcher, compiled, final, window, postings)
    # Equal scores: the more recent document first.
    pairs.sort(key=lambda p: (-round(p[1], 6), -dates[p[0]]))
    return pairs


def _by_date(table: FacetTable, final: set[int], window: int, newest: bool):
    dates = table["date"]
    if newest:
        chosen = heapq.nlargest(window, final, key=lambda d: (dates[d], d))
    else:
        chosen = heapq.nsmallest(window, final, key=lambda d: (dates[d] or 99999999, d))
    return [(d, None) for d in chosen]


def _with_snippets(hits: list[Hit], parsed: ParsedQuery, searcher: Searcher,
                   texts: Callable[[list[int]], dict[int, str]]) -> list[Hit]:
    if not hits:
        return hits
    terms = highlight_terms(parsed.node, searcher)
    bodies = texts([hit.id for hit in hits])
    return [Hit(h.docnum, h.id, h.score, make_snippet(bodies.get(h.id, ""), terms)) for h in hits]


# -- field:value in the query language -----------------------------------


def _facet_query(index_field: str, facet: Facet, lower: bool = False) -> Callable[[str], wq.Query]:
    def build(value: str) -> wq.Query:
        values = [v.lower() if lower else v for v in facet.resolver(value)]
        return wq.Or([wq.Term(index_field, v) for v in values]) if len(values) > 1 else wq.Term(index_field, values[0])

    return build


def _text_query(index_field: str) -> Callable[[str], wq.Query]:
    def build(value: str) -> wq.Query:
        terms = analysis.analyze(value)
        if not terms:
            return wq.NullQuery
        return wq.Term(index_field, terms[0]) if len(terms) == 1 else wq.Phrase(index_field, terms)

    return build


def _place_query(index_field: str, name_field: str, facet: Facet) -> Callable[[str], wq.Query]:
    def build(value: str) -> wq.Query:
        keys = facet.resolver(value)
        by_key = [wq.Term(index_field, k) for k in keys if k.isdigit()]
        return wq.Or([*by_key, wq.Term(name_field, value.strip().lower())])

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
}
