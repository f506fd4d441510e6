"""ODT (OpenDocument text) read directly from its ZIP: styles.xml headers, content.xml body, footers."""

import zipfile
from pathlib import Path

from lxml import etree

from ingest.errors import CorruptFile, EncryptedFile
from ingest.formats import Parser, emphasis, register
from ingest.records import ExtractedText

MIMETYPE = b"application/vnd.oasis.opendocument.text"
_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
_T = f"{{{_NS['text']}}}"
_TABLE = f"{{{_NS['table']}}}"
_SKIP = {_T + "tracked-changes", _T + "sequence-decls", _T + "note-citation", f"{{{_NS['office']}}}annotation"}
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def sniff(head: bytes, path: Path) -> bool:
    """The spec puts an uncompressed ``mimetype`` entry first; fall back to reading the ZIP."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    if head[30:38] == b"mimetype" and MIMETYPE in head[38:120]:
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            return "mimetype" in zf.namelist() and zf.read("mimetype").startswith(MIMETYPE)
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def parse(path: Path) -> ExtractedText:
    try:
        with zipfile.ZipFile(path) as zf:
            _refuse_encrypted(zf)
            content = _root(zf, "content.xml")
            body = list(_blocks(content.find(".//office:body", _NS)))
            styles = _root(zf, "styles.xml") if "styles.xml" in zf.namelist() else None
            prominent = _emphasis(content, styles)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, etree.XMLSyntaxError) as exc:
        raise CorruptFile(f"corrupt ODT: {exc!r}") from exc
    headers = _page_parts(styles, ("header", "header-first", "header-left"))
    footers = [line for line in _page_parts(styles, ("footer", "footer-first", "footer-left")) if line not in headers]
    text = "\n".join(line for line in headers + body + footers if line.strip())
    return ExtractedText(text=text, pages=None, emphasis=prominent)


_S = f"{{{_NS['style']}}}"
_FO = f"{{{_NS['fo']}}}"
EMPHASIS_BLOCKS = 80


def _style_table(*roots) -> dict[str, tuple[str | None, bool, float | None]]:
    """style name -> (parent style, bold, font size in pt) from the automatic and common styles."""
    table = {}
    for root in roots:
        if root is None:
            continue
        for style in root.iter(_S + "style"):
            props = style.find("style:text-properties", _NS)
            weight = props.get(_FO + "font-weight") if props is not None else None
            size = props.get(_FO + "font-size") if props is not None else None
            points = float(size[:-2]) if size and size.endswith("pt") and size[:-2].replace(".", "").isdigit() else None
            table[style.get(_S + "name")] = (style.get(_S + "parent-style-name"), weight == "bold", points)
    return table


def _resolved(name: str | None, table: dict) -> tuple[bool, float | None, int | None]:
    """(bold, size, heading level from a Title/Heading style) following parent styles."""
    bold, size, heading = False, None, None
    for _ in range(8):
        if not name or name not in table:
            break
        if heading is None and (name.startswith("Title") or name.startswith("Heading")):
            digits = "".join(ch for ch in name if ch.isdigit())
            heading = int(digits) if digits else 1
        parent, is_bold, points = table[name]
        bold = bold or is_bold
        size = size if size is not None else points
        name = parent
    return bold, size, heading


def _emphasis(content, styles):
    """Headings (``text:h`` and Title/Heading styles), bold or larger paragraphs at the start of the body."""
    table = _style_table(styles, content)
    rows = []
    body = content.find(".//office:body", _NS)
    for element in body.iter(_T + "p", _T + "h") if body is not None else ():
        line = _inline(element).strip()
        if not line:
            continue
        bold, size, heading = _resolved(element.get(_T + "style-name"), table)
        if element.tag == _T + "h":
            heading = int(element.get(_T + "outline-level", "1") or 1)
        rows.append((line, size, bold, heading))
        if len(rows) >= EMPHASIS_BLOCKS:
            break
    body_size = emphasis.body_size((size, len(line)) for line, size, _, _ in rows)
    return emphasis.collect(
        (line, emphasis.level(size, body_size, bold, heading)) for line, size, bold, heading in rows
    )


def _refuse_encrypted(zf: zipfile.ZipFile) -> None:
    if "META-INF/manifest.xml" in zf.namelist() and b"encryption-data" in zf.read("META-INF/manifest.xml"):
        raise EncryptedFile("password-protected ODT", "ODT")


def _root(zf: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(zf.read(name), _XML)


def _page_parts(styles, kinds: tuple[str, ...]) -> list[str]:
    if styles is None:
        return []
    seen: list[str] = []
    for page in styles.iterfind(".//office:master-styles/style:master-page", _NS):
        for kind in kinds:
            for part in page.iterfind(f"style:{kind}", _NS):
                seen.extend(line for line in _blocks(part) if line.strip() and line not in seen)
    return seen


def _blocks(element):
    """Paragraphs and headings as lines, table rows as ``cell | cell``, in document order."""
    if element is None:
        return
    for child in element:
        if child.tag in _SKIP:
            continue
        if child.tag in (_T + "p", _T + "h"):
            yield _inline(child).strip()
        elif child.tag == _TABLE + "table-row":
            cells = (" ".join(_blocks(cell)).strip() for cell in child.iterfind("table:table-cell", _NS))
            yield " | ".join(cell for cell in cells if cell)
        else:
            yield from _blocks(child)


def _inline(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == _T + "s":
            parts.append(" " * int(child.get(_T + "c", "1")))
        elif child.tag == _T + "tab":
            parts.append("\t")
        elif child.tag == _T + "line-break":
            parts.append("\n")
        elif child.tag not in _SKIP and isinstance(child.tag, str):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


register(Parser("odt", sniff, parse))
