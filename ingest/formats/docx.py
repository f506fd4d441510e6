"""DOCX text via python-docx: headers, body paragraphs and tables in order, then footers."""

import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import CorruptFile
from ingest.formats import Parser, register
from ingest.records import ExtractedText


def sniff(head: bytes, path: Path) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return path.suffix.lower() == ".docx"


def parse(path: Path) -> ExtractedText:
    try:
        document = docx.Document(str(path))
        headers = _page_parts(document, "header")
        parts = headers + list(_body(document)) + [p for p in _page_parts(document, "footer") if p not in headers]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFile(f"corrupt DOCX: {exc!r}") from exc
    except Exception as exc:  # lxml raises its own XMLSyntaxError family
        if type(exc).__module__.startswith("lxml"):
            raise CorruptFile(f"corrupt DOCX XML: {exc!r}") from exc
        raise
    text = "\n".join(p for p in parts if p.strip())
    return ExtractedText(text=text, pages=None)


def _page_parts(document: Document, kind: str) -> list[str]:
    """The paragraphs of every section's headers (or footers), each distinct text once."""
    seen: list[str] = []
    for section in document.sections:
        for part in (getattr(section, kind), getattr(section, f"first_page_{kind}")):
            if part.is_linked_to_previous and seen:
                continue
            for para in part.paragraphs:
                if para.text.strip() and para.text not in seen:
                    seen.append(para.text)
    return seen


def _body(document: Document):
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_rows(block)


def _table_rows(table: Table):
    for row in table.rows:
        cells = []
        for cell in row.cells:
            value = cell.text.strip()
            if value and (not cells or cells[-1] != value):
                cells.append(value)
        yield " | ".join(cells)


register(Parser("docx", sniff, parse))
