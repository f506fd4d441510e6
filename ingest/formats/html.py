"""HTML pages: the main text only (``<main>``/``<article>``, else ``<body>`` without navigation and boilerplate)."""

import re
from pathlib import Path

import lxml.html
from lxml import etree

from ingest.formats import Parser, register
from ingest.records import ExtractedText

_NEVER = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select", "nav", "aside")
_BOILERPLATE = ("header", "footer")  # page chrome around the body; kept inside <main>/<article>
_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_BLOCKS = ("p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "blockquote",
           "pre", "h1", "h2", "h3", "h4", "h5", "h6", "address", "figcaption", "header", "footer")
_CHARSET = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def sniff(head: bytes, path: Path) -> bool:
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return bool(_HTML_START.match(head[:2048]))


def parse(path: Path) -> ExtractedText:
    return ExtractedText(text=html_to_text(path.read_bytes()), pages=None)


def html_to_text(markup: bytes | str) -> str:
    """The readable main text of an HTML page or mail part, one block per line."""
    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    if not data.strip():
        return ""
    parser = lxml.html.HTMLParser(encoding="utf-8" if isinstance(markup, str) else _encoding(data))
    try:
        document = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError:
        return ""  # nothing but whitespace or comments: the pipeline reports "kein Text"
    roots = document.xpath("//main") or document.xpath("//article")
    if not roots:
        roots = document.xpath("//body") or [document]
        _drop(roots[0], _BOILERPLATE)
    for root in roots:
        _drop(root, _NEVER)
    return "\n".join(_text(root) for root in roots).strip()


def _encoding(data: bytes) -> str | None:
    """The declared charset (None: lxml reads the BOM or ``<meta charset>``), else UTF-8 if valid, else cp1252."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _CHARSET.search(data[:4096]):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _drop(root, tags: tuple[str, ...]) -> None:
    condition = " or ".join(f"self::{tag}" for tag in tags)
    roles = " or ".join(f"@role='{role}'" for role in _ROLES)
    for element in root.xpath(f".//*[{condition} or {roles} or @hidden or @aria-hidden='true']"):
        if element.getparent() is not None:
            element.drop_tree()


def _text(root) -> str:
    for element in root.iter(_BLOCKS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter("td", "th"):
        element.tail = " | " + (element.tail or "")
    lines = (re.sub(r"\s+", " ", line).strip(" |") for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


register(Parser("html", sniff, parse))
