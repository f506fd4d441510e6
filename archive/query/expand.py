"""Query-side expansion of single words, driven by the index's own term dictionary and a curated list.

* **Decompounding**: a closed German compound ("Radverkehrsförderung", "Straßenbäume", "Schulsanierung")
  is split by the decompounder the index uses for the text (``archive.compounds``), and its pieces are grouped
  into the fewest parts that the index holds, as words or as parts of the text's compounds ("radverkehr" +
  "forder"); ties go to the higher geometric mean of document frequencies (Koehn & Knight).
* **Compound heads**: index terms that begin with the word's stem ("Straßenbahn" -> "straßenbahnlinie",
  "barrierefrei" -> "barrierefreiheit"), the most frequent few.
* **Synonyms and abbreviations** from ``archive/synonyms.csv`` (``B-Plan`` = ``Bebauungsplan``).

Lookups use the engine's ``Terms`` (``doc_frequency`` and a bounded prefix scan); results are cached per
``Terms`` object (a new one after an index change gets a fresh cache). Everything is bounded per word.
"""

from __future__ import annotations

import csv
import heapq
import math
from dataclasses import dataclass
from functools import cache
from itertools import combinations, pairwise
from pathlib import Path

from archive import compounds
from archive.analysis import STOPWORDS, TOKEN_RE, fold, term, token_terms
from archive.query.plan import Terms

__all__ = ["Lexicon", "Synonym", "lexicon", "synonym_groups"]

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "synonyms.csv"
TEXT_FIELDS = ("title", "body")
PART_FIELDS = ("title_parts", "body_parts")

MIN_HEAD_STEM = 5  # stems shorter than this get no compound-head expansion
MAX_HEADS = 3  # head expansions kept, highest document frequency first
MAX_HEAD_SCAN = 500  # index terms looked at per field
MAX_HEAD_EXTRA = 14  # a head expansion is at most this many characters longer than the stem
_CACHE_LIMIT = 4096  # cached words per searcher
# Recall expansions (parts, heads) only for words with fewer documents of their own than this: they
# are what a searcher would otherwise miss, and frequent words would pay for long posting lists.
EXPAND_BELOW_DF = 20
# Synonyms only for words in less than this share of all documents: a word that common gains little
# recall from its synonyms, and each synonym of it would cost a long posting list.
SYNONYMS_BELOW_SHARE = 0.25
# Derivational suffixes and particles that are index terms of their own but no compound parts
# ("Befrist|ung", "sachgrund|los", "Gemeinschaft" is not "Gemein|schaft").
NOT_PARTS = frozenset(
    "ung ungen los lich heit keit igkeit schaft schaften bar isch ig tum nis sam haft chen lein ion tion "
    "ier ieren iert ismus ist istin ität ant ent enz anz ling weis".split()
)


_NOT_PARTS = STOPWORDS | NOT_PARTS


@dataclass(frozen=True, slots=True)
class Synonym:
    """One alternative of a synonym group: its words (more than one -> a phrase)."""

    words: tuple[str, ...]


def _key(text: str) -> tuple[str, ...]:
    """Normalised key of a word or phrase: the primary (joined) term of each non-stopword token."""
    out: list[str] = []
    for match in TOKEN_RE.finditer(text):
        info = token_terms(match.group())
        if info.parts:
            out.append(info.joined or info.parts[0].terms[0])
    return tuple(out)


@cache
def synonym_groups(path: Path = SYNONYMS_FILE) -> dict[tuple[str, ...], tuple[Synonym, ...]]:
    """Map the key of each group member to the other members of its group.

    File format: one group per line, members separated by ``;``; ``#`` starts a comment line.
    A member may be several words ("Kosten der Unterkunft"), searched as a phrase.
    """
    groups: dict[tuple[str, ...], list[Synonym]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.reader((line for line in handle if not line.lstrip().startswith("#")), delimiter=";"):
            members = [" ".join(cell.split()) for cell in row if cell.strip()]
            keyed = [(key, Synonym(tuple(m.split()))) for m in members if (key := _key(m))]
            for key, _syn in keyed:
                others = groups.setdefault(key, [])
                others.extend(syn for other, syn in keyed if other != key and syn not in others)
    return {key: tuple(syns) for key, syns in groups.items()}


def synonyms_of(text: str) -> tuple[Synonym, ...]:
    return synonym_groups().get(_key(text), ())


class Lexicon:
    """Term statistics of one index state (an engine's ``Terms``), with per-word caches."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self.doc_count = max(1, terms.doc_count)
        self.fields = tuple(f for f in TEXT_FIELDS if terms.has_field(f))
        self.part_fields = tuple(f for f in PART_FIELDS if terms.has_field(f))
        self._df: dict[str, int] = {}
        self._splits: dict[str, tuple[str, ...] | None] = {}
        self._heads: dict[str, tuple[str, ...]] = {}

    def df(self, text: str) -> int:
        found = self._df.get(text)
        if found is None:
            found = sum(self.terms.doc_frequency(f, text) for f in self.fields)
            if len(self._df) < _CACHE_LIMIT * 8:
                self._df[text] = found
        return found

    # -- decompounding -------------------------------------------------

    def split(self, word: str) -> tuple[str, ...] | None:
        """Stems of the parts of a closed compound, split as the index splits the text's compounds
        (``archive.compounds``), or None; only for words rarer than ``EXPAND_BELOW_DF`` whose every part is
        in the index (as a word or as a part of the text's compounds)."""
        folded = fold(word)
        if folded in self._splits:
            return self._splits[folded]
        best = None
        if folded.isalpha() and self.df(term(word)) < EXPAND_BELOW_DF:
            best = self._grouping(compounds.parts(folded) or ())
        if len(self._splits) < _CACHE_LIMIT:
            self._splits[folded] = best
        return best

    def _grouping(self, pieces: tuple[str, ...]) -> tuple[str, ...] | None:
        """The pieces grouped into the fewest parts that are all in the index, ties to the higher geometric mean
        of their document frequencies (Koehn & Knight): "rad|verkehrs|förderung" -> "radverkehr", "forder"."""
        options = []
        for cuts in _cut_sets(len(pieces)):
            bounds = (0, *cuts, len(pieces))
            stems = tuple(term("".join(pieces[a:b])) for a, b in pairwise(bounds))
            frequencies = [self.part_df(s) for s in stems]
            if len(set(stems)) == len(stems) and all(frequencies) and not _NOT_PARTS.intersection(stems):
                options.append((-len(stems), sum(math.log(f) for f in frequencies) / len(stems), stems))
        return max(options)[2] if options else None

    def part_df(self, text: str) -> int:
        """Documents with ``text`` as a word or as a part of a compound (counted per field)."""
        return self.df(text) + sum(self.terms.doc_frequency(f, text) for f in self.part_fields)

    def common(self, text: str) -> bool:
        """True if ``text`` is in at least ``SYNONYMS_BELOW_SHARE`` of the documents."""
        return self.df(text) >= SYNONYMS_BELOW_SHARE * self.doc_count

    # -- compound heads ------------------------------------------------

    def heads(self, stem: str) -> tuple[str, ...]:
        """Index terms that begin with ``stem`` (compounds with it as first part), most frequent first."""
        if stem in self._heads:
            return self._heads[stem]
        found: dict[str, int] = {}
        if len(stem) >= MIN_HEAD_STEM and stem.isalpha() and self.df(stem) < EXPAND_BELOW_DF:
            for fieldname in self.fields:
                for text, frequency in self.terms.terms_with_prefix(fieldname, stem, MAX_HEAD_SCAN):
                    if text != stem and len(text) - len(stem) <= MAX_HEAD_EXTRA:
                        found[text] = found.get(text, 0) + frequency
        heads = tuple(heapq.nlargest(MAX_HEADS, found, key=lambda t: (found[t], t)))
        if len(self._heads) < _CACHE_LIMIT:
            self._heads[stem] = heads
        return heads


def _cut_sets(pieces: int) -> list[tuple[int, ...]]:
    """Every way to cut ``pieces`` pieces into at least two runs: the inner boundaries, ascending."""
    inner = range(1, pieces)
    return [cuts for size in range(1, pieces) for cuts in combinations(inner, size)]


def lexicon(terms: Terms) -> Lexicon:
    """The lexicon of ``terms`` (created on first use, lives as long as that ``Terms`` object)."""
    found = getattr(terms, "lexicon", None)
    if found is None:
        found = Lexicon(terms)
        terms.lexicon = found
    return found
