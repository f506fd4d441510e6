"""HTML pages: the main text only (``<main>``/``<article>``, else ``<body>`` without navigation and boilerplate),
less the chrome lines left in it (skip links, breadcrumbs, cookie banners, share buttons, picture credits)."""

import re
from pathlib import Path

import lxml.html
from lxml import etree

from ingest.formats import Parser, emphasis, register
from ingest.metadata.boilerplate import strip_boilerplate
from ingest.records import Emphasis, ExtractedText

_NEVER = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select", "nav", "aside")
_BOILERPLATE = ("header", "footer")  # page chrome around the body; kept inside <main>/<article>
_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_BLOCKS = ("p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "blockquote",
           "pre", "h1", "h2", "h3", "h4", "h5", "h6", "address", "figcaption", "header", "footer")
_CHARSET = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)
_TITLE_PARTS = re.compile(r"\s+[–—|·»:-]\s+")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ANY_DATE = re.compile(r"\b\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zäöü]+\s)\s?\d{2,4}\b")
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def sniff(head: bytes, path: Path) -> bool:
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return bool(_HTML_START.match(head[:2048]))


def parse(path: Path) -> ExtractedText:
    text, prominent = read_html(path.read_bytes())
    return ExtractedText(text=text, pages=None, emphasis=prominent)


def html_to_text(markup: bytes | str) -> str:
    """The readable main text of an HTML page or mail part, one block per line."""
    return read_html(markup)[0]


def read_html(markup: bytes | str) -> tuple[str, tuple[Emphasis, ...]]:
    """The readable main text, one block per line, and its headings as emphasis (``<h1>`` level 1, ``<h2>``,
    ``<h3>`` level 2)."""
    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    if not data.strip():
        return "", ()
    parser = lxml.html.HTMLParser(encoding="utf-8" if isinstance(markup, str) else _encoding(data))
    try:
        document = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError:
        return "", ()  # nothing but whitespace or comments: the pipeline reports "kein Text"
    site, published = _site_name(document), _published(document)
    roots = document.xpath("//main") or document.xpath("//article")
    if not roots:
        roots = document.xpath("//body") or [document]
        _drop(roots[0], _BOILERPLATE)
    for root in roots:
        _drop(root, _NEVER)
    headings = _headings(roots)
    text = strip_boilerplate("\n".join(_text(root) for root in roots).strip())  # chrome the markup does not mark
    return "\n".join([*_letterhead(text, site, published), text]).strip(), headings


_HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 2}


def _headings(roots) -> tuple[Emphasis, ...]:
    found = ((element.text_content(), _HEADING_LEVELS[element.tag])
             for root in roots for element in root.iter(*_HEADING_LEVELS))
    return emphasis.collect(found)


def _site_name(document) -> str | None:
    """Who publishes the page: ``og:site_name``, else the last part of ``<title>`` ("Sozialticket jetzt! –
    DIE LINKE. Ratsfraktion Bochum")."""
    named = document.xpath("//meta[@property='og:site_name']/@content")
    if named and named[0].strip():
        return " ".join(named[0].split())
    titles = document.xpath("//title/text()")
    parts = _TITLE_PARTS.split(" ".join(titles[0].split())) if titles else []
    return parts[-1].strip() if len(parts) > 1 and parts[-1].strip() else None


def _published(document) -> str | None:
    """The publication date the page declares (``article:published_time``, ``<time datetime>``), as DD.MM.YYYY."""
    values = document.xpath("//meta[@property='article:published_time' or @name='date']/@content")
    values += document.xpath("//time/@datetime")
    for value in values:
        found = _ISO_DATE.match(value.strip())
        if found:
            return f"{found[3]}.{found[2]}.{found[1]}"
    return None


def _letterhead(text: str, site: str | None, published: str | None) -> list[str]:
    """Lines a printed document would have in its letterhead and the page keeps outside its main text:
    the publisher's name and the date, each only when the main text lacks it."""
    lines = []
    if site and site.casefold() not in text.casefold():
        lines.append(site)
    if published and not _ANY_DATE.search(text[:2000]):
        lines.append(published)
    return lines


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
