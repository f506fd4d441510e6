"""PDF text via pdfminer.six, page by page in reading order."""

import io
import re
from pathlib import Path

from pdfminer.high_level import extract_text_to_fp
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from ingest.errors import CorruptFile, EncryptedFile
from ingest.formats import Parser, register
from ingest.records import ExtractedText

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
        raise EncryptedFile(f"encrypted PDF: {exc!r}") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise CorruptFile(f"corrupt PDF: {exc!r}") from exc
    raw = out.getvalue()
    pages = raw.count("\x0c") or 1
    return ExtractedText(text=_clean(raw), pages=pages)


def _clean(raw: str) -> str:
    text = _HYPHEN_BREAK.sub(r"\1", raw)
    text = _COMPOUND_BREAK.sub(r"\1-", text)
    text = text.replace("\x0c", "\n\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


register(Parser("pdf", sniff, parse))
