"""Small text helpers shared by the extractors: the letterhead region and line handling."""

import re
import unicodedata

HEAD_LINES = 14
HEAD_CHARS = 1600

_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b]+")


def clean(text: str) -> str:
    """NFC-normalise, unify spaces and drop soft hyphens; keep line breaks."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def lines(text: str) -> list[str]:
    """Non-empty lines of cleaned text."""
    return [line for line in text.split("\n") if line]


def head_lines(text: str, count: int = HEAD_LINES) -> list[str]:
    """The first ``count`` non-empty lines within the first HEAD_CHARS characters (the letterhead)."""
    return lines(text[:HEAD_CHARS])[:count]


def fold(text: str) -> str:
    """Casefold for comparisons."""
    return text.casefold()
