"""Generate the fictional demo corpus in data/sample/.

Reads the hand-written documents from tools/sample_corpus/*.json and writes
one DOCX or PDF per document plus data/sample/README.md. Output is
deterministic: timestamps are derived from each document's own date.

Usage (from the repo root): .venv/bin/python tools/make_sample.py
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor
from fpdf import FPDF
from fpdf.fonts import FontFace

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "tools" / "sample_corpus"
OUT_DIR = ROOT / "data" / "sample"

MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]

PARTY_COLORS = {
    "DIE LINKE": (190, 48, 117),
    "SPD": (200, 20, 30),
    "GRÜNE": (40, 120, 50),
    "CDU": (30, 30, 30),
    "FDP": (0, 80, 150),
    "Volt": (80, 35, 120),
    "Freie Wähler": (230, 120, 0),
}
DEFAULT_COLOR = (20, 70, 130)

PDF_REPLACEMENTS = {
    "„": '"',
    "“": '"',
    "”": '"',
    "‚": "'",
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "…": "...",
    "€": "EUR",
    "\u00a0": " ",
    "•": "-",
}


# --------------------------------------------------------------------------
# loading and shared helpers
# --------------------------------------------------------------------------


def load_documents(source_dir: Path = SOURCE_DIR) -> list[dict]:
    """Return all documents from the JSON sources, sorted by file name."""
    docs: list[dict] = []
    for path in sorted(source_dir.glob("*.json")):
        docs.extend(json.loads(path.read_text(encoding="utf-8")))
    names = [d["file"] for d in docs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"duplicate file names: {sorted(duplicates)}")
    return sorted(docs, key=lambda d: d["file"])


def doc_date(doc: dict) -> date:
    return date.fromisoformat(doc["date"])


def fixed_timestamp(doc: dict) -> datetime:
    """A reproducible creation timestamp: the document date, 10:00 UTC."""
    d = doc_date(doc)
    return datetime(d.year, d.month, d.day, 10, 0, 0, tzinfo=UTC)


def date_line(doc: dict) -> str:
    d = doc_date(doc)
    place = doc["place"]
    if doc.get("date_style") == "long":
        return f"{place}, den {d.day}. {MONTHS[d.month - 1]} {d.year}"
    return f"{place}, {d:%d.%m.%Y}"


def title_line(doc: dict) -> str:
    if doc.get("title_style", "betreff") == "betreff":
        return f"Betreff: {doc['title']}"
    return doc["title"]


def party_color(doc: dict) -> tuple[int, int, int]:
    return PARTY_COLORS.get(doc.get("party") or "", DEFAULT_COLOR)


def layout(doc: dict) -> dict:
    return doc.get("layout", {})


def body_blocks(doc: dict):
    """Yield (kind, payload) for body paragraphs, with the table spliced in."""
    table = doc.get("table")
    for index, para in enumerate(doc["body"]):
        yield paragraph_kind(para)
        if table and table["after"] == index:
            yield "table", table


def paragraph_kind(para: str) -> tuple[str, str]:
    if para.startswith("## "):
        return "heading", para[3:]
    if para.startswith("- "):
        return "bullet", para[2:]
    return "text", para


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------


def write_docx(doc: dict, path: Path) -> None:
    document = docx.Document()
    setup_docx_page(document)
    color = RGBColor(*party_color(doc))
    if layout(doc).get("header"):
        add_docx_letterhead(document.sections[0].header.paragraphs[0], doc, color)
    else:
        add_docx_letterhead(document.add_paragraph(), doc, color)
    add_docx_intro(document, doc)
    for kind, payload in body_blocks(doc):
        add_docx_block(document, kind, payload)
    add_docx_signature(document, doc)
    set_docx_properties(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(normalize_zip(buffer.getvalue(), fixed_timestamp(doc)))


def setup_docx_page(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    section = document.sections[0]
    section.left_margin = Cm(2.5)
    section.right_margin = Cm(2.0)
    section.top_margin = Cm(2.5)


def add_docx_letterhead(paragraph, doc: dict, color: RGBColor) -> None:
    align = layout(doc).get("align", "left")
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(doc["faction"])
    run.bold = True
    run.font.size = Pt(13)
    run.font.color.rgb = color
    for line in doc.get("letterhead", []):
        small = paragraph.add_run()
        small.add_break()
        small.add_text(line)
        small.font.size = Pt(8.5)


def add_docx_intro(document, doc: dict) -> None:
    date_para = document.add_paragraph(date_line(doc))
    if layout(doc).get("date_align", "right") == "right":
        date_para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if doc.get("addressee"):
        add_docx_lines(document, doc["addressee"])
    if doc.get("meta_lines"):
        add_docx_lines(document, doc["meta_lines"], size=9.5)
    type_run = document.add_paragraph().add_run(doc["type_label"])
    type_run.bold = True
    type_run.font.size = Pt(14)
    title_run = document.add_paragraph().add_run(title_line(doc))
    title_run.bold = True
    title_run.font.size = Pt(12)


def add_docx_lines(document, lines: list[str], size: float | None = None) -> None:
    paragraph = document.add_paragraph()
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if size:
            run.font.size = Pt(size)
        if index < len(lines) - 1:
            run.add_break()


def add_docx_block(document, kind: str, payload) -> None:
    if kind == "heading":
        document.add_paragraph().add_run(payload).bold = True
    elif kind == "bullet":
        document.add_paragraph(payload, style="List Bullet")
    elif kind == "table":
        add_docx_table(document, payload)
    else:
        document.add_paragraph(payload)


def add_docx_table(document, table: dict) -> None:
    if table.get("caption"):
        document.add_paragraph().add_run(table["caption"]).italic = True
    rows = table["rows"]
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    grid.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = grid.cell(r, c)
            cell.text = value
            if r == 0:
                cell.paragraphs[0].runs[0].bold = True
    document.add_paragraph()


def add_docx_signature(document, doc: dict) -> None:
    document.add_paragraph()
    add_docx_lines(document, doc["signature"])


def set_docx_properties(document, doc: dict) -> None:
    props = document.core_properties
    stamp = fixed_timestamp(doc).replace(tzinfo=None)
    props.author = doc["faction"]
    props.last_modified_by = doc["faction"]
    props.title = doc["title"]
    props.subject = doc["type_label"]
    props.language = "de-DE"
    props.comments = "Fiktives Beispieldokument (Antragsarchiv-Demokorpus)"
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp


def normalize_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite a zip archive with fixed member timestamps."""
    date_time = stamp.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def pdf_text(text: str) -> str:
    """Map typographic characters to latin-1 equivalents for core fonts."""
    for old, new in PDF_REPLACEMENTS.items():
        text = text.replace(old, new)
    text.encode("latin-1")  # fail loudly on anything the core font lacks
    return text


class SamplePDF(FPDF):
    """A4 portrait with a page-number footer."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110, 110, 110)
        label = f"{self.footer_text} - Seite {self.page_no()}/{{nb}}"
        self.cell(0, 8, label, align="C")


def write_pdf(doc: dict, path: Path) -> None:
    pdf = new_pdf(doc)
    variant = layout(doc).get("variant", "classic")
    LETTERHEADS.get(variant, pdf_letterhead_classic)(pdf, doc)
    pdf_intro(pdf, doc, boxed=variant == "boxed")
    for kind, payload in body_blocks(doc):
        pdf_block(pdf, kind, payload, doc)
    pdf_signature(pdf, doc)
    pdf.output(str(path))


def new_pdf(doc: dict) -> SamplePDF:
    pdf = SamplePDF(format="A4")
    pdf.footer_text = pdf_text(doc["faction"])
    pdf.set_creation_date(fixed_timestamp(doc))
    pdf.set_title(pdf_text(doc["title"]))
    pdf.set_author(pdf_text(doc["faction"]))
    pdf.set_subject(pdf_text(doc["type_label"]))
    pdf.set_creator("tools/make_sample.py")
    pdf.set_lang("de-DE")
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    return pdf


def pdf_write(pdf: FPDF, text: str, size: float = 11, style: str = "", align: str = "L", height: float = 5.5) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.multi_cell(0, height, pdf_text(text), align=align, new_x="LMARGIN", new_y="NEXT")


def pdf_letterhead_lines(pdf: FPDF, doc: dict, align: str) -> None:
    pdf.set_text_color(90, 90, 90)
    for line in doc.get("letterhead", []):
        pdf_write(pdf, line, size=8.5, align=align, height=4)
    pdf.set_text_color(0, 0, 0)


def pdf_rule(pdf: FPDF, doc: dict, width: float = 0.6) -> None:
    pdf.set_draw_color(*party_color(doc))
    pdf.set_line_width(width)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.ln(7)


def pdf_letterhead_classic(pdf: FPDF, doc: dict) -> None:
    pdf.set_text_color(*party_color(doc))
    pdf_write(pdf, doc["faction"], size=14, style="B", align="C", height=7)
    pdf_letterhead_lines(pdf, doc, align="C")
    pdf_rule(pdf, doc)


def pdf_letterhead_left(pdf: FPDF, doc: dict) -> None:
    pdf.set_fill_color(*party_color(doc))
    pdf.rect(pdf.l_margin - 8, pdf.get_y(), 3, 14, style="F")
    pdf.set_text_color(*party_color(doc))
    pdf_write(pdf, doc["faction"], size=13, style="B", height=6.5)
    pdf_letterhead_lines(pdf, doc, align="L")
    pdf.ln(6)


def pdf_letterhead_press(pdf: FPDF, doc: dict) -> None:
    pdf.set_text_color(*party_color(doc))
    pdf_write(pdf, doc["type_label"].upper(), size=20, style="B", height=10)
    pdf.set_text_color(0, 0, 0)
    pdf_write(pdf, doc["faction"], size=12, style="B", height=6)
    pdf_letterhead_lines(pdf, doc, align="L")
    pdf_rule(pdf, doc, width=1.2)


LETTERHEADS = {
    "classic": pdf_letterhead_classic,
    "left": pdf_letterhead_left,
    "boxed": pdf_letterhead_left,
    "press": pdf_letterhead_press,
}


def pdf_intro(pdf: FPDF, doc: dict, boxed: bool) -> None:
    pdf_write(pdf, date_line(doc), align="R")
    pdf.ln(3)
    if doc.get("addressee"):
        pdf_write(pdf, "\n".join(doc["addressee"]))
        pdf.ln(4)
    if doc.get("meta_lines"):
        pdf_write(pdf, "\n".join(doc["meta_lines"]), size=9.5, height=4.5)
        pdf.ln(3)
    if layout(doc).get("variant") != "press":
        pdf_write(pdf, doc["type_label"], size=15, style="B", height=8)
    pdf_title(pdf, doc, boxed)


def pdf_title(pdf: FPDF, doc: dict, boxed: bool) -> None:
    if boxed:
        pdf.set_fill_color(232, 232, 232)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(0, 7, pdf_text(title_line(doc)), fill=True, padding=2, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf_write(pdf, title_line(doc), size=12, style="B", height=6.5)
    pdf.ln(4)


def pdf_block(pdf: FPDF, kind: str, payload, doc: dict) -> None:
    align = "J" if layout(doc).get("justify") else "L"
    if kind == "heading":
        pdf.ln(1)
        pdf_write(pdf, payload, style="B")
        pdf.ln(1)
    elif kind == "bullet":
        pdf.set_x(pdf.l_margin + 5)
        pdf_write(pdf, f"- {payload}", align=align)
        pdf.ln(1)
    elif kind == "table":
        pdf_table(pdf, payload)
    else:
        pdf_write(pdf, payload, align=align)
        pdf.ln(2.5)


def pdf_table(pdf: FPDF, table: dict) -> None:
    if table.get("caption"):
        pdf_write(pdf, table["caption"], size=10, style="I")
    pdf.set_font("Helvetica", size=9.5)
    heading = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
    with pdf.table(headings_style=heading, line_height=5.5) as grid:
        for row in table["rows"]:
            cells = grid.row()
            for value in row:
                cells.cell(pdf_text(value))
    pdf.ln(4)


def pdf_signature(pdf: FPDF, doc: dict) -> None:
    pdf.ln(4)
    pdf_write(pdf, "\n".join(doc["signature"]))


# --------------------------------------------------------------------------
# README and main
# --------------------------------------------------------------------------

README_INTRO = (
    "# Demo-Korpus\n\n"
    "Alle Dateien in diesem Ordner sind **fiktive Dokumente**, die eigens für "
    "das Projekt Antragsarchiv geschrieben wurden. Kommunen und Parteien sind "
    "real, Inhalte, Personen, Drucksachennummern und Zahlen sind erfunden; "
    "Ähnlichkeiten mit echten Anträgen sind nicht beabsichtigt. Die Dateien "
    "werden mit `.venv/bin/python tools/make_sample.py` aus "
    "`tools/sample_corpus/*.json` erzeugt (deterministisch). Dokumente mit "
    "gleichem Eintrag in der Spalte „Muster“ sind bewusst nahezu identische "
    "Musteranträge aus verschiedenen Kommunen.\n\n"
)

README_COLUMNS = ["Datei", "Typ", "Kommune", "Gremium", "Land", "Partei", "Datum", "Themen", "Muster"]


def party_label(doc: dict) -> str:
    if doc["party"]:
        return doc["party"]
    return f"– ({doc.get('local_list', 'parteilos')})"


def readme_row(doc: dict) -> str:
    cells = [
        f"`{doc['file']}`",
        doc["doc_type"],
        doc["municipality"],
        doc["gremium"],
        doc["state"],
        party_label(doc),
        doc["date"],
        ", ".join(doc["topics"]),
        doc.get("pair") or "",
    ]
    return "| " + " | ".join(cells) + " |"


def write_readme(docs: list[dict], path: Path) -> None:
    lines = [
        "| " + " | ".join(README_COLUMNS) + " |",
        "|" + "---|" * len(README_COLUMNS),
    ]
    lines.extend(readme_row(doc) for doc in docs)
    path.write_text(README_INTRO + "\n".join(lines) + "\n", encoding="utf-8")


def write_document(doc: dict, out_dir: Path) -> Path:
    path = out_dir / doc["file"]
    if path.suffix == ".docx":
        write_docx(doc, path)
    elif path.suffix == ".pdf":
        write_pdf(doc, path)
    else:
        raise ValueError(f"unsupported output format: {doc['file']}")
    return path


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    docs = load_documents()
    for doc in docs:
        write_document(doc, OUT_DIR)
    write_readme(docs, OUT_DIR / "README.md")
    print(f"wrote {len(docs)} documents and README.md to {OUT_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
