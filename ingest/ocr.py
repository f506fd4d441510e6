"""German OCR for scanned PDFs: ``pdftoppm`` renders each page, ``tesseract -l deu`` reads it.

Tesseract's TSV output gives every word with a confidence (0-100); the text is
rebuilt from it line by line and the document's confidence is the mean over
its words. Page segmentation mode 1 detects the orientation, so a page
scanned upside down is read as well. Availability is looked up on ``PATH``
in the parse process: a test runs without OCR by giving it a ``PATH``
without ``tesseract``.
"""

import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest import sandbox, tools

LANGUAGE = "deu"
DPI = 300
RENDER_TIMEOUT = 60.0  # per page
READ_TIMEOUT = 120.0  # per page
UNAVAILABLE = "kein Textlayer, OCR nicht verfügbar"


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float | None  # mean word confidence, None when no word was found


def available() -> bool:
    """pdftoppm and tesseract are on PATH and tesseract has the German model."""
    if tools.which("pdftoppm") is None or tools.which("tesseract") is None:
        return False
    langs = tools.run(["tesseract", "--list-langs"], 30.0, "OCR").decode("utf-8", errors="replace")
    return LANGUAGE in langs.split()


def read_pdf(path: Path, pages: int) -> OcrText:
    """OCR every page of a PDF, one page image on disk at a time."""
    texts: list[str] = []
    confidences: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        image = Path(tmp) / "page"
        for number in range(1, pages + 1):
            tools.run(["pdftoppm", "-r", str(DPI), "-gray", "-f", str(number), "-l", str(number), "-singlefile",
                       str(path), str(image)], RENDER_TIMEOUT, "OCR")
            tsv = tools.run(["tesseract", str(image) + ".pgm", "stdout", "-l", LANGUAGE, "--psm", "1", "tsv"],
                            READ_TIMEOUT, "OCR")
            text, words = _from_tsv(tsv.decode("utf-8", errors="replace"))
            texts.append(text)
            confidences.extend(words)
            sandbox.progress()  # a long scan gets more time as long as pages get done
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrText("\n\n".join(t for t in texts if t), mean)


def _from_tsv(tsv: str) -> tuple[str, list[float]]:
    """Lines of words from tesseract's TSV (level 5 rows are words), paragraphs apart by a blank line."""
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word or float(row["conf"]) < 0:
            continue
        lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(word)
        confidences.append(float(row["conf"]))
    out: list[str] = []
    last_paragraph = None
    for (block, par, _line), words in lines.items():
        if last_paragraph is not None and (block, par) != last_paragraph:
            out.append("")
        out.append(" ".join(words))
        last_paragraph = (block, par)
    return "\n".join(out), confidences
