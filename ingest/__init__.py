"""Files in, ParsedDocuments out. Knows nothing of Flask, SQLite or Whoosh.

    >>> from ingest import parse_file
    >>> doc = parse_file("antrag.pdf")
    >>> doc.metadata.doc_type
    'antrag'
"""

from ingest.errors import (
    CorruptFile,
    EncryptedFile,
    FileTooLarge,
    FileUnreadable,
    IngestError,
    NoText,
    ParseMemoryError,
    ParseTimeout,
    ToolMissing,
    UnsupportedFormat,
)
from ingest.metadata import topic_evidence
from ingest.pipeline import detect_format, iter_files, parse_file, parse_in_process, parse_many, read_text, sha256_of
from ingest.records import (
    NO_TEXT,
    OK,
    Attachment,
    Emphasis,
    ExtractedText,
    FailedAttachment,
    Metadata,
    ParsedDocument,
    Place,
)
from ingest.sandbox import Limits

__all__ = [
    "NO_TEXT",
    "OK",
    "Attachment",
    "CorruptFile",
    "Emphasis",
    "EncryptedFile",
    "ExtractedText",
    "FailedAttachment",
    "FileTooLarge",
    "FileUnreadable",
    "IngestError",
    "Limits",
    "Metadata",
    "NoText",
    "ParseMemoryError",
    "ParseTimeout",
    "ParsedDocument",
    "Place",
    "ToolMissing",
    "UnsupportedFormat",
    "detect_format",
    "iter_files",
    "parse_file",
    "parse_in_process",
    "parse_many",
    "read_text",
    "sha256_of",
    "topic_evidence",
]
