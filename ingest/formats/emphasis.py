"""Prominence of a line from its type: how much larger than the body text, bold, a heading style.

Shared by the parsers that see typography (PDF font sizes and names, DOCX and ODT styles and runs, HTML headings),
so that the metadata extraction gets the same levels from every format (see ``ingest.records.Emphasis``).
"""

import re
from collections import Counter
from collections.abc import Iterable

from ingest.records import Emphasis

TITLE_RATIO = 1.25  # a line at least this much larger than the body text is a title or top heading
LARGER_RATIO = 1.08
MAX_CHARS = 300  # longer lines are paragraphs, however they are set
MAX_LINES = 60  # only the start of a document matters for its title
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|fett", re.IGNORECASE)


def is_bold_font(fontname: str | None) -> bool:
    return bool(fontname and _BOLD_FONT.search(fontname))


def body_size(sizes: Iterable[tuple[float, int]]) -> float | None:
    """The most common type size, weighted by characters: ``(size, chars)`` pairs."""
    counts: Counter = Counter()
    for size, chars in sizes:
        if size:
            counts[round(size, 1)] += chars
    return counts.most_common(1)[0][0] if counts else None


def level(size: float | None, body: float | None, bold: bool, heading: int | None = None) -> int | None:
    """1 title/top heading, 2 heading or bold, 3 slightly larger than the body; None for body text."""
    if heading is not None:
        return 1 if heading <= 1 else 2
    ratio = size / body if size and body else 1.0
    if ratio >= TITLE_RATIO:
        return 1
    if bold:
        return 2
    if ratio >= LARGER_RATIO:
        return 3
    return None


def collect(lines: Iterable[tuple[str, int | None]]) -> tuple[Emphasis, ...]:
    """Emphasis records for the prominent lines among ``(text, level)``, in order, within the limits."""
    out = []
    for text, lvl in lines:
        text = " ".join(text.split())
        if lvl is not None and 2 <= len(text) <= MAX_CHARS and re.search(r"[^\W\d_]{2}", text):
            out.append(Emphasis(text, lvl))
        if len(out) >= MAX_LINES:
            break
    return tuple(out)
