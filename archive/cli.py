"""CLI commands owned by the archive package: ``ingest``, ``reindex`` and ``reprocess``.

Plain click commands; ``search_app`` registers them on ``flask``. The store
folder comes from ``--archive-dir`` or the ``ARCHIVE_DIR`` environment variable.
"""

import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

import click
from tqdm import tqdm

import ingest
from archive import Archive, ArchiveError
from archive.ingesting import ADDED, FAILED, UNCHANGED, UPDATED, Outcome

archive_dir_option = click.option(
    "--archive-dir", envvar="ARCHIVE_DIR", default="data", show_default=True, type=click.Path(path_type=Path),
    help="Store folder (env ARCHIVE_DIR).",
)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line per file instead of a summary.")
@click.option("--workers", type=int, default=None, help="Parallel parse processes (default: all cores).")
@archive_dir_option
def ingest_command(paths: tuple[Path, ...], as_json: bool, workers: int | None, archive_dir: Path) -> None:
    """Add the files in PATHS (folders recursively) to the archive: PDF (scans by OCR), DOCX, ODT, DOC, RTF,
    text, HTML and e-mails (EML/MSG; each attachment becomes a document linked to its mail).

    Files already stored (same content) are reported as unchanged; a file that
    cannot be read is reported with a reason and the batch goes on. Exit status
    1 if any file failed.

    \b
    Examples:
      flask --app search_app ingest ~/eingang/
      flask --app search_app ingest --json antrag.pdf anfrage.docx
      ARCHIVE_DIR=/srv/archiv flask --app search_app ingest eingang/
    """
    files = list(ingest.iter_files(paths))
    archive = _open(archive_dir)
    started = time.monotonic()
    with tqdm(total=len(files), unit=" Dateien", desc="Import", file=sys.stderr, disable=None) as bar:
        counts, failures = _report(archive.ingest(files, workers=workers), as_json, bar.update)
    archive.close()
    if not as_json:
        click.echo(f"Neu: {counts[ADDED]}, unverändert (Duplikate): {counts[UNCHANGED]}, "
                   f"fehlgeschlagen: {counts[FAILED]} – in {time.monotonic() - started:.1f} s")
        _failures(failures)
    sys.exit(1 if failures else 0)


def _report(outcomes, as_json: bool, step=None) -> tuple[Counter, list[Outcome]]:
    """Count outcomes, keep the failures, and print JSON lines when asked."""
    counts: Counter = Counter()
    failures: list[Outcome] = []
    for outcome in outcomes:
        counts[outcome.status] += 1
        if outcome.status == FAILED:
            failures.append(outcome)
        if as_json:
            click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
        if step:
            step(1)
    return counts, failures


def _failures(failures: list[Outcome]) -> None:
    for outcome in failures:
        click.echo(f"  FEHLER {outcome.file}: {outcome.error}")


@click.command("reindex")
@click.option("--batch", type=int, default=500, show_default=True, help="Documents read from SQLite at a time.")
@archive_dir_option
def reindex_command(batch: int, archive_dir: Path) -> None:
    """Rebuild the search index from SQLite and swap it in when complete.

    \b
    Examples:
      flask --app search_app reindex
      ARCHIVE_DIR=/srv/archiv flask --app search_app reindex --batch 200
    """
    archive = _open(archive_dir, rebuild=False)
    started = time.monotonic()
    with tqdm(total=archive.count(), unit=" Dok.", desc="Index", file=sys.stderr, disable=None) as bar:
        count = archive.reindex(batch, on_batch=bar.update)
    archive.close()
    click.echo(f"{count} Dokumente indexiert in {time.monotonic() - started:.1f} s")


@click.command("reprocess")
@click.option("--status", default=ingest.NO_TEXT, show_default=True,
              help="Parse again the documents stored with this status.")
@click.option("--all", "everything", is_flag=True,
              help="Parse every document again and update those whose text or metadata changed "
                   "(after the extractors improved); metadata staff reviewed is kept.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line per document instead of a summary.")
@click.option("--workers", type=int, default=None, help="Parallel parse processes (default: all cores).")
@archive_dir_option
def reprocess_command(status: str, everything: bool, as_json: bool, workers: int | None, archive_dir: Path) -> None:
    """Parse stored documents again from their originals, e.g. scans stored while OCR was missing.

    Documents whose status changes (a scan now read by OCR) are updated in
    place, same id, in SQLite and the index; the others are reported as
    unchanged. With --all every document is read again and updated where its
    text or metadata comes out differently. Exit status 1 if any document failed.

    \b
    Examples:
      sudo apt-get install tesseract-ocr-deu poppler-utils
      flask --app search_app reprocess --status no-text
      flask --app search_app reprocess --all
      flask --app search_app reprocess --json --workers 2 | jq .status
    """
    archive = _open(archive_dir)
    started = time.monotonic()
    counts, failures = _report(archive.reprocess(status, workers=workers, everything=everything), as_json)
    if everything and counts[UPDATED]:
        # Whoosh keeps the replaced versions in its segments' statistics until they are merged away; after
        # many updates a rebuild gives the ranking a fresh index would have
        archive.reindex()
    archive.close()
    if not as_json:
        click.echo(f"Aktualisiert: {counts[UPDATED]}, unverändert: {counts[UNCHANGED]}, "
                   f"fehlgeschlagen: {counts[FAILED]} – in {time.monotonic() - started:.1f} s"
                   + (" (Suchindex neu aufgebaut)" if everything and counts[UPDATED] else ""))
        _failures(failures)
    sys.exit(1 if failures else 0)


def _open(archive_dir: Path, rebuild: bool = True) -> Archive:
    try:
        return Archive.open(archive_dir) if rebuild else Archive(archive_dir)
    except ArchiveError as exc:
        logging.getLogger(__name__).exception("cannot open archive at %s", archive_dir)
        raise click.ClickException(exc.for_user()) from exc


COMMANDS = (ingest_command, reindex_command, reprocess_command)
