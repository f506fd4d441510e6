"""Suggestions for the word being typed in the search box: Kommunen, parties, topics and title words.

Kommunen, parties and topics come from the current searcher's ``FacetTable`` (values per docnum, counted by
one ``bincount``), so they are exactly what a search finds; title words from the stored titles in SQLite,
counted per document. Each kind's entries sit in a ``Vocabulary``: prefix keys sorted once, so a keystroke
is one bisection plus a top-k over the matching slice, never a scan of the documents.

The vocabularies are built once per store and process (``for_store``) and rebuilt when the index changes.
Facet entries follow at once (cheap: counts over the facet columns). Title words need a scan of all
titles: they are rebuilt at once while that takes under ``WORDS_QUICK`` seconds (some thousands of
documents); above, at most once per ``WORDS_BACKOFF`` times its duration (at most ``WORDS_MAX_AGE``), and the
previous words are served meanwhile, so rebuilding takes a bounded share of one core also during an ingest.

Matching folds like the search (``archive.analysis.prefix_key``): case-insensitive, ß = ss, ä = ae, and
without the umlaut (``muel``, ``mül`` and ``mul`` all find Mülheim), at the start of any word of a name
(``breis`` finds "Freiburg im Breisgau", ``linke`` finds "DIE LINKE").
"""

import bisect
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from archive import vocab
from archive.analysis import STOPWORDS, TOKEN_RE, prefix_key
from archive.columns import FacetTable
from archive.engine import Reader
from archive.errors import BadRequest
from archive.query import plan
from ingest import reference

KINDS = ("kommune", "partei", "thema", "wort")
FIELD_KINDS = {"kommune": "kommune", "partei": "partei", "thema": "thema", "titel": "wort"}  # typed field: -> kind
FACET_KINDS = {"municipality": "kommune", "party": "partei", "topic": "thema"}
DEFAULT_LIMIT, MAX_LIMIT = 8, 20
MAX_INPUT = 200  # characters of the box read (the end, where the word being typed is)
WORDS_KEPT = 50_000  # most frequent title words kept
WORDS_QUICK = 0.05  # seconds: a title scan this fast is repeated at every change of the index
WORDS_BACKOFF = 50  # else wait this many times the last scan's duration before the next one ...
WORDS_MAX_AGE = 60.0  # ... but no longer than this (seconds)
_FIELD = re.compile(r"^(?P<sign>-?)(?P<field>[^\W\d_]+):(?P<rest>.*)$")
_SPLIT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # kommune, partei, thema, wort
    label: str  # what the list shows
    value: str  # what replaces the word being typed: kommune:Bochum, partei:"DIE LINKE", thema:verkehr, Kita
    count: int  # documents with it

    def as_json(self) -> dict:
        return {"kind": self.kind, "label": self.label, "value": self.value, "count": self.count}


class Vocabulary:
    """Entries found by the start of their keys: sorted keys, bisected; the most frequent entries first."""

    def __init__(self, keyed: Iterable[tuple[str, Suggestion]]):
        pairs = sorted((key, i, s) for i, (key, s) in enumerate(keyed) if key)
        self.keys = [key for key, _, _ in pairs]
        self.entries = [s for _, _, s in pairs]
        self.counts = np.fromiter((s.count for s in self.entries), dtype=np.int64, count=len(self.entries))
        self.exact: dict[str, list[Suggestion]] = defaultdict(list)
        for key, _, s in pairs:
            self.exact[key].append(s)

    def __len__(self) -> int:
        return len(self.entries)

    def matching(self, prefix: str, limit: int) -> list[Suggestion]:
        """Entries with a key starting with ``prefix`` (folded), those whose key is ``prefix`` first, then by
        count; an entry found by several keys once."""
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix + "\U0010ffff", lo)
        # most documents first; ties in key order (stable sort); the slice is the prefix's range only
        top = lo + np.argsort(-self.counts[lo:hi], kind="stable")[: limit * 3]
        out: dict[tuple[str, str], Suggestion] = {}
        for s in (*self.exact.get(prefix, ()), *(self.entries[i] for i in top.tolist())):
            out.setdefault((s.kind, s.value), s)
        return list(out.values())[:limit]


# -- building the vocabularies ---------------------------------------------------------------------------------


def field_value(field: str, value: str) -> str:
    """``kommune:Bochum``; quoted when the value has spaces or brackets: ``kommune:"Bad Homburg v. d. Höhe"``."""
    return f'{field}:"{value}"' if re.search(r"[\s()]", value) else f"{field}:{value}"


def name_keys(*names: str) -> set[str]:
    """Prefix keys of names: the whole name and the rest of it from each of its words on."""
    keys = set()
    for name in names:
        words = [w for w in _SPLIT.split(name) if w]
        keys.update(prefix_key("".join(words[i:])) for i in range(len(words)))
    return keys


def facet_vocabularies(table: FacetTable, live: np.ndarray) -> dict[str, Vocabulary]:
    """Kommunen, parties and topics that occur in live documents, with their counts, one vocabulary per kind."""
    counted = {}
    for facet, kind in FACET_KINDS.items():
        column = table[facet]
        counts = column.counts(live)
        counted[kind] = {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts).tolist()}
    places: Counter = Counter()  # namesakes (two Brühl) are one suggestion: kommune:Brühl finds both
    for ars, count in counted["kommune"].items():
        places[vocab.place_name(ars)] += count
    aliases = reference.party_aliases()
    labels = {topic.slug: topic.label for topic in vocab.topics()}
    entries = {
        "kommune": [(Suggestion("kommune", name, field_value("kommune", name), count), (name,))
                    for name, count in places.items()],
        "partei": [(Suggestion("partei", party, field_value("partei", party), count), (party, *aliases.get(party, ())))
                   for party, count in counted["partei"].items()],
        "thema": [(Suggestion("thema", labels.get(slug, slug), field_value("thema", slug), count),
                   (labels.get(slug, slug), slug)) for slug, count in counted["thema"].items()],
    }
    return {kind: Vocabulary((key, s) for s, names in found for key in name_keys(*names))
            for kind, found in entries.items()}


def title_words(titles: Iterable[str | None], keep: int = WORDS_KEPT) -> list[tuple[str, Suggestion]]:
    """The ``keep`` words found in most titles (at least three letters, no digits, no stopwords), each in the
    spelling used most, keyed by its folded form. One regex pass and a dict lookup per word (100,000 titles:
    one to two seconds)."""
    key_of: dict[str, str] = {}  # spelling -> folded key ("" for words not suggested)
    documents: Counter = Counter()  # key -> titles with the word
    spellings: Counter = Counter()  # spelling -> times used
    for title in titles:
        found = TOKEN_RE.findall(title or "")
        spellings.update(found)
        keys = set()
        for word in found:
            key = key_of.get(word)
            if key is None:
                key = key_of[word] = _word_key(word)
            keys.add(key)
        documents.update(keys)
    documents.pop("", None)
    best: dict[str, tuple[str, int]] = {}
    for word, used in spellings.items():  # first seen wins a tie
        key = key_of[word]
        if key and used > best.get(key, ("", 0))[1]:
            best[key] = (word, used)
    return [(key, Suggestion("wort", best[key][0], best[key][0], count))
            for key, count in documents.most_common(keep)]


def _word_key(word: str) -> str:
    if len(word) < 3 or any(ch.isdigit() for ch in word) or word.lower() in STOPWORDS:
        return ""
    return prefix_key(word)


# -- answering --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """The word being typed, read from the end of the search box."""

    key: str  # folded prefix
    kinds: tuple[str, ...]  # kinds that fit where it stands
    before: str  # kept in front of the inserted value: "-", '"' or "titel:"


def typed_word(text: str) -> Typed | None:
    """The last word of ``text``, or None when the text ends in a space or has no word at its end.

    ``-Kita`` keeps the ``-`` (excluded word); ``kommune:Bo`` looks for Kommunen only; inside an open phrase
    (``"sicherer Ha``) only words fit.
    """
    text = text[-MAX_INPUT:]
    if not text or text[-1].isspace():
        return None
    start = max(text.rfind(ch) for ch in (" ", "\t", "\n", "\r", "\u00a0", "\u3000")) + 1
    word, before = text[start:], ""
    in_phrase = text[:start].count('"') % 2 == 1
    kinds = ("wort",) if in_phrase else KINDS
    match = _FIELD.match(word)
    if match and not in_phrase:
        kind = FIELD_KINDS.get(match["field"].lower())
        if kind is None:
            return None  # typ:, land:, jahr: ... have no suggestions
        word, kinds = match["rest"].lstrip('"'), (kind,)
        before = match["sign"] + ("titel:" if kind == "wort" else "")
    else:
        sign = word[:1] if word[:1] in ('-', '"') else ""
        word, before = word[len(sign):], sign
        if sign == '"':
            kinds = ("wort",)
    key = prefix_key(word)
    return Typed(key, kinds, before) if key else None


class Suggester:
    """The vocabularies of one store, rebuilt when its index changes (see the module's docstring)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._facet_state = None
        self._facets: dict[str, Vocabulary] = {}
        self._words_state = None
        self._words: Vocabulary | None = None
        self._words_at = 0.0
        self._words_took = 0.0

    def suggest(self, text: str, limit: int, reader: Reader,
                titles: Callable[[], Iterable[str | None]]) -> list[Suggestion]:
        """Suggestions for the last word of ``text``, those named exactly by it first, then most documents
        first; Kommunen, parties and topics get at least half the places when they have candidates."""
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(f"limit muss eine ganze Zahl zwischen 1 und {MAX_LIMIT} sein")
        typed = typed_word(text)
        if typed is None:
            return []
        vocabularies = self._vocabularies(reader, titles)
        exact = {(s.kind, s.value) for v in vocabularies.values() for s in v.exact.get(typed.key, ())}

        def rank(s: Suggestion) -> tuple:
            return ((s.kind, s.value) not in exact, -s.count, KINDS.index(s.kind), s.label.casefold())

        structured = sorted((s for kind in typed.kinds if kind != "wort"
                             for s in vocabularies[kind].matching(typed.key, limit)), key=rank)[:limit]
        words = vocabularies["wort"].matching(typed.key, limit) if "wort" in typed.kinds else []
        structured = structured[: max(limit - len(words), (limit + 1) // 2)]
        chosen = sorted(structured + words[: limit - len(structured)], key=rank)
        return [Suggestion(s.kind, s.label, typed.before + s.value, s.count) for s in chosen]

    def vocabularies(self, reader: Reader, titles: Callable[[], Iterable[str | None]]) -> dict[str, Vocabulary]:
        """Kind -> its current vocabulary (also the dictionary of the spelling suggestions)."""
        return self._vocabularies(reader, titles)

    def _vocabularies(self, reader: Reader, titles: Callable[[], Iterable[str | None]]) -> dict[str, Vocabulary]:
        state = (reader.kind, reader.state)
        if state != self._facet_state:
            with self._lock:
                if state != self._facet_state:
                    self._facets = facet_vocabularies(reader.table, reader.execution().match(plan.Every()))
                    self._facet_state = state
        if self._words is None or (state != self._words_state and self._words_due()):
            # the first build waits for the lock; a refresh is left to whoever holds it (old words meanwhile)
            if self._lock.acquire(blocking=self._words is None):
                try:
                    if self._words is None or state != self._words_state:
                        started = time.monotonic()
                        self._words = Vocabulary(title_words(titles()))
                        self._words_at = time.monotonic()
                        self._words_took = self._words_at - started
                        self._words_state = state
                finally:
                    self._lock.release()
        return {**self._facets, "wort": self._words}

    def _words_due(self) -> bool:
        if self._words_took < WORDS_QUICK:
            return True
        wait = min(WORDS_MAX_AGE, WORDS_BACKOFF * self._words_took)
        return time.monotonic() - self._words_at >= wait


_SUGGESTERS: dict[Path, Suggester] = {}
_REGISTRY_LOCK = threading.Lock()


def forget(root: Path) -> None:
    """Drop the process's vocabularies of the store at ``root`` (after a deletion: no word of a deleted title
    may stay suggestible); the next request builds them again."""
    with _REGISTRY_LOCK:
        _SUGGESTERS.pop(Path(root).resolve(), None)


def for_store(root: Path) -> Suggester:
    """The process's Suggester for the store at ``root`` (the web app opens an Archive per request)."""
    key = Path(root).resolve()
    with _REGISTRY_LOCK:
        return _SUGGESTERS.setdefault(key, Suggester())
