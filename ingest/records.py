"""Frozen, typed records passed between the ingest and archive stages."""

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Place:
    """A municipality or district with its official key (ARS)."""

    name: str
    ars: str


@dataclass(frozen=True)
class Emphasis:
    """A line the file itself marks as prominent: a heading style, bold type or a font larger than the body.

    ``level`` 1 is a title or top-level heading (largest type, ``<h1>``, the "Title"/"Heading 1" style), 2 a lower
    heading or a bold line, 3 a line only slightly larger than the body text. TXT files have none.
    """

    text: str
    level: int = 2


# Metadata.confidence keys: how sure the extraction is of each field, 0..1 (below UNSURE: shown as "unsicher").
CONFIDENCE_FIELDS = ("doc_type", "title", "date", "municipality", "party", "topics")
UNSURE = 0.5


@dataclass(frozen=True)
class Metadata:
    """What the metadata extractors read from a document's text."""

    doc_type: str = "sonstiges"
    title: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    municipality: Place | None = None
    district: Place | None = None
    state: str | None = None
    party: str | None = None
    parties: tuple[str, ...] = ()
    faction: str | None = None
    topics: tuple[str, ...] = ()
    confidence: dict[str, float] = field(default_factory=dict, compare=False)  # CONFIDENCE_FIELDS -> 0..1


@dataclass(frozen=True)
class Attachment:
    """A file carried inside another (a mail's attachment), as raw bytes."""

    name: str
    data: bytes = field(repr=False)


# ParsedDocument.status values: "ok" (text read) or "no-text" (stored without text, see status_message)
OK, NO_TEXT = "ok", "no-text"


@dataclass(frozen=True)
class ExtractedText:
    """The text layer of one file, as a format parser returns it."""

    text: str
    pages: int | None = None
    attachments: tuple[Attachment, ...] = ()
    ocr: bool = False
    ocr_confidence: float | None = None  # mean word confidence 0..100 when ocr
    status: str = OK
    status_message: str | None = None  # German, for staff, when status is not OK
    emphasis: tuple[Emphasis, ...] = ()  # prominent lines in document order (headings, bold, large type)


@dataclass(frozen=True)
class FailedAttachment:
    """An attachment that could not be read; the mail itself is still a document."""

    name: str
    error: str  # German, for users
    detail: str  # English, for logs


@dataclass(frozen=True)
class ParsedDocument:
    """A file read into text plus metadata; the archive stores this."""

    path: str
    sha256: str
    size: int
    format: str
    text: str
    pages: int | None
    metadata: Metadata = field(default_factory=Metadata)
    ocr: bool = False
    ocr_confidence: float | None = None
    status: str = OK
    status_message: str | None = None
    attachments: tuple["ParsedDocument", ...] = ()
    failed_attachments: tuple[FailedAttachment, ...] = ()
    name: str | None = None  # file name to show; None means the name in ``path``
    content: bytes | None = field(default=None, repr=False, compare=False)  # the original, when not at ``path``

    @property
    def display_name(self) -> str:
        return self.name or Path(self.path).name

    @property
    def chars(self) -> int:
        return len(self.text)

    def as_dict(self) -> dict:
        """All fields but the raw ``content`` bytes (also of attachments)."""
        out = asdict(self)
        _drop_content(out)
        return out


def _drop_content(record: dict) -> None:
    record.pop("content", None)
    for child in record.get("attachments", ()):
        _drop_content(child)
