"""DOCX text via python-docx: headers, body paragraphs and tables in order, then footers."""

import re
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import CorruptFile
from ingest.formats import Parser, emphasis, register
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
        prominent = _emphasis(document)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFile(f"corrupt DOCX: {exc!r}") from exc
    except Exception as exc:  # lxml raises its own XMLSyntaxError family
        if type(exc).__module__.startswith("lxml"):
            raise CorruptFile(f"corrupt DOCX XML: {exc!r}") from exc
        raise
    text = "\n".join(p for p in parts if p.strip())
    return ExtractedText(text=text, pages=None, emphasis=prominent)


_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|berschrift)\s*(\d)", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|titel|subject|betreff)", re.IGNORECASE)
EMPHASIS_PARAGRAPHS = 80  # the start of the body, where the title is


def _emphasis(document: Document):
    """Body paragraphs set in a heading or title style, in bold, or larger than the body text."""
    paragraphs = [p for p in document.paragraphs[:EMPHASIS_PARAGRAPHS] if p.text.strip()]
    default = _default_size(document)
    typeset = [(text, size or default, bold, heading) for text, size, bold, heading in
               ((p.text, *_typography(p)) for p in paragraphs)]
    body = emphasis.body_size((size, len(text)) for text, size, _, _ in typeset)
    return emphasis.collect(
        (text, emphasis.level(size, body, bold, heading)) for text, size, bold, heading in typeset
    )


def _typography(para: Paragraph) -> tuple[float | None, bool, int | None]:
    """(type size in points, all text bold, heading level from the style or None)."""
    style = para.style
    name = (style.name or "") if style is not None else ""
    heading = 1 if _TITLE_STYLE.match(name) else None
    found = _HEADING_STYLE.match(name)
    if found:
        heading = int(found.group(1))
    runs = [r for r in para.runs if r.text.strip()]
    style_bold = bool(style is not None and style.font.bold)
    bold = bool(runs) and all(r.bold or (r.bold is None and style_bold) for r in runs)
    sizes = [r.font.size.pt for r in runs if r.font.size is not None]
    size = max(sizes) if sizes else _style_size(style)
    return size, bold, heading


def _default_size(document: Document) -> float | None:
    """The type size of text without one of its own (``w:docDefaults``, in half points), else Word's 11 pt."""
    values = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val")
    return int(values[0]) / 2 if values and values[0].isdigit() else 11.0


def _style_size(style) -> float | None:
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return None


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
