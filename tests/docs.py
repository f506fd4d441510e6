"""Write real DOCX and PDF files for tests (python-docx, fpdf2, pypdf)."""

from pathlib import Path

import docx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter


def make_docx(path: Path, paragraphs: list[str], header: str | None = None, title: str | None = None) -> Path:
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if title:
        document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def make_pdf(path: Path, pages: list[str]) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def encrypt_pdf(source: Path, target: Path, password: str = "geheim") -> Path:
    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    with target.open("wb") as fh:
        writer.write(fh)
    return target


def motion_text(town: str, subject: str, body: str, date: str = "12.03.2023",
                party: str = "DIE LINKE.") -> list[str]:
    """A small but realistic motion: letterhead, date, type word, subject, body."""
    return [
        f"Fraktion {party} im Rat der Stadt {town}",
        f"{town}, {date}",
        "Antrag",
        f"Betreff: {subject}",
        "Der Rat möge beschließen:",
        body,
        "Begründung: " + body,
    ]
