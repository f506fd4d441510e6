"""PDF text via pdfminer.six, page by page in reading order; OCR when there is no text layer."""

import io
import re
from pathlib import Path

from pdfminer.high_level import extract_text_to_fp
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from ingest import ocr
from ingest.errors import CorruptFile, EncryptedFile
from ingest.formats import Parser, register
from ingest.formats.running import drop_running_lines
from ingest.records import NO_TEXT, ExtractedText

MIN_CHARS_PER_PAGE = 20  # fewer visible characters per page than this: a scan, read by OCR

# "Kinder-\ngarten" -> "Kindergarten"; "Kita-\nGebühren" -> "Kita-Gebühren" (a real compound hyphen)
_HYPHEN_BREAK = re.compile(r"(\w)-\n(?:[ \t]*\n)?(?!(?:und|oder|bzw|sowie)\b)(?=[a-zäöüß])")
_COMPOUND_BREAK = re.compile(r"(\w)-\n(?:[ \t]*\n)?(?=[A-ZÄÖÜ]\w)")


def sniff(head: bytes, path: Path) -> bool:
    return b"%PDF-" in head[:1024]


def parse(path: Path) -> ExtractedText:
    out = io.StringIO()
    try:
        with path.open("rb") as fh:
            extract_text_to_fp(fh, out, laparams=LAParams(), output_type="text", codec=None)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedFile(f"encrypted PDF: {exc!r}", "PDF") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise CorruptFile(f"corrupt PDF: {exc!r}") from exc
    raw = out.getvalue()
    pages = raw.count("\x0c") or 1
    if len(re.sub(r"\s", "", raw)) < MIN_CHARS_PER_PAGE * pages:
        return _scanned(path, pages)
    return ExtractedText(text=_clean(drop_running_lines(raw)), pages=pages)


def _scanned(path: Path, pages: int) -> ExtractedText:
    """No usable text layer: OCR, or a document stored without text until OCR is available."""
    if not ocr.available():
        return ExtractedText(text="", pages=pages, status=NO_TEXT, status_message=ocr.UNAVAILABLE)
    result = ocr.read_pdf(path, pages)
    return ExtractedText(text=_clean(result.text), pages=pages, ocr=True, ocr_confidence=result.confidence)


def _clean(raw: str) -> str:
    text = _HYPHEN_BREAK.sub(r"\1", raw)
    text = _COMPOUND_BREAK.sub(r"\1-", text)
    text = text.replace("\x0c", "\n\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


register(Parser("pdf", sniff, parse))
