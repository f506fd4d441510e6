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
    IngestError,
    NoText,
    ParseMemoryError,
    ParseTimeout,
    UnsupportedFormat,
)
from ingest.pipeline import iter_files, parse_file, parse_in_process, parse_many, read_text, sha256_of
from ingest.records import ExtractedText, Metadata, ParsedDocument, Place
from ingest.sandbox import Limits

__all__ = [
    "CorruptFile",
    "EncryptedFile",
    "ExtractedText",
    "FileTooLarge",
    "IngestError",
    "Limits",
    "Metadata",
    "NoText",
    "ParseMemoryError",
    "ParseTimeout",
    "ParsedDocument",
    "Place",
    "UnsupportedFormat",
    "iter_files",
    "parse_file",
    "parse_in_process",
    "parse_many",
    "read_text",
    "sha256_of",
]
