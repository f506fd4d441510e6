"""Frozen, typed records passed between the ingest and archive stages."""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Place:
    """A municipality or district with its official key (ARS)."""

    name: str
    ars: str


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


@dataclass(frozen=True)
class ExtractedText:
    """The text layer of one file, as a format parser returns it."""

    text: str
    pages: int | None = None


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

    @property
    def chars(self) -> int:
        return len(self.text)

    def as_dict(self) -> dict:
        return asdict(self)
