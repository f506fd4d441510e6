"""Als Vorlage verwenden: a document as a DOCX template, its local details replaced by highlighted placeholders.

``build(row, permalink, original)`` returns the DOCX bytes. What is replaced, and how, is ``archive.placeholders``.

* A DOCX original is edited in place, so that its headings, lists, tables, styles and numbering stay as they were:
  every paragraph of the body, the tables, text boxes, headers, footers, footnotes and endnotes has its runs
  rewritten, a replacement that spans several runs going into the run where it begins. Tracked changes are
  accepted and comments removed (both carry names), the document properties (author, company, ...) and the
  thumbnail dropped, links to a replaced address (``mailto:``, the faction's site) unlinked.
* Any other original (PDF, scans, ODT, mails, ...) is rebuilt from the stored text as clean paragraphs
  (``archive.reflow``: no line breaks inside sentences, no page numbers, running headers only where they first
  appeared); the title becomes a heading, "Begründung" and the like subheadings, bullets a bulleted list.

A short note on top names the source (title, Kommune, date) and its permalink. No Flask here.
"""

import copy
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.run import Run

from archive import reflow
from archive.placeholders import PLACEHOLDERS, Replacer, Span, for_document

HIGHLIGHT = WD_COLOR_INDEX.YELLOW
# a DOCX whose parts unpack to more than this is rebuilt from its text: the web process opens it without the
# ingest sandbox's memory limit, so a zip bomb that the sandbox survived must not be unpacked here
MAX_UNPACKED = 100 * 1024 * 1024
NOTE_PARAGRAPHS = 3  # the note's paragraphs at the top of the template
NOTE_COLOR = RGBColor(0x55, 0x55, 0x55)
PAGE_PARTS = ("header", "footer", "footnotes", "endnotes")
# relationships whose parts carry names and nothing a template needs
DROPPED_RELS = ("/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible", "/people")
DROPPED_PACKAGE_RELS = (RT.THUMBNAIL, RT.CUSTOM_PROPERTIES)
# tracked changes: deleted text goes, inserted text stays, the records of who changed what go
REVISION_DROP = ("w:del", "w:moveFrom", "w:rPrChange", "w:pPrChange", "w:sectPrChange", "w:tblPrChange",
                 "w:trPrChange", "w:tcPrChange", "w:tblGridChange", "w:numberingChange", "w:moveFromRangeStart",
                 "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd", "w:commentRangeStart",
                 "w:commentRangeEnd")
REVISION_UNWRAP = ("w:ins", "w:moveTo")
APP_PROPERTIES_DROPPED = ("Company", "Manager", "HyperlinkBase", "TitlesOfParts", "HeadingPairs", "Template")
_SUBHEADING = re.compile(r"^(?:Begründung|Beschlussvorschlag|Beschlusstext|Sachverhalt|Fragen|Ergänzende Erläuterungen|"
                         r"Antragstext|Beschluss)\s*:?$")
_BULLET = re.compile(r"^[-–—•*▪◦·●■□➢→]\s+")


def build(row: dict, permalink: str, original: Path | None = None) -> bytes:
    """The template DOCX of the stored document ``row`` (with ``text``); ``original`` its stored file, if any."""
    replacer = for_document(row)
    document = None
    if original is not None and row.get("format") == "docx" and _unpacked_size(Path(original)) <= MAX_UNPACKED:
        try:
            document = docx.Document(str(original))
        except Exception:  # a DOCX python-docx cannot open (damaged, odd parts) is rebuilt from its text
            document = None
    if document is not None:
        _rewrite_docx(document, replacer)
    else:
        document = _from_text(row, replacer)
    _set_properties(document, row, replacer)
    _insert_note(document, row, permalink)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _unpacked_size(path: Path) -> float:
    """The size of a ZIP's members unpacked (infinite for a file that is missing or no ZIP)."""
    try:
        with zipfile.ZipFile(path) as package:
            return sum(member.file_size for member in package.infolist())
    except (OSError, zipfile.BadZipFile):
        return float("inf")


# -- the note on top ---------------------------------------------------------


def note_lines(row: dict, permalink: str) -> list[str]:
    """The note's three paragraphs: what this is, the source, what to do with the placeholders."""
    source = ", ".join(part for part in (f"„{row.get('title') or 'Ohne Titel'}“", row.get("municipality")
                                         or row.get("district"), _german_date(row.get("date"))) if part)
    return [
        "Vorlage aus dem Antragsarchiv",
        f"Quelle: {source}. {permalink}",
        "Kommune, Fraktion, Partei, Gremium, Daten, Drucksachennummern, Kontaktdaten und Namen des Originals sind "
        f"durch gelb markierte Platzhalter ersetzt ({', '.join(PLACEHOLDERS)}). Die Ersetzung folgt Regeln: "
        "bitte den Text vor der Verwendung durchsehen.",
    ]


def _insert_note(document, row: dict, permalink: str) -> None:
    body = document.element.body
    lines = note_lines(row, permalink)
    paragraphs = [document.add_paragraph() for _ in lines]
    for i, (paragraph, line) in enumerate(zip(paragraphs, lines, strict=True)):
        if i == 1:
            before, _, url = line.rpartition(" ")
            _styled(paragraph.add_run(before + " "))
            _hyperlink(paragraph, url)
        else:
            run = _styled(paragraph.add_run(line))
            run.bold = i == 0
            run.italic = i == 2
        paragraph.paragraph_format.space_after = Pt(2 if i < len(lines) - 1 else 14)
    for offset, paragraph in enumerate(paragraphs):
        body.insert(offset, paragraph._p)


def _styled(run: Run) -> Run:
    run.font.size = Pt(9)
    run.font.color.rgb = NOTE_COLOR
    return run


def _hyperlink(paragraph, url: str) -> None:
    """A real link to ``url`` (python-docx has no API for one)."""
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = parse_xml(f'<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                     f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{rid}">'
                     f'<w:r><w:rPr><w:color w:val="1F4E9E"/><w:sz w:val="18"/><w:u w:val="single"/></w:rPr>'
                     f'<w:t xml:space="preserve"></w:t></w:r></w:hyperlink>')
    link.find(qn("w:r")).find(qn("w:t")).text = url
    paragraph._p.append(link)


def _german_date(value: str | None) -> str | None:
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value or "")
    return f"{match[3]}.{match[2]}.{match[1]}" if match else value


# -- properties ----------------------------------------------------------------


def _set_properties(document, row: dict, replacer: Replacer) -> None:
    props = document.core_properties
    for name in ("author", "last_modified_by", "subject", "keywords", "comments", "category", "content_status",
                 "identifier", "version"):
        setattr(props, name, "")
    props.title = "Vorlage: " + replacer.apply(row.get("title") or "Dokument")
    props.modified = datetime.now(UTC).replace(tzinfo=None)
    props.revision = 1
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype in DROPPED_PACKAGE_RELS:
            del package.rels[rid]
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            root = _xml_of(part)
            for child in list(root):
                if child.tag.rsplit("}", 1)[-1] in APP_PROPERTIES_DROPPED:
                    root.remove(child)
            _store_xml(part, root)


# -- a DOCX original, edited in place ---------------------------------------


def _rewrite_docx(document, replacer: Replacer) -> None:
    main = document.part
    for rid, rel in list(main.rels.items()):
        if not rel.is_external and rel.reltype.endswith(DROPPED_RELS):
            del main.rels[rid]
    parts = [main] + [rel.target_part for rel in main.rels.values()
                      if not rel.is_external and rel.reltype.rsplit("/", 1)[-1] in PAGE_PARTS]
    for part in dict.fromkeys(parts):
        root = _xml_of(part)
        _accept_revisions(root)
        for paragraph in list(root.iter(qn("w:p"))):
            replace_in_paragraph(paragraph, replacer)
        for shape in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
            for attribute in ("descr", "title"):
                if shape.get(attribute):
                    shape.set(attribute, replacer.apply(shape.get(attribute)))
        _unlink_replaced(part, root, replacer)
        _store_xml(part, root)


def _xml_of(part):
    return part.element if isinstance(part, XmlPart) else parse_xml(part.blob)


def _store_xml(part, root) -> None:
    if not isinstance(part, XmlPart):
        from lxml import etree

        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _accept_revisions(root) -> None:
    for tag in REVISION_DROP:
        for element in list(root.iter(qn(tag))):
            element.getparent().remove(element)
    for run in list(root.iter(qn("w:commentReference"))):
        parent = run.getparent()
        parent.remove(run)
        if parent.tag == qn("w:r") and not [c for c in parent if c.tag != qn("w:rPr")]:
            parent.getparent().remove(parent)
    for tag in REVISION_UNWRAP:
        for element in list(root.iter(qn(tag))):
            _unwrap(element)


def _unwrap(element) -> None:
    parent = element.getparent()
    for child in list(element):
        element.addprevious(child)
    parent.remove(element)


def _unlink_replaced(part, root, replacer: Replacer) -> None:
    """Links to an e-mail address or to a web address that names the town, party or faction lose their target."""
    for link in list(root.iter(qn("w:hyperlink"))):
        rid = link.get(qn("r:id"))
        rel = part.rels.get(rid) if rid else None
        if rel is None or not rel.is_external:
            continue
        target = rel.target_ref
        if target.lower().startswith("mailto:") or replacer.spans(target):
            _unwrap(link)
            if isinstance(part, XmlPart):
                part.drop_rel(rid)


def _own_runs(paragraph) -> list:
    """The runs of a paragraph in document order (also inside links, fields and content controls), not those of
    a paragraph nested in it (a text box)."""
    return [run for run in paragraph.iter(qn("w:r")) if next(run.iterancestors(qn("w:p")), None) is paragraph]


def replace_in_paragraph(paragraph, replacer: Replacer) -> int:
    """Replace the spans ``replacer`` finds in one ``w:p``'s text; returns how many. A span over several runs is
    written into the run where it begins (with that run's formatting) and cut from the others."""
    runs = _own_runs(paragraph)
    texts = [run.text for run in runs]
    full = "".join(texts)
    spans = replacer.spans(full) if full.strip() else []
    start = 0
    for run, text in zip(runs, texts, strict=True):
        end = start + len(text)
        covering = [span for span in spans if span.start < end and span.end > start]
        if text and covering:
            _rewrite_run(run, _pieces(full, start, end, covering))
        start = end
    return len(spans)


def _pieces(full: str, start: int, end: int, spans: list[Span]) -> list[tuple[str, bool]]:
    """The run ``full[start:end]`` as (text, is placeholder) pieces."""
    pieces, at = [], start
    for span in spans:
        if span.start >= start:
            if span.start > at:
                pieces.append((full[at:span.start], False))
            pieces.append((span.placeholder, True))
        at = max(at, min(end, span.end))
    if at < end:
        pieces.append((full[at:end], False))
    return pieces


def _rewrite_run(run, pieces: list[tuple[str, bool]]) -> None:
    for text, placeholder in pieces:
        new = copy.deepcopy(run)
        new.text = text
        if placeholder:
            Run(new, None).font.highlight_color = HIGHLIGHT
        run.addprevious(new)
    run.getparent().remove(run)


# -- any other original: clean paragraphs from the stored text ---------------


def _from_text(row: dict, replacer: Replacer):
    document = docx.Document()
    title = " ".join((row.get("title") or "").split())
    titled = False
    for paragraph in reflow.paragraphs(row.get("text") or ""):
        style, text = _style_of(paragraph, title, titled)
        titled = titled or style == "Heading 1"
        target = document.add_paragraph(style=style)
        for i, line in enumerate(text.split("\n")):
            if i:
                target.add_run().add_break()
            _add_replaced(target, line, replacer)
    return document


def _style_of(paragraph: str, title: str, titled: bool) -> tuple[str | None, str]:
    """The style of a rebuilt paragraph and its text: the title (alone, or after "Antrag:" or "Betreff:") a
    heading, once; a section word a subheading; a bullet item a list item without its bullet."""
    flat = " ".join(paragraph.split())
    if title and not titled and flat.endswith(title) and len(flat) <= len(title) + 25:
        return "Heading 1", paragraph
    if _SUBHEADING.match(flat):
        return "Heading 2", paragraph.rstrip(":").rstrip()
    if _BULLET.match(paragraph):
        return "List Bullet", _BULLET.sub("", paragraph, count=1)
    return None, paragraph


def _add_replaced(paragraph, text: str, replacer: Replacer) -> None:
    at = 0
    for span in replacer.spans(text):
        if span.start > at:
            paragraph.add_run(text[at:span.start])
        paragraph.add_run(span.placeholder).font.highlight_color = HIGHLIGHT
        at = span.end
    if at < len(text):
        paragraph.add_run(text[at:])
