"""Splitting closed German compounds into their parts, for the index ("Bahnhofstraße" -> "Bahnhof" + "Straße").

A dictionary decompounder, like Elasticsearch's ``dictionary_decompounder``, over a word list built from Debian's
``wngerman`` and ``wordfreq`` (``archive/compound_lexicon.txt``, built by tools/build_compound_lexicon.py; the
README compares it with charsplit's n-gram splitter and pyphen's hyphenation points):

* the last part (the head, which decides what the compound is) must be a noun form of the list, spelt as in the
  text ("bäume" in "Straßenbäume");
* every part before it is a word of the list (noun, adjective or verb stem), perhaps with a linking element
  (Fugenelement: "Verkehr|s|wende", "Straße|n|bau", "Schul(e)|sanierung");
* the split with the fewest parts wins, ties go to the more frequent parts (the geometric mean of their Zipf
  frequencies, Koehn & Knight 2003). At most ``MAX_PARTS`` parts.

``parts(word)`` gives the surface pieces of the best split, ``None`` for a word that is not a compound. The index
stores their terms in the ``*_parts`` fields, so a search for "Straße" also finds "Bahnhofstraße", below the
documents that contain "Straße" itself.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

__all__ = ["LEXICON_FILE", "PARTICLES", "Lexicon", "lexicon", "parts", "spans"]

LEXICON_FILE = Path(__file__).with_name("compound_lexicon.txt")
MIN_COMPOUND_CHARS = 6  # "Radweg"
MIN_HEAD_CHARS = 3  # "Weg", "Amt", "Bus"
MIN_MODIFIER_CHARS = 3
MAX_PARTS = 4
FALLBACK_MODIFIER_CHARS = 4  # a split by its head alone: letters before the head, and of the head
FALLBACK_HEAD_CHARS = 5
LINKS = ("", "s", "es", "n", "en", "e", "er", "ens")  # Fugenelemente, tried in this order
# Derivational endings that are words of their own in the list but no compound heads ("Stat|ion", "Hand|lung").
NOT_HEADS = frozenset("ion tion ung ungen heit keit schaft ling nis tum in innen".split())
# Prefixes and particles form derived words, not compounds ("Unter|stützung", "Ent|wicklung", "Nieder|schrift").
PARTICLES = frozenset(
    "ab an auf aus bei durch ein empor entgegen entlang fort gegen her herab heran herauf heraus herbei herein "
    "herum herunter hervor hin hinab hinauf hinaus hinein hinter hinunter hinweg los mit nach neben nieder "
    "ober über um umher unter vor voran voraus vorbei vorher vorüber weiter wider wieder zu zurück "
    "zusammen zwischen miss ver zer ent emp be ge er".split()
)
_CACHE = 1 << 17
_FEMININE = ("innen", "in")


class Lexicon:
    """Noun forms (heads and modifiers) and modifier-only forms, each with its Zipf frequency times ten."""

    def __init__(self, nouns: dict[str, int], modifiers: dict[str, int]):
        self.nouns = nouns
        self.modifiers = modifiers

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> Lexicon:
        nouns: dict[str, int] = {}
        modifiers: dict[str, int] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line:
                continue
            word, zipf, kind = line.split("\t")
            (nouns if kind == "N" else modifiers)[word] = int(zipf)
        return cls(nouns, modifiers)

    def head(self, piece: str) -> int | None:
        """Frequency of ``piece`` as a compound's last part, or None."""
        if len(piece) < MIN_HEAD_CHARS or piece in NOT_HEADS:
            return None
        return self.nouns.get(piece)

    def modifier(self, piece: str) -> int | None:
        """Frequency of ``piece`` as a first part, after a linking element is taken off (or "e" put back)."""
        if piece in PARTICLES:
            return None
        for link in LINKS:
            if link and not piece.endswith(link):
                continue
            stem = piece[: len(piece) - len(link)]
            if len(stem) < MIN_MODIFIER_CHARS:
                continue
            found = self.nouns.get(stem) or self.modifiers.get(stem)
            if found is not None and (len(stem) > MIN_MODIFIER_CHARS or stem in self.nouns):
                return found
        if len(piece) > MIN_MODIFIER_CHARS:
            return self.nouns.get(piece + "e")  # "Schul|sanierung", "Kirch|turm"
        return None

    def split(self, folded: str) -> tuple[str, ...] | None:
        """The best split of a folded word into at least two pieces, or None."""
        if len(folded) < MIN_COMPOUND_CHARS or not folded.isalpha():
            return None
        best = self._best(folded, MAX_PARTS, {}, whole=False)
        if best is not None and len(best[1]) > 1:
            return best[1]
        return None if folded in self.nouns or folded in self.modifiers else self._head_only(folded)

    def _head_only(self, folded: str) -> tuple[str, ...] | None:
        """For a word the list does not know ("Coronazeit", "Pflegepersonalstärkungsgesetz"): an unlisted first
        part of at least FALLBACK_MODIFIER_CHARS letters, then listed parts ending in a head of at least
        FALLBACK_HEAD_CHARS letters. The head is what a search needs. A listed word that does not split is a
        simplex word ("Verantwortung" is not "Verantw|ortung")."""
        memo: dict = {}
        for cut in range(FALLBACK_MODIFIER_CHARS, len(folded) - FALLBACK_HEAD_CHARS + 1):
            rest = self._best(folded[cut:], MAX_PARTS - 1, memo)
            if rest is not None and len(rest[1][-1]) >= FALLBACK_HEAD_CHARS and folded[:cut] not in PARTICLES:
                return folded[:cut], *rest[1]
        return None

    def _best(self, text: str, budget: int, memo: dict,
              whole: bool = True) -> tuple[tuple[int, float], tuple[str, ...]] | None:
        """The best ``(rank, pieces)`` for ``text`` ending in a head. ``rank`` is (minus the number of pieces,
        their mean Zipf frequency): Zipf is a log scale, so that mean is the log of the geometric mean. ``whole``:
        may ``text`` stay one piece (not at the top, where a listed compound is still split)."""
        key = (text, budget, whole)
        if key in memo:
            return memo[key]
        options: list[tuple[tuple[int, float], tuple[str, ...]]] = []
        frequency = self.head(text) if whole else None
        if frequency is not None:
            options.append(((-1, float(frequency)), (text,)))
        if budget > 1:
            for cut in range(MIN_MODIFIER_CHARS, len(text) - MIN_HEAD_CHARS + 1):
                first = self.modifier(text[:cut])
                rest = self._best(text[cut:], budget - 1, memo) if first is not None else None
                if rest is not None:
                    (minus_count, mean), pieces = rest
                    count = 1 - minus_count
                    options.append(((-count, (mean * (count - 1) + first) / count), (text[:cut], *pieces)))
        memo[key] = max(options, key=lambda option: option[0]) if options else None
        return memo[key]


@cache
def lexicon() -> Lexicon:
    return Lexicon.load()


@lru_cache(maxsize=_CACHE)
def parts(folded: str) -> tuple[str, ...] | None:
    """Surface pieces of a folded word ("bahnhofstrasse" -> ("bahnhof", "strasse")), or None. A feminine
    "-in"/"-innen" is split off first and put back on the head ("bürgermeisterinnen" -> "bürger", "meisterinnen")."""
    for suffix in _FEMININE:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= MIN_COMPOUND_CHARS:
            base = lexicon().split(folded[: -len(suffix)])
            if base is not None:
                return (*base[:-1], base[-1] + suffix)
    return lexicon().split(folded)


def spans(pieces: tuple[str, ...]) -> list[str]:
    """Every contiguous run of pieces shorter than the whole word: the parts and the sub-compounds
    ("rad", "verkehrs", "förderung", "radverkehrs", "verkehrsförderung" of three pieces)."""
    n = len(pieces)
    return ["".join(pieces[i:j]) for i in range(n) for j in range(i + 1, n + 1) if j - i < n]
