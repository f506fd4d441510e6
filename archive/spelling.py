"""„Meinten Sie …?“ for queries that find little, from the archive's own vocabulary.

The words come from the autocomplete's vocabularies (``archive.suggest``): the Kommunen, parties and topics that
occur in the archive and the frequent title words, each with its document count. They are folded like the
search (``analysis.prefix_key``: "Mühlheim" is "muhlheim") and put into a SymSpell dictionary (symspellpy:
symmetric-delete lookups, edit distance at most 2), built once per vocabulary and cached.

A word of the query is corrected when the index has no or almost no documents with it and a word within two
edits has more: the closest such word wins, ties go to the more frequent. Kommunen, parties and topics count
``NAME_WEIGHT`` times their documents, so "Esen" becomes "Essen" rather than "Eisen". Only plain words are
corrected (not phrases, prefixes or fields); the suggestion is the whole query with the words replaced,
printed canonically, so one click searches it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from symspellpy import SymSpell, Verbosity

from archive.analysis import prefix_key, term
from archive.query import And, Field, Node, Or, Word, to_string
from archive.suggest import Vocabulary

__all__ = ["FEW_HITS", "MAX_EDITS", "Speller", "Spellers", "correct", "for_store", "suggest"]

MAX_EDITS = 2
MIN_CHARS = 4  # shorter words are not corrected (too many neighbours)
RARE_DF = 1  # a word in at most this many documents may be a typo
FEW_HITS = 5  # a query with fewer full matches than this gets a suggestion, if there is one
NAME_WEIGHT = 20  # names of the archive's Kommunen, parties and topics beat title words of the same distance
_PREFIX = 7  # symspellpy's prefix length: keys are compared on their first characters


@dataclass(frozen=True, slots=True)
class _Entry:
    text: str  # the spelling shown ("Mülheim an der Ruhr" gives "Mülheim")
    count: int


class Speller:
    """A SymSpell dictionary over folded words, each with its display form and weight."""

    def __init__(self, vocabularies: dict[str, Vocabulary]):
        self._entries: dict[str, _Entry] = {}
        self.places: dict[str, str] = {}  # folded word -> the Kommune whose name has it ("Mülheim an der Ruhr")
        for kind, vocabulary in vocabularies.items():
            weight = 1 if kind == "wort" else NAME_WEIGHT
            for suggestion in vocabulary.entries:
                for word in _words(suggestion.label):
                    self._add(word, suggestion.count * weight)
                    if kind == "kommune":
                        self.places.setdefault(prefix_key(word), suggestion.label)
        self._symspell = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=_PREFIX)
        for key, entry in self._entries.items():
            self._symspell.create_dictionary_entry(key, entry.count)

    def _add(self, word: str, count: int) -> None:
        key = prefix_key(word)
        if len(key) < MIN_CHARS:
            return
        old = self._entries.get(key)
        if old is None or count > old.count:
            self._entries[key] = _Entry(word, count + (old.count if old else 0))
        else:
            self._entries[key] = _Entry(old.text, old.count + count)

    def knows(self, word: str) -> bool:
        return prefix_key(word) in self._entries

    def ranked(self, key: str) -> list[tuple[int, int, str]]:
        """(edits, weight, display form) of the words within ``MAX_EDITS`` of the folded ``key``, not itself."""
        if len(key) < MIN_CHARS:
            return []
        found = self._symspell.lookup(key, Verbosity.ALL, max_edit_distance=MAX_EDITS)
        return [(item.distance, item.count, self._entries[item.term].text) for item in found if item.term != key]

    def candidates(self, word: str) -> list[str]:
        """Words within ``MAX_EDITS`` of ``word``, closest first, then most frequent; not ``word`` itself."""
        ranked = sorted(self.ranked(prefix_key(word)), key=lambda item: (item[0], -item[1]))
        return [text for _d, _c, text in ranked]


def _words(label: str) -> list[str]:
    return [w for w in label.replace("-", " ").split() if w.isalpha()]


def correct(node: Node, speller: Speller, df: Callable[[str], int]) -> Node | None:
    """``node`` with its rare words replaced by better known ones, or None if nothing was corrected.
    ``df(term)`` gives an index term's document frequency."""
    changed = [False]

    def fix(current: Node) -> Node:
        if isinstance(current, Word):
            better = _better(current.text, speller, df)
            if better is not None:
                changed[0] = True
                return Word(better)
            return current
        if isinstance(current, Field) and current.name == "kommune" and isinstance(current.value, str):
            better = _better_place(current.value, speller)
            if better is not None:
                changed[0] = True
                return Field("kommune", better)
            return current
        if isinstance(current, And | Or):
            return type(current)(tuple(fix(child) for child in current.children))
        return current  # Not (a typo there excludes nothing), phrases, prefixes and other fields stay

    fixed = fix(node)
    return fixed if changed[0] else None


def _better_place(value: str, speller) -> str | None:
    """For ``kommune:Mühlheim`` in an archive without documents from any Mühlheim: the archive's Kommune with
    the closest name ("Mülheim an der Ruhr")."""
    names = speller.names
    if prefix_key(value) in names.places or any(prefix_key(w) in names.places for w in _words(value)[:1]):
        return None
    for candidate in names.candidates(value):
        label = names.places.get(prefix_key(candidate))
        if label is not None:
            return label
    return None


def _better(word: str, speller: Speller, df: Callable[[str], int]) -> str | None:
    own = df(term(word))
    if own > RARE_DF:
        return None
    for candidate in speller.candidates(word):
        if df(term(candidate)) > own:
            return candidate
    return None


class Spellers:
    """The spellers of one store: title words (rebuilt when the autocomplete's words are, which is throttled) and
    names (small, rebuilt whenever the facet vocabularies change). Objects are compared by identity."""

    def __init__(self):
        self._words: tuple[Vocabulary | None, Speller | None] = (None, None)
        self._names: tuple[tuple, Speller | None] = ((), None)
        self._lock = threading.Lock()

    def spellers(self, vocabularies: dict[str, Vocabulary]) -> tuple[Speller, Speller]:
        with self._lock:
            words = vocabularies["wort"]
            if self._words[0] is not words:
                self._words = (words, Speller({"wort": words}))
            names = tuple(v for k, v in sorted(vocabularies.items()) if k != "wort")
            if len(names) != len(self._names[0]) or any(a is not b for a, b in zip(names, self._names[0], strict=True)):
                self._names = (names, Speller({k: v for k, v in vocabularies.items() if k != "wort"}))
            return self._names[1], self._words[1]


_SPELLERS: dict[Path, Spellers] = {}
_REGISTRY_LOCK = threading.Lock()


def for_store(root: Path) -> Spellers:
    """The process's spellers for the store at ``root``."""
    with _REGISTRY_LOCK:
        return _SPELLERS.setdefault(Path(root).resolve(), Spellers())


def suggest(q: str, node: Node, vocabularies: dict[str, Vocabulary], spellers: Spellers,
            df: Callable[[str], int]) -> str | None:
    """The corrected query text for ``node`` (parsed from ``q``), or None."""
    names, words = spellers.spellers(vocabularies)
    fixed = correct(node, _Both(names, words), df)
    if fixed is None:
        return None
    text = to_string(fixed)
    return text if text.casefold() != q.strip().casefold() else None


class _Both:
    """Names first (weighted), then title words, each closest first."""

    def __init__(self, names: Speller, words: Speller):
        self.names, self.words = names, words

    def candidates(self, word: str) -> list[str]:
        key = prefix_key(word)
        found = self.names.ranked(key) + self.words.ranked(key)
        found.sort(key=lambda item: (item[0], -item[1]))
        return list(dict.fromkeys(text for _d, _c, text in found))
