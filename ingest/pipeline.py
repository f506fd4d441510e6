"""From a file path to a ParsedDocument: detect, parse, extract metadata."""

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest import attachments, formats, metadata
from ingest.errors import FileTooLarge, FileUnreadable, IngestError, NoText
from ingest.records import OK, ExtractedText, ParsedDocument
from ingest.sandbox import Limits, run_limited

MIN_TEXT_CHARS = 20
DEFAULT_LIMITS = Limits()
_HEAD_BYTES = 8192


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    """The name of the format the file's content has ("pdf", "docx", ...), without parsing it; raise
    ``UnsupportedFormat`` (German reason in ``for_user()``) for content no parser reads."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    return formats.detect(path, head).name


def read_text(path: Path) -> tuple[str, ExtractedText]:
    """Detect the format by content and return ``(format, text)`` in this process."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    parser = formats.detect(path, head)
    extracted = parser.parse(path)
    enough = len(extracted.text.strip()) >= MIN_TEXT_CHARS or extracted.attachments
    if extracted.status == OK and not enough:
        raise NoText(f"no text in {path.name} ({parser.name})", parser.name)
    return parser.name, extracted


def parse_in_process(path: Path, max_file_bytes: int = DEFAULT_LIMITS.max_file_bytes) -> ParsedDocument:
    """Parse one file without a sandbox (tests, and the body of each worker), attachments included."""
    path = Path(path)
    _check_size(path.name, _size(path), max_file_bytes)
    return _document(path, str(path), max_file_bytes, depth=0)


def _size(path: Path) -> int:
    """The file's size; a clear error when it is missing, a folder or not readable."""
    try:
        if path.is_dir():
            raise FileUnreadable(f"{path} is a directory", "ist ein Ordner, keine Datei")
        with path.open("rb"):
            return path.stat().st_size
    except FileNotFoundError as exc:
        raise FileUnreadable(f"{path} not found", "Datei nicht gefunden") from exc
    except PermissionError as exc:
        raise FileUnreadable(f"{path} not readable: {exc}", "keine Berechtigung zum Lesen") from exc
    except OSError as exc:
        raise FileUnreadable(f"{path} not readable: {exc}", "Datei nicht lesbar") from exc


def _check_size(name: str, size: int, max_file_bytes: int) -> None:
    if size > max_file_bytes:
        allowed = f"{size // 2**20} MB, erlaubt sind {max_file_bytes // 2**20} MB"
        raise FileTooLarge(f"{name} has {size} bytes", allowed)


def _document(path: Path, label: str, max_file_bytes: int, depth: int, name: str | None = None,
              content: bytes | None = None) -> ParsedDocument:
    fmt, extracted = read_text(path)
    kept, failed = attachments.parse_all(extracted.attachments, label, depth, max_file_bytes, _document)
    return ParsedDocument(
        path=label,
        sha256=sha256_of(path),
        size=path.stat().st_size,
        format=fmt,
        text=extracted.text,
        pages=extracted.pages,
        metadata=metadata.extract_metadata(extracted.text, extracted.emphasis),
        ocr=extracted.ocr,
        ocr_confidence=extracted.ocr_confidence,
        status=extracted.status,
        status_message=extracted.status_message,
        attachments=kept,
        failed_attachments=failed,
        name=name,
        content=content,
    )


def parse_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> ParsedDocument:
    """Parse one file in a child process with limits; raise IngestError on failure."""
    for _, result in parse_many([path], limits, workers=1):
        if isinstance(result, IngestError):
            raise result
        return result
    raise AssertionError("parse_many yielded nothing")


def parse_many(
    paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS, workers: int | None = None
) -> Iterator[tuple[Path, ParsedDocument | IngestError]]:
    """Parse files in parallel workers; yield each path with its document or error."""
    metadata.prepare()
    job = _Job(limits.max_file_bytes)
    yield from run_limited(job, paths, limits, workers or os.cpu_count() or 1)


class _Job:
    """A picklable callable that parses one path (runs in the child)."""

    def __init__(self, max_file_bytes: int):
        self.max_file_bytes = max_file_bytes

    def __call__(self, path: Path) -> ParsedDocument:
        return parse_in_process(path, self.max_file_bytes)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every regular file under the given files and folders, sorted, hidden ones skipped."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    yield child
        else:
            yield path
