"""RTF via striprtf (pure Python); code pages come from the file's ``\\ansicpg``."""

import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from ingest.errors import CorruptFile
from ingest.formats import Parser, register
from ingest.records import ExtractedText

_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")


def sniff(head: bytes, path: Path) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"{\\rtf")


def parse(path: Path) -> ExtractedText:
    data = path.read_bytes()
    match = _CODEPAGE.search(data[:4096])
    encoding = f"cp{match.group(1).decode()}" if match else "cp1252"
    try:
        text = rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace")
    except (LookupError, ValueError, IndexError) as exc:
        raise CorruptFile(f"corrupt RTF: {exc!r}") from exc
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return ExtractedText(text=re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), pages=None)


register(Parser("rtf", sniff, parse))
