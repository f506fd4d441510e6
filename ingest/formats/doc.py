"""Old Word (.doc) via ``antiword``, falling back to ``catdoc``; encrypted Office files are named as such."""

from pathlib import Path

from ingest import tools
from ingest.errors import CorruptFile, EncryptedFile, IngestError, ToolMissing
from ingest.formats import Parser, ole, register
from ingest.records import ExtractedText

TIMEOUT = 60.0
_COMMANDS = (
    ("antiword", "-w", "0", "-m", "UTF-8.txt"),
    ("catdoc", "-w", "-d", "utf-8"),
)


def sniff(head: bytes, path: Path) -> bool:
    return ole.kind(head, path) in (ole.DOC, ole.ENCRYPTED)


def parse(path: Path) -> ExtractedText:
    with path.open("rb") as fh:
        head = fh.read(len(ole.MAGIC))
    if ole.kind(head, path) == ole.ENCRYPTED:
        raise EncryptedFile(f"password-protected Office file {path.name}", "Office-Datei")
    return ExtractedText(text=_convert(path), pages=None)


def _convert(path: Path) -> str:
    """The first installed converter that succeeds; its failure is raised when none does."""
    failure: IngestError | None = None
    for command in _COMMANDS:
        if tools.which(command[0]) is None:
            continue
        try:
            out = tools.run([*command, str(path)], TIMEOUT, "DOC")
        except CorruptFile as exc:
            failure = exc
            continue
        return _clean(out.decode("utf-8", errors="replace"))
    if failure is None:
        raise ToolMissing("neither antiword nor catdoc is installed", "DOC")
    if "encrypted" in failure.message:
        raise EncryptedFile(failure.message, "DOC")
    raise failure


def _clean(text: str) -> str:
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(lines).replace("\x0c", "\n").strip()


register(Parser("doc", sniff, parse))
