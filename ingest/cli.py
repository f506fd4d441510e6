"""The ``inspect`` command: parse files without storing them (plain click, no Flask)."""

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from ingest.errors import IngestError
from ingest.pipeline import parse_many, sha256_of
from ingest.records import ParsedDocument

KEYS = ("file", "sha256", "format", "doc_type", "title", "date", "municipality", "district", "state",
        "party", "parties", "faction", "topics", "pages", "chars", "error")


@click.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workers", type=int, default=None, help="Parallel parse processes (default: all cores).")
def inspect_command(files: tuple[Path, ...], workers: int | None) -> None:
    """Parse FILES and print their text statistics and metadata as JSON Lines, storing nothing.

    One JSON object per file, in the order given; exit status 1 if any file failed.

    \b
    Examples:
      flask --app search_app inspect antrag.pdf
      flask --app search_app inspect eingang/*.docx | jq .title
    """
    results = dict(parse_many(files, workers=workers))
    failed = False
    for path in files:
        result = results[path]
        failed |= isinstance(result, IngestError)
        click.echo(json.dumps(record(path, result), ensure_ascii=False))
    sys.exit(1 if failed else 0)


def record(path: Path, result: ParsedDocument | IngestError) -> dict:
    """The inspect contract's JSON object for one file, then extra keys: ``status``, ``status_message``,
    ``ocr``, ``ocr_confidence`` and ``attachments`` (the same object for each attachment, ``file`` being
    ``mail.eml#name``) with ``failed_attachments`` (``{"file", "error"}``)."""
    out = dict.fromkeys(KEYS)
    out.update(file=str(path), topics=[], parties=[])
    if isinstance(result, IngestError):
        out.update(error=result.for_user(), sha256=_sha_or_none(path))
        return out
    meta = asdict(result.metadata)
    out.update({key: meta[key] for key in meta if key in out})
    out.update(sha256=result.sha256, format=result.format, pages=result.pages, chars=result.chars,
               topics=list(result.metadata.topics), parties=list(result.metadata.parties))
    out.update(status=result.status, status_message=result.status_message, ocr=result.ocr,
               ocr_confidence=result.ocr_confidence,
               attachments=[record(Path(child.path), child) for child in result.attachments],
               failed_attachments=[{"file": f"{result.path}#{failed.name}", "error": failed.error}
                                   for failed in result.failed_attachments])
    return out


def _sha_or_none(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None
