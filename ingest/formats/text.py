"""Plain text and Markdown, with encoding detection (UTF-8, cp1252, latin-1)."""

from pathlib import Path

from ingest.formats import Parser, register
from ingest.records import ExtractedText

_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def sniff(head: bytes, path: Path) -> bool:
    if not head or b"\x00" in head:
        return False
    sample = _decode(head)
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in sample)
    looks_textual = printable / max(len(sample), 1) > 0.95
    return looks_textual and (path.suffix.lower() in _TEXT_SUFFIXES or _starts_like_prose(sample))


def _starts_like_prose(sample: str) -> bool:
    stripped = sample.lstrip()
    return bool(stripped) and not stripped.startswith(("<", "{", "%"))


def parse(path: Path) -> ExtractedText:
    text = _decode(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ExtractedText(text=text.strip(), pages=None)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a multi-byte char cut at the sample's end
            return data[: exc.start].decode("utf-8")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


register(Parser("txt", sniff, parse))
