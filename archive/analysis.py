"""German text analysis for the Whoosh index.

One tokenizer does all the work (regex split, gender forms, hyphenated compounds, folding,
stemming, stopwords, positions) so the hot path is a regex scan plus one cached lookup per
token. The same analysis is used at index time, at query time and for snippet highlighting.

Term pipeline for a single word (``term``):
    lowercase -> ß to ss -> ae/oe/ue to ä/ö/ü (German2 style, not in "qu" or after a vowel,
    so "Feuer", "neue", "Quelle" stay intact) -> own rules (-innen to -in, plural -s after a/o/y/i)
    -> Snowball German (PyStemmer) -> strip remaining umlauts and accents.

Per raw token (``token_terms``):
    * gender forms ``Bürger*innen``, ``Bürger:innen``, ``Bürger_innen``, ``Bürger/innen``,
      ``Bürger/-innen``, ``BürgerInnen`` emit the feminine term and the base term at one position;
    * hyphenated compounds ``Kita-Gebühren`` emit the joined term at the first position plus every
      part at consecutive positions, so ``Kitagebühren`` and the phrase ``Kita Gebühren`` both match;
    * stopwords are dropped without leaving a position gap (queries use the same analysis).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from whoosh.analysis import CompositeAnalyzer, Token, Tokenizer

from archive import compounds

__all__ = [
    "STOPWORDS",
    "TOKEN_RE",
    "GermanTokenizer",
    "Part",
    "TokenTerms",
    "analyze",
    "fold",
    "german_analyzer",
    "iter_tokens",
    "part_terms",
    "parts_analyzer",
    "prefix_key",
    "query_terms",
    "stem",
    "term",
    "token_terms",
]

MAX_TOKEN_CHARS = 100  # longer runs (hashes, URLs glued together) are not indexed
_CACHE_SIZE = 1 << 18

_WORD = r"[^\W_]+"
_HYPHENS = "-\u2010\u2011"
_GENDER_SUFFIX = r"(?:[*:_\u00b7]|/-?)[Ii]n(?:nen)?(?![^\W_])"
TOKEN_RE = re.compile(rf"{_WORD}(?:{_GENDER_SUFFIX}|[{_HYPHENS}]{_WORD})*")
_PART_RE = re.compile(rf"(?:[^{_HYPHENS}]|(?<=/)-)+")  # "Bürger/-innen" is one part
_MARKED_GENDER_RE = re.compile(r"^(?P<base>.+?)(?:[*:_\u00b7]|/-?)(?P<suffix>[Ii]n(?:nen)?)$")
_LONG_WORD_RE = re.compile(rf"[^\W\d_]{{{compounds.MIN_COMPOUND_CHARS},}}")
_BINNEN_I_RE = re.compile(r"^(?P<base>[^\W\d_]*[a-zäöüß])(?P<suffix>In(?:nen)?)$")
_DIPHTHONG_RE = re.compile(r"(?<![aeiouyäöüq])ue|ae|oe")
_DIPHTHONGS = {"ae": "ä", "oe": "ö", "ue": "ü"}
_STRIP_ACCENTS = str.maketrans("äöüàáâãåèéêëìíîïòóôõùúûñç", "aouaaaaaeeeeiiiioooouuunc")

STOPWORDS = frozenset(
    """
    aber als am an auch auf aus bei beim bis da dass dem den der des die dies diese diesem diesen dieser
    dieses durch ein eine einem einen einer eines es für im in ins mit nach ob oder sich so um und vom von
    wie zu zum zur
    """.split()
)

# -innen -> -in merges Kolleginnen with Kollegin; these words merely end in "innen".
_NOT_FEMININE_ENDINGS = ("beginnen", "gewinnen", "spinnen", "besinnen", "entrinnen", "zerrinnen", "drinnen")
_NOT_FEMININE_WORDS = frozenset({"innen", "binnen", "linnen", "rinnen", "sinnen"})
# plural -s after a vowel (Kitas, Autos, Büros, Azubis); Snowball only strips -s after consonants.
_PLURAL_S_MIN_LEN = 5
_NO_PLURAL_S_BEFORE_I = frozenset("aeiousnxr")
_NOT_PLURAL_S = frozenset({"etwas"})

_STEMMER = Stemmer.Stemmer("german")


def fold(word: str) -> str:
    """Lowercase and fold spelling variants: ß -> ss, ae/oe/ue -> ä/ö/ü (umlauts are kept)."""
    lowered = word.lower().replace("ß", "ss")
    return _DIPHTHONG_RE.sub(lambda m: _DIPHTHONGS[m.group()], lowered)


def _strip_plural_s(word: str) -> str:
    if len(word) < _PLURAL_S_MIN_LEN or word[-1] != "s" or word in _NOT_PLURAL_S:
        return word
    vowel = word[-2]
    if vowel in "aoy" or (vowel == "i" and word[-3] not in _NO_PLURAL_S_BEFORE_I):
        return word[:-1]
    return word


def _feminine_singular(word: str) -> str:
    if not word.endswith("innen") or len(word) < 8:
        return word
    if word in _NOT_FEMININE_WORDS or word.endswith(_NOT_FEMININE_ENDINGS):
        return word
    return word[:-3]


def stem(folded: str) -> str:
    """Stem an already folded word and strip umlauts/accents from the result."""
    word = _strip_plural_s(_feminine_singular(folded))
    return _STEMMER.stemWord(word).translate(_STRIP_ACCENTS)


@lru_cache(maxsize=_CACHE_SIZE)
def term(word: str) -> str:
    """The index term for a single word (no splitting): fold, then stem."""
    return stem(fold(word))


def prefix_key(text: str) -> str:
    """Folded, unstemmed form of a prefix, comparable with the beginning of index terms."""
    return fold(re.sub(r"[\W_]+", "", text)).translate(_STRIP_ACCENTS)


@dataclass(frozen=True, slots=True)
class Part:
    """One position of a token: alternative terms (primary first) and the span inside the token."""

    terms: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TokenTerms:
    """Analysis of one raw token as matched by ``TOKEN_RE``."""

    joined: str | None  # term of the joined compound (only for tokens with several parts)
    parts: tuple[Part, ...]  # non-stopword parts at consecutive positions
    stopword: bool = False
    entries: tuple[tuple[str, int, int, int], ...] = ()  # (term, position offset, start, end)
    all_terms: frozenset[str] = frozenset()
    width: int = 0  # positions consumed (== len(parts))


def _gender_split(part: str) -> tuple[str, str] | None:
    """Return (feminine, base) surface forms for gender-marked words, else None."""
    match = _MARKED_GENDER_RE.match(part) or _BINNEN_I_RE.match(part)
    if match is None:
        return None
    base = match.group("base")
    return base + match.group("suffix").lower(), base


def _part_surface(part: str) -> tuple[str, tuple[str, ...]]:
    """Surface form used for joining and the alternative terms of one compound part."""
    gender = _gender_split(part)
    if gender is None:
        return part.lower(), (term(part),)
    feminine, base = gender
    terms = (term(feminine), term(base))
    return feminine.lower(), tuple(dict.fromkeys(terms))


def _build(joined: str | None, parts: tuple[Part, ...], length: int) -> TokenTerms:
    entries: list[tuple[str, int, int, int]] = []
    if joined is not None:
        entries.append((joined, 0, 0, length))
    for offset, part in enumerate(parts):
        entries.extend((text, offset, part.start, part.end) for text in part.terms if (text, offset) != (joined, 0))
    all_terms = frozenset(entry[0] for entry in entries)
    return TokenTerms(joined, parts, False, tuple(entries), all_terms, len(parts))


_EMPTY = TokenTerms(None, ())
_STOP = TokenTerms(None, (), stopword=True)


def _simple(raw: str) -> TokenTerms:
    folded = fold(raw)
    if folded in STOPWORDS:
        return _STOP
    text = stem(folded)
    return TokenTerms(None, (Part((text,), 0, len(raw)),), False, ((text, 0, 0, len(raw)),), frozenset((text,)), 1)


@lru_cache(maxsize=_CACHE_SIZE)
def token_terms(raw: str) -> TokenTerms:
    """Analyze one raw token (a ``TOKEN_RE`` match)."""
    if len(raw) > MAX_TOKEN_CHARS:
        return _EMPTY
    if raw.isalnum() and "In" not in raw:
        return _simple(raw)
    pieces = [(m.group(), m.start(), m.end()) for m in _PART_RE.finditer(raw)]
    if len(pieces) == 1 and fold(raw) in STOPWORDS:
        return _STOP
    surfaces: list[str] = []
    parts: list[Part] = []
    for text, start, end in pieces:
        surface, terms = _part_surface(text)
        surfaces.append(surface)
        if fold(text) not in STOPWORDS:
            parts.append(Part(terms, start, end))
    joined = term("".join(surfaces)) if len(pieces) > 1 else None
    if not parts and joined is not None:
        parts.append(Part((joined,), 0, len(raw)))
        joined = None
    return _build(joined, tuple(parts), len(raw))


@lru_cache(maxsize=_CACHE_SIZE)
def part_terms(raw: str) -> tuple[str, ...]:
    """Index terms of the parts of a closed compound (``archive.compounds``): "Bahnhofstraße" gives "bahnhof" and
    "strass", "Radverkehrsförderung" also "radverkehr" and "verkehrsforder". Not the word's own term, no stopwords.
    Only plain words: hyphenated compounds already index their parts (``token_terms``)."""
    if len(raw) < compounds.MIN_COMPOUND_CHARS or not raw.isalpha():
        return ()
    pieces = compounds.parts(fold(raw))
    if pieces is None:
        return ()
    own = term(raw)
    found = (stem(span) for span in compounds.spans(pieces) if span not in STOPWORDS)
    return tuple(t for t in dict.fromkeys(found) if t != own and len(t) >= compounds.MIN_HEAD_CHARS)


def iter_tokens(text: str) -> Iterator[tuple[re.Match[str], TokenTerms]]:
    """Yield every token match with its analysis (stopwords included, flagged)."""
    for match in TOKEN_RE.finditer(text):
        yield match, token_terms(match.group())


def analyze(text: str) -> list[str]:
    """The terms the index gets for ``text``, in order; primary form first within a token."""
    return [entry[0] for match in TOKEN_RE.finditer(text) for entry in token_terms(match.group()).entries]


def query_terms(word: str) -> list[str]:
    """All terms a single query word matches: joined compound first, then the parts."""
    return list(dict.fromkeys(analyze(word)))


class GermanTokenizer(Tokenizer):
    """Whoosh tokenizer producing German index terms with positions and character offsets."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield from self._single(token, value, start_pos, start_char, keeporiginal)
            return
        pos = start_pos
        for match in TOKEN_RE.finditer(value):
            info = token_terms(match.group())
            start = start_char + match.start()
            if info.stopword and not removestops:
                yield self._stopped(token, match, pos, start)
            for text, offset, begin, end in info.entries:
                token.text = text
                token.stopped = False
                token.boost = 1.0
                token.pos = pos + offset
                token.startchar = start + begin
                token.endchar = start + end
                if keeporiginal:
                    token.original = match.group()[begin:end]
                yield token
            pos += info.width

    @staticmethod
    def _stopped(token: Token, match: re.Match[str], pos: int, start: int) -> Token:
        token.text = fold(match.group())
        token.original = match.group()
        token.stopped = True
        token.boost = 1.0
        token.pos = pos
        token.startchar = start
        token.endchar = start + len(match.group())
        return token

    @staticmethod
    def _single(token: Token, value: str, pos: int, start_char: int, keeporiginal: bool) -> Iterator[Token]:
        token.text = term(value)
        token.stopped = False
        token.boost = 1.0
        token.pos = pos
        token.startchar = start_char
        token.endchar = start_char + len(value)
        if keeporiginal:
            token.original = value
        yield token


class PartsTokenizer(Tokenizer):
    """Whoosh tokenizer for the ``*_parts`` fields: only the part terms of closed compounds (``part_terms``).
    It scans for runs of letters, not ``TOKEN_RE`` tokens (about 15 % faster on the bench texts); the pieces
    of a hyphenated word are split each ("Radverkehrs-Konzept": "rad", "verkehr")."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.text, token.pos, token.boost, token.stopped = term(value), start_pos, 1.0, False
            yield token
            return
        pos = start_pos
        for match in _LONG_WORD_RE.finditer(value):  # only runs of letters long enough to be split
            for text in part_terms(match.group()):
                token.text, token.pos, token.boost, token.stopped = text, pos, 1.0, False
                token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
                yield token
            pos += 1


def parts_analyzer() -> CompositeAnalyzer:
    """Analyzer for the ``title_parts`` and ``body_parts`` fields."""
    return CompositeAnalyzer(PartsTokenizer())


def german_analyzer() -> CompositeAnalyzer:
    """Analyzer for the ``title`` and ``body`` fields (index and query time)."""
    return CompositeAnalyzer(GermanTokenizer())


def positions(text: str) -> Iterator[tuple[str, int, int, int]]:
    """``(term, position, start, end)`` of every index term of ``text``, as ``GermanTokenizer`` indexes them (for
    engines that take analysed tokens)."""
    pos = 0
    for match in TOKEN_RE.finditer(text):
        info = token_terms(match.group())
        start = match.start()
        for text_, offset, begin, end in info.entries:
            yield text_, pos + offset, start + begin, start + end
        pos += info.width


def part_positions(text: str) -> Iterator[tuple[str, int, int, int]]:
    """``(term, position, start, end)`` of the compound parts of ``text``, as ``PartsTokenizer`` indexes them."""
    for pos, match in enumerate(_LONG_WORD_RE.finditer(text)):
        for found in part_terms(match.group()):
            yield found, pos, match.start(), match.end()
