"""Typography reaches the metadata: PDF font sizes and bold fonts, DOCX and ODT heading styles and bold runs.

Each document has a plain motto line before its title, which the text rules alone take for the title; the title is
set bold, larger or as a heading, and that decides.
"""

import zipfile

import docx
from docx.shared import Pt
from fpdf import FPDF

from ingest import parse_in_process, read_text
from ingest.formats import emphasis
from ingest.metadata import extract_metadata
from ingest.metadata.titles import extract_title

MOTTO = "Gemeinsam für eine lebenswerte Südstadt"
TITLE = "Sanierung der Turnhalle am Marktplatz"
BODY = [
    "Der Rat möge beschließen:",
    "Die Verwaltung wird beauftragt, die Sanierung der Turnhalle am Marktplatz im Haushalt 2025 vorzusehen "
    "und dem Ausschuss bis zum Sommer einen Zeitplan vorzulegen.",
    "Begründung: Die Halle wird von drei Schulen und vielen Vereinen genutzt und ist seit Jahren in einem "
    "schlechten Zustand, das Dach ist undicht und die Umkleiden sind nicht barrierefrei.",
]
SENDER = "Bürgerliste Musterstadt"


def test_text_rules_alone_take_the_motto():
    text = "\n".join([SENDER, MOTTO, TITLE, *BODY])
    assert extract_title(text) == MOTTO  # the case the typography must decide
    assert extract_metadata(text).title == MOTTO


def _pdf(path, title_style: str, title_size: int):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in (SENDER, MOTTO):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", style=title_style, size=title_size)
    pdf.cell(0, 10, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for para in BODY:
        pdf.multi_cell(0, 5, para, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_bold_title(tmp_path):
    path = _pdf(tmp_path / "bold.pdf", "B", 10)
    assert [(e.text, e.level) for e in read_text(path)[1].emphasis] == [(TITLE, 2)]
    assert parse_in_process(path).metadata.title == TITLE


def test_pdf_larger_title(tmp_path):
    doc = parse_in_process(_pdf(tmp_path / "large.pdf", "", 16))
    assert doc.metadata.title == TITLE


def test_pdf_plain_title_keeps_text_rules(tmp_path):
    doc = parse_in_process(_pdf(tmp_path / "plain.pdf", "", 10))
    assert doc.metadata.title == MOTTO  # nothing set apart: the typography cannot help, and does not invent


def _docx(path, mark):
    document = docx.Document()
    document.add_paragraph(SENDER)
    document.add_paragraph(MOTTO)
    mark(document)
    for para in BODY:
        document.add_paragraph(para)
    document.save(str(path))
    return path


def test_docx_heading_style(tmp_path):
    path = _docx(tmp_path / "heading.docx", lambda d: d.add_heading(TITLE, level=1))
    assert parse_in_process(path).metadata.title == TITLE


def test_docx_bold_run(tmp_path):
    path = _docx(tmp_path / "bold.docx", lambda d: d.add_paragraph().add_run(TITLE).__setattr__("bold", True))
    assert parse_in_process(path).metadata.title == TITLE


def test_docx_larger_run(tmp_path):
    def larger(document):
        run = document.add_paragraph().add_run(TITLE)
        run.font.size = Pt(18)
    path = _docx(tmp_path / "large.docx", larger)
    assert parse_in_process(path).metadata.title == TITLE


def test_docx_bold_title_broken_by_a_manual_line_break(tmp_path):
    """One bold paragraph, two lines of the text: both halves are the title, the second begins capitalised."""
    first, second = "Musterstadt wird", "Sicherer Hafen"

    def broken(document):
        document.add_paragraph().add_run("Resolution").bold = True
        run = document.add_paragraph().add_run(first)
        run.bold = True
        run.add_break()
        run.add_text(second)
    path = _docx(tmp_path / "broken.docx", broken)
    doc = parse_in_process(path)
    assert f"{first}\n{second}" in doc.text  # the break stays a line break in the text
    assert doc.metadata.title == f"{first} {second}"


_ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"')


def _odt(path, title_xml: str):
    paragraphs = "".join(f"<text:p>{p}</text:p>" for p in BODY)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}>'
               '<office:automatic-styles><style:style style:name="P1" style:family="paragraph">'
               '<style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles>'
               f"<office:body><office:text><text:p>{SENDER}</text:p><text:p>{MOTTO}</text:p>{title_xml}"
               f"{paragraphs}</office:text></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
    return path


def test_odt_heading(tmp_path):
    path = _odt(tmp_path / "h.odt", f'<text:h text:outline-level="1">{TITLE}</text:h>')
    doc = parse_in_process(path)
    assert doc.metadata.title == TITLE


def test_odt_bold_paragraph_style(tmp_path):
    path = _odt(tmp_path / "b.odt", f'<text:p text:style-name="P1">{TITLE}</text:p>')
    assert parse_in_process(path).metadata.title == TITLE


def test_levels():
    assert emphasis.level(16, 10, False) == 1
    assert emphasis.level(10, 10, True) == 2
    assert emphasis.level(11, 10, False) == 3
    assert emphasis.level(10, 10, False) is None
    assert emphasis.level(10, 10, False, heading=1) == 1
    assert emphasis.level(10, 10, False, heading=3) == 2
    assert emphasis.body_size([(10, 500), (16, 30), (12, 40)]) == 10


def test_html_heading(tmp_path):
    body = "".join(f"<p>{para}</p>" for para in BODY)
    page = (f"<html><head><title>{TITLE} – {SENDER}</title></head><body><main><p>{SENDER}</p><p>{MOTTO}</p>"
            f"<h1>{TITLE}</h1>{body}</main></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert [(e.text, e.level) for e in read_text(path)[1].emphasis] == [(TITLE, 1)]
    assert parse_in_process(path).metadata.title == TITLE
