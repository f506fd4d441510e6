"""Similar documents ("Ähnliche Dokumente"): documents on the same subject, each with its reason.

A document's most distinctive words are those frequent in it and rare in the archive (tf-idf: ``1 + log tf``,
title words counted ``TITLE_WEIGHT`` times, times ``log(N / df)`` with the index's document frequencies of the
text, times ``NOUN_WEIGHT`` for a capitalised word: German nouns name the subject);
words of its own Kommune and party, words in more than ``COMMON_SHARE`` of the documents and words no other
document has are left out. The ``TERMS`` best are ORed into one query of the archive's own search (BM25F over
title and text, compounds and all), and the best ``CANDIDATES`` hits are ranked again by their score times
``1 + TOPIC_WEIGHT`` per topic shared with the document. Copies of its text (``archive.reuse``: listed under
"Gleicher Mustertext") and the document itself are left out; up to ``LIMIT`` remain, each with a one-line
reason: the distinctive words it shares ("gemeinsame Begriffe: Schulsanierung, Ganztag") and the topics.

The search index holds published documents only, so nothing else is ever suggested. The result costs one
search; it is cached in SQLite (``similar_cache``) for ``CACHE_DAYS`` days, dropped when the document's text
changes or it is deleted, and checked against ``publication`` whenever it is read (a document withdrawn since is
left out).
"""

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from archive import analysis, reuse
from archive.engine import Reader
from archive.errors import ArchiveError
from archive.query import plan
from archive.search import SearchRequest, search
from archive.vocab import topic_label

LIMIT = 5
CANDIDATES = 20
TERMS = 10
TITLE_WEIGHT = 3
COMMON_SHARE = 0.25  # words in more of the documents say nothing about a subject
MIN_COMMON_DOCS = 4  # ... but in a small archive every word is in a large share of it
TOPIC_WEIGHT = 0.5
NOUN_WEIGHT = 1.5
MIN_CHARS = 4
TEXT_CHARS = 50_000  # of a long text, the beginning
REASON_WORDS = 3
CACHE_DAYS = 1
# words that are in every kind of document and name no subject
GENERIC = frozenset(analysis.term(w) for w in (
    "Antrag", "Anträge", "Anfrage", "Pressemitteilung", "Fraktion", "Ratsfraktion", "Stadtrat", "Gemeinderat",
    "Kreistag", "Verwaltung", "Begründung", "beschließen", "Beschluss", "Sitzung", "Ratsmitglied", "Vorsitzende",
    "Oberbürgermeister", "Bürgermeister", "Datum", "Seite", "Stadt", "Gemeinde"))


@dataclass(frozen=True)
class Similar:
    id: int
    title: str | None
    reason: str
    row: dict  # the documents row (without text) for the page's line


@dataclass(frozen=True)
class Term:
    term: str  # index term
    surface: str  # the form the document uses most
    weight: float


def distinctive_terms(doc: dict, df, doc_count: int, limit: int = TERMS) -> list[Term]:
    """The document's ``limit`` most distinctive index terms; ``df(term)`` gives a term's document frequency."""
    counts: Counter = Counter()
    surfaces: dict[str, Counter] = defaultdict(Counter)
    own = _own_terms(doc)
    for text, weight in ((doc.get("title") or "", TITLE_WEIGHT), ((doc.get("text") or "")[:TEXT_CHARS], 1)):
        for match in analysis.TOKEN_RE.finditer(text):
            raw = match.group()
            if len(raw) < MIN_CHARS or not raw.isalpha() or analysis.fold(raw) in analysis.STOPWORDS:
                continue
            term = analysis.term(raw)
            if term in own or term in GENERIC:
                continue
            counts[term] += weight
            surfaces[term][raw] += 1
    common = max(COMMON_SHARE * doc_count, MIN_COMMON_DOCS)
    itself = 1 if doc.get("publication") == reuse.PUBLISHED else 0  # a published document counts in df
    scored = []
    for term, tf in counts.items():
        freq = df(term)
        if freq - itself < 1 or freq > common:  # in no other document, or in too many
            continue
        surface = surfaces[term].most_common(1)[0][0]
        noun = NOUN_WEIGHT if surface[0].isupper() else 1.0  # German nouns name the subject
        scored.append(Term(term, surface, noun * (1 + math.log(tf)) * math.log(doc_count / freq)))
    scored.sort(key=lambda t: (-t.weight, t.term))
    return scored[:limit]


def _own_terms(doc: dict) -> set[str]:
    """Terms of the document's own place, party and faction: they find the same town, not the same subject."""
    names = [doc.get(key) or "" for key in ("municipality", "district", "state", "party", "faction")]
    names += doc.get("parties") or []
    return {analysis.term(w) for name in names for w in analysis.TOKEN_RE.findall(name)}


def for_document(store, reader: Reader, doc: dict) -> list[Similar]:
    """The similar documents of ``doc`` (a row with text), from the cache when it is fresh."""
    conn = store.db.conn
    cached = _cached(conn, doc["id"])
    if cached is None:
        cached = compute(store, reader, doc)
        with conn:
            conn.execute("INSERT OR REPLACE INTO similar_cache (doc_id, computed_at, items) VALUES (?, ?, ?)",
                         [doc["id"], datetime.now(UTC).isoformat(timespec="seconds"),
                          json.dumps(cached, ensure_ascii=False)])
    rows = store.get_many([item["id"] for item in cached])
    return [Similar(item["id"], rows[item["id"]]["title"], item["reason"], rows[item["id"]]) for item in cached
            if item["id"] in rows and rows[item["id"]]["publication"] == reuse.PUBLISHED]


def _cached(conn, doc_id: int) -> list[dict] | None:
    found = conn.execute("SELECT computed_at, items FROM similar_cache WHERE doc_id = ?", [doc_id]).fetchone()
    if found is None:
        return None
    if datetime.fromisoformat(found[0]) < datetime.now(UTC) - timedelta(days=CACHE_DAYS):
        return None
    return json.loads(found[1])


def compute(store, reader: Reader, doc: dict) -> list[dict]:
    """``[{"id", "reason"}]``, best first (see the module's description)."""
    execution = reader.execution()
    live = int(execution.match(plan.Every()).sum())
    terms = distinctive_terms(doc, lambda term: reader.terms.doc_frequency("body", term), max(live, 1))
    if not terms:
        return []
    query = " OR ".join(term.surface for term in terms)
    try:
        result = search(reader, SearchRequest(q=query, literal=True, per_page=CANDIDATES, facet_limit=1),
                        lambda _ids: {})
    except ArchiveError:
        return []
    excluded = {doc["id"], *(row["id"] for row in reuse.same_text(store.db.conn, doc["id"], 100))}
    hits = [hit for hit in result.hits if hit.id not in excluded]
    rows = store.get_many([hit.id for hit in hits])
    topics = set(doc.get("topics") or [])
    def weighted(hit) -> float:
        return (hit.score or 0.0) * (1 + TOPIC_WEIGHT * len(topics & set(rows[hit.id]["topics"])))

    ranked = sorted((hit for hit in hits if hit.id in rows), key=weighted, reverse=True)
    masks = {term.term: execution.match(plan.Any((plan.Term("title", term.term), plan.Term("body", term.term))))
             for term in terms}
    out = []
    for hit in ranked[:LIMIT]:
        shared = [term.surface for term in terms if masks[term.term][hit.docnum]]
        out.append({"id": hit.id, "reason": reason(shared, topics & set(rows[hit.id]["topics"]))})
    return out


def reason(shared: list[str], topics: set[str]) -> str:
    """One line: "gemeinsame Begriffe: Schulsanierung, Ganztag · Thema: Schule"."""
    parts = []
    if shared:
        parts.append("gemeinsame Begriffe: " + ", ".join(shared[:REASON_WORDS]))
    if topics:
        parts.append(("Themen: " if len(topics) > 1 else "Thema: ") + ", ".join(sorted(map(topic_label, topics))))
    return " · ".join(parts) or "ähnlicher Wortlaut"
