"""PDF text via pdfminer.six, page by page in reading order; OCR when there is no text layer."""

import io
import re
from pathlib import Path

from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from ingest import ocr
from ingest.errors import CorruptFile, EncryptedFile
from ingest.formats import Parser, emphasis, register
from ingest.formats.running import drop_running_lines
from ingest.records import NO_TEXT, ExtractedText

MIN_CHARS_PER_PAGE = 20  # fewer visible characters per page than this: a scan, read by OCR

# "Kinder-\ngarten" -> "Kindergarten"; "Kita-\nGebühren" -> "Kita-Gebühren" (a real compound hyphen)
_HYPHEN_BREAK = re.compile(r"(\w)-\n(?:[ \t]*\n)?(?!(?:und|oder|bzw|sowie)\b)(?=[a-zäöüß])")
_COMPOUND_BREAK = re.compile(r"(\w)-\n(?:[ \t]*\n)?(?=[A-ZÄÖÜ]\w)")


def sniff(head: bytes, path: Path) -> bool:
    return b"%PDF-" in head[:1024]


TYPOGRAPHY_PAGES = 2  # the pages whose type sizes and fonts are read for the title


class _TypographyConverter(TextConverter):
    """pdfminer's plain-text output, and on the first pages each text line with its mean type size and whether it
    is set in a bold font: one pass over the file."""

    def __init__(self, rsrcmgr: PDFResourceManager, outfp: io.StringIO):
        super().__init__(rsrcmgr, outfp, codec=None, laparams=LAParams())
        self.lines: list[tuple[str, float, bool]] = []
        self.pages_seen = 0

    def receive_layout(self, ltpage: LTPage) -> None:
        super().receive_layout(ltpage)
        self.pages_seen += 1
        if self.pages_seen <= TYPOGRAPHY_PAGES:
            self.lines.extend(_typeset_lines(ltpage))


def _typeset_lines(ltpage: LTPage):
    for box in ltpage:
        if not isinstance(box, LTTextContainer):
            continue
        for line in box:
            if not isinstance(line, LTTextLine):
                continue
            chars = [c for c in line if isinstance(c, LTChar) and not c.get_text().isspace()]
            if chars:
                size = sum(c.size for c in chars) / len(chars)
                bold = sum(emphasis.is_bold_font(c.fontname) for c in chars) >= 0.8 * len(chars)
                yield line.get_text().strip(), size, bold


def _emphasis(lines: list[tuple[str, float, bool]]):
    body = emphasis.body_size((size, len(text)) for text, size, _ in lines)
    return emphasis.collect((text, emphasis.level(size, body, bold)) for text, size, bold in lines)


def parse(path: Path) -> ExtractedText:
    out = io.StringIO()
    try:
        with path.open("rb") as fh:
            rsrcmgr = PDFResourceManager()
            device = _TypographyConverter(rsrcmgr, out)
            interpreter = PDFPageInterpreter(rsrcmgr, device)
            for page in PDFPage.get_pages(fh):
                interpreter.process_page(page)
            device.close()
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedFile(f"encrypted PDF: {exc!r}", "PDF") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise CorruptFile(f"corrupt PDF: {exc!r}") from exc
    raw = out.getvalue()
    pages = raw.count("\x0c") or 1
    if len(re.sub(r"\s", "", raw)) < MIN_CHARS_PER_PAGE * pages:
        return _scanned(path, pages)
    return ExtractedText(text=_clean(drop_running_lines(raw)), pages=pages, emphasis=_emphasis(device.lines))


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
