"""Search result snippets: the densest window of matched terms, HTML-escaped, matches in ``<mark>``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from archive.analysis import MAX_TOKEN_CHARS, TOKEN_RE, part_terms, token_terms

__all__ = ["SCAN_CHARS", "make_snippet"]

SCAN_CHARS = 50_000  # matches are only looked for in the beginning of long documents
LOOKAHEAD = 4_000  # chars scanned after the first match
ELLIPSIS = "…"
_SPACE_RE = re.compile(r"\s+")
_MARK_OPEN = Markup("<mark>")
_MARK_CLOSE = Markup("</mark>")


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    key: str  # the matched term, to count distinct terms per window


@lru_cache(maxsize=1 << 18)
def _terms_of(raw: str) -> frozenset[str]:
    """The terms a token matches: its own, and the parts of a closed compound (a search for "Schule" marks
    "Grundschule", which it finds through the ``body_parts`` field)."""
    own = token_terms(raw).all_terms
    parts = part_terms(raw)
    return own | frozenset(parts) if parts else own


# Lowercase text as Latin-1 bytes (other characters become "?"), folded one byte for one, so that
# offsets in the folded bytes are offsets in the text; bytes.translate and bytes.find run in C.
_FOLD_1TO1 = bytes.maketrans("äöüßàáâãåèéêëìíîïòóôõùúûñç".encode("latin-1"), b"aousaaaaaeeeeiiiioooouuunc")
_TOKEN_INNER = "-\u2010\u2011*:_/\u00b7"
_CHUNK = LOOKAHEAD + 500
_MANY_PROBES = 12
_PROBE_CHARS = 4  # short enough for joined compounds: "kitagebuhr" is found in "kita-gebühren"
_VOWEL_SPELLINGS = {"a": ("a", "ae"), "o": ("o", "oe"), "u": ("u", "ue")}


@lru_cache(maxsize=4096)
def _probes(term: str) -> tuple[bytes, ...]:
    """Strings that occur in the 1:1-folded text wherever ``term`` (an index term: a stem, which starts
    the folded word) occurs: its first characters, "ss" written "s" (for "ß"), and each a/o/u also
    as ae/oe/ue (for "Muenster")."""
    head = term.replace("ss", "s")[:_PROBE_CHARS]
    variants = [""]
    for char in head:
        variants = [v + spelled for v in variants for spelled in _VOWEL_SPELLINGS.get(char, (char,))]
    return tuple(v.encode("latin-1", "replace") for v in variants)


def _folded(text: str) -> bytes | None:
    """The scanned part of ``text``, lowercased and folded one byte per character; None when
    lowercasing changes its length (offsets would not match)."""
    head = text[:SCAN_CHARS]
    lowered = head.lower()
    if len(lowered) != len(head):
        return None
    return lowered.encode("latin-1", "replace").translate(_FOLD_1TO1)


def _token_start(text: str, at: int) -> int:
    """The start of the token around offset ``at`` (letters, digits, hyphens and gender marks)."""
    low = max(at - MAX_TOKEN_CHARS, 0)
    while at > low and (text[at - 1].isalnum() or text[at - 1] in _TOKEN_INNER):
        at -= 1
    return at


def _minimal(probes: set[bytes]) -> set[bytes]:
    """Fewer probes, same tokens found: many probes (a prefix query's expansions) are cut to three
    characters; a probe that starts with another probe is dropped."""
    if len(probes) > _MANY_PROBES:
        probes = {p[:3] for p in probes}
    ordered = sorted(probes)
    return {p for i, p in enumerate(ordered) if not any(p.startswith(q) for q in ordered[:i] if len(q) < len(p))}


def _tokens(text: str, terms: Iterable[str]) -> Iterator[re.Match]:
    """The tokens of the scanned part that could hold a term (a probe occurs in them), in text order.

    The text is searched a chunk at a time from the next probe occurrence on, so a consumer that
    stops early never pays for the rest of a long document."""
    folded = _folded(text)
    if folded is None:
        yield from TOKEN_RE.finditer(text, 0, SCAN_CHARS)
        return
    probes = _minimal({probe for term in terms for probe in _probes(term)})
    covered = pos = 0
    while pos < len(folded):
        firsts = [at for probe in probes if (at := folded.find(probe, pos)) >= 0]
        if not firsts:
            return
        begin = min(firsts)
        pos = begin + _CHUNK
        starts = set()
        for probe in probes:
            at = folded.find(probe, begin, pos)
            while at >= 0:
                starts.add(_token_start(text, at))
                at = folded.find(probe, at + len(probe), pos)
        for start in sorted(starts):
            match = TOKEN_RE.match(text, start, SCAN_CHARS) if start >= covered else None
            if match:
                covered = match.end()
                yield match


def _find_matches(text: str, terms: set[str] | frozenset[str]) -> list[_Match]:
    """Matches in reading order; stops early once every term was seen or a good window is certain.

    Only tokens where a term's probe occurs are analysed (see ``_probes``). Scanning stops at
    ``SCAN_CHARS``, when all terms have been found, or ``LOOKAHEAD`` chars after the first match:
    the best window is then almost always already among the matches.
    """
    disjoint = terms.isdisjoint
    terms_of = _terms_of
    found: list[_Match] = []
    seen: set[str] = set()
    stop_at = SCAN_CHARS
    for match in _tokens(text, terms):
        if match.start() > stop_at:
            break
        matched = terms_of(match.group())
        if disjoint(matched):
            continue
        key = min(matched & terms)
        found.append(_Match(match.start(), match.end(), key))
        seen.add(key)
        if len(found) == 1:
            stop_at = match.start() + LOOKAHEAD
        if len(seen) == len(terms):
            stop_at = min(stop_at, match.end() + 240)
    return found


def _best_window(matches: list[_Match], width: int) -> tuple[int, int]:
    """Indices (first, last) of the run of matches within ``width`` chars with most distinct terms."""
    counts: Counter[str] = Counter()
    best, best_score = (0, 0), (0, 0)
    j = 0
    for i, first in enumerate(matches):
        while j < len(matches) and (j == i or matches[j].end - first.start <= width):
            counts[matches[j].key] += 1
            j += 1
        score = (len(counts), j - i)
        if score > best_score:
            best, best_score = (i, j - 1), score
        counts[first.key] -= 1
        if not counts[first.key]:
            del counts[first.key]
    return best


def _last_space(text: str, start: int, end: int) -> int | None:
    found = None
    for found_match in _SPACE_RE.finditer(text, start, end):
        found = found_match.start()
    return found


def _bounds(text: str, span_start: int, span_end: int, width: int) -> tuple[int, int]:
    """Window around the matched span, cut at word boundaries, at most ``width`` chars if possible."""
    slack = max(width - (span_end - span_start), 0)
    start = max(span_start - slack // 3, 0)
    if start > 0:
        space = _SPACE_RE.search(text, start, span_start)
        start = space.end() if space else span_start
    end = min(max(start + width, span_end), len(text))
    if end < len(text) and not text[end].isspace():
        space_at = _last_space(text, span_end, end)
        end = space_at if space_at is not None else span_end
    return start, end


def _render(text: str, start: int, end: int, matches: Iterable[_Match]) -> Markup:
    pieces: list[Markup] = [Markup(ELLIPSIS)] if start > 0 else []
    pos = start if start > 0 else len(text) - len(text.lstrip())
    for match in matches:
        if match.end > end:
            break
        if match.start < pos:
            continue
        pieces += [_plain(text[pos : match.start]), _MARK_OPEN, escape(text[match.start : match.end]), _MARK_CLOSE]
        pos = match.end
    pieces.append(_plain(text[pos:end].rstrip()))
    if end < len(text):
        pieces.append(Markup(ELLIPSIS))
    return Markup("").join(pieces)


def _plain(segment: str) -> Markup:
    return escape(_SPACE_RE.sub(" ", segment))


# Without matches the snippet shows where the text proper begins: the first line long enough to be
# running text, after the letterhead's short lines (name, address, date, addressee).
_PROSE_LINE = re.compile(r"^[^\n]{70,}$", re.MULTILINE)
_LETTERHEAD_CHARS = 2_500


def _start_of(text: str, width: int) -> Markup:
    prose = _PROSE_LINE.search(text, 0, _LETTERHEAD_CHARS)
    text = (text[prose.start():] if prose else text).lstrip()
    if len(text) <= width:
        return _plain(text)
    space_at = _last_space(text, 0, width + 1)
    return _plain(text[: space_at if space_at else width]) + Markup(ELLIPSIS)


def make_snippet(text: str, terms: set[str] | frozenset[str], *, width: int = 240) -> Markup:
    """HTML snippet of ``text`` showing the window with the most distinct ``terms`` (index terms).

    The text is escaped; matches are wrapped in ``<mark>``; "…" marks cut ends. Without terms or
    matches the escaped start of the text is returned.
    """
    matches = _find_matches(text, terms) if terms else []
    if not matches:
        return _start_of(text, width)
    first, last = _best_window(matches, width)
    start, end = _bounds(text, matches[first].start, matches[last].end, width)
    return _render(text, start, end, matches)
