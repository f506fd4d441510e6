"""Registry of format parsers, chosen by the file's content (magic bytes)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import UnsupportedFormat
from ingest.records import ExtractedText


@dataclass(frozen=True)
class Parser:
    """One file format: how to recognise it and how to read its text."""

    name: str
    sniff: Callable[[bytes, Path], bool]
    parse: Callable[[Path], ExtractedText]


_REGISTRY: list[Parser] = []


def register(parser: Parser) -> Parser:
    _REGISTRY.append(parser)
    return parser


def parsers() -> tuple[Parser, ...]:
    return tuple(_REGISTRY)


def detect(path: Path, head: bytes) -> Parser:
    """Return the parser for a file, by content first, never by extension alone."""
    for parser in _REGISTRY:
        if parser.sniff(head, path):
            return parser
    raise UnsupportedFormat(f"unsupported format: {path.name}", _describe(head, path))


def _describe(head: bytes, path: Path) -> str:
    """What the file seems to be, for "Format nicht unterstützt: …"."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "altes Office-Format (OLE)"
    suffix = path.suffix.lower().lstrip(".")
    if not suffix:
        return "unbekannter Dateityp"
    if suffix in _KNOWN_SUFFIXES:  # a name that promises a format the content does not have
        return f"Endung .{suffix}, aber der Inhalt ist kein {suffix.upper()}"
    return suffix


_KNOWN_SUFFIXES = frozenset("pdf docx odt doc msg rtf eml html htm txt md".split())

# Import order is detection order: binary containers first (ODT and DOCX are both ZIP files, DOC and MSG
# both OLE files, each recognised by its inner names), then RTF, mail and HTML by their opening bytes,
# plain text last as the fallback.
from ingest.formats import docx, odt, pdf  # noqa: E402,F401,I001
from ingest.formats import doc, msg  # noqa: E402,F401
from ingest.formats import rtf, eml, html  # noqa: E402,F401
from ingest.formats import text  # noqa: E402,F401
