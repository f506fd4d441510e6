"""CLI commands owned by the archive package: ``ingest``, ``reindex``, ``reprocess``, ``topics retrain``,
``check``, ``worker`` and ``snapshot``.

Plain click commands; ``search_app`` registers them on ``flask``. The store
folder comes from ``--archive-dir`` or the ``ARCHIVE_DIR`` environment variable.
"""

import json
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

import click
from tqdm import tqdm

import ingest
from archive import DRAFT, PUBLISHED, Archive, ArchiveError, topic_training
from archive.engine import DEFAULT_ENGINE, ENGINES
from archive.store.ingesting import ADDED, FAILED, UNCHANGED, UPDATED, Outcome
from archive.worker import THREADS, Worker

archive_dir_option = click.option(
    "--archive-dir", envvar="ARCHIVE_DIR", default="data", show_default=True, type=click.Path(path_type=Path),
    help="Store folder (env ARCHIVE_DIR).",
)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line per file instead of a summary.")
@click.option("--workers", type=int, default=None, help="Parallel parse processes (default: all cores).")
@click.option("--draft", is_flag=True, help="Store as drafts (Entwurf) for review instead of publishing.")
@archive_dir_option
def ingest_command(paths: tuple[Path, ...], as_json: bool, workers: int | None, draft: bool,
                   archive_dir: Path) -> None:
    """Add the files in PATHS (folders recursively) to the archive: PDF (scans by OCR), DOCX, ODT, DOC, RTF,
    text, HTML and e-mails (EML/MSG; each attachment becomes a document linked to its mail).

    A bulk import of a curated collection: the documents are published and
    indexed at once; with --draft they wait as drafts for an editor to review and
    publish them. Files already stored (same content) are reported as unchanged;
    a file that cannot be read is reported with a reason and the batch goes on.
    Exit status 1 if any file failed.

    \b
    Examples:
      flask --app search_app ingest ~/eingang/
      flask --app search_app ingest --draft --json antrag.pdf anfrage.docx
      ARCHIVE_DIR=/srv/archiv flask --app search_app ingest eingang/
    """
    files = list(ingest.iter_files(paths))
    archive = _open(archive_dir)
    started = time.monotonic()
    with tqdm(total=len(files), unit=" Dateien", desc="Import", file=sys.stderr, disable=None) as bar:
        outcomes = archive.ingest(files, workers=workers, publication=DRAFT if draft else PUBLISHED)
        counts, failures = _report(outcomes, as_json, bar.update)
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
@click.option("--engine", type=click.Choice(list(ENGINES)), default=None,
              help="The engine whose index is rebuilt (default: SEARCH_ENGINE, else whoosh); "
                   "building another engine's index once keeps it in step from then on.")
@archive_dir_option
def reindex_command(batch: int, engine: str | None, archive_dir: Path) -> None:
    """Rebuild the search index from SQLite and swap it in when complete.

    \b
    Examples:
      flask --app search_app reindex
      flask --app search_app reindex --engine tantivy
      ARCHIVE_DIR=/srv/archiv flask --app search_app reindex --batch 200
    """
    archive = _open(archive_dir, rebuild=False)
    started = time.monotonic()
    with tqdm(total=archive.count(), unit=" Dok.", desc="Index", file=sys.stderr, disable=None) as bar:
        count = archive.reindex(batch, on_batch=bar.update, engine=engine)
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


@click.group("topics")
def topics_group() -> None:
    """The topic rules of this archive (keyword rules, tuned on the documents staff reviewed)."""


@topics_group.command("retrain")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Also train on this labelled corpus (manifest.jsonl; default {topic_training.DEFAULT_CORPUS} "
                   "when it exists).")
@click.option("--no-corpus", is_flag=True, help="Train on the reviewed documents alone.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=topic_training.DEFAULT_CACHE,
              show_default=True, help="Folder keeping the corpus texts by sha256 (a second run reads no file).")
@click.option("--dry-run", is_flag=True, help="Report only, never write the rules file.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@archive_dir_option
def retrain_command(corpus: Path | None, no_corpus: bool, cache: Path, dry_run: bool, as_json: bool,
                    archive_dir: Path) -> None:
    """Retune the topic rules on the documents staff reviewed (their confirmed topics), plus a labelled corpus.

    Thresholds and per-topic keywords (added or removed only when documents of at
    least three sources support them) are tuned and scored leave-one-source-out:
    each source (a Kommune's ARS, else the party, of a reviewed document; a corpus
    document's repository) is predicted by rules tuned on the others. The rules are
    written to ARCHIVE_DIR/topic_rules.json only if their leave-one-source-out F1 is
    at least that of the current rules. Stored documents keep their topics: run
    reprocess --all to apply new rules to them (reviewed topics stay).

    \b
    Examples:
      flask --app search_app topics retrain --dry-run
      flask --app search_app topics retrain --corpus ../shared/corpus/dev
      ARCHIVE_DIR=/srv/archiv flask --app search_app topics retrain --no-corpus --json
    """
    if no_corpus:
        corpus = None
    elif corpus is None and (topic_training.DEFAULT_CORPUS / "manifest.jsonl").is_file():
        corpus = topic_training.DEFAULT_CORPUS
    if corpus is not None and not (corpus / "manifest.jsonl").is_file():
        raise click.BadParameter(f"{corpus} hat keine manifest.jsonl", param_hint="--corpus")
    with tqdm(unit=" Dok.", desc="Texte", file=sys.stderr, disable=None) as bar, \
            tqdm(unit=" Quellen", desc="Abstimmen", file=sys.stderr, disable=None) as tuning:
        def progress(done: int, total: int) -> None:
            tuning.total = total
            tuning.update(done - tuning.n)

        try:
            result = topic_training.retrain(archive_dir, corpus, cache, dry_run, step=bar.update, progress=progress)
        except ValueError as exc:
            raise click.ClickException("Keine gelabelten Dokumente: keine geprüften im Archiv und kein Korpus "
                                       "(--corpus)") from exc
    report = result.report
    if as_json:
        click.echo(json.dumps({**report.as_json(), "rules_file": str(result.path), "written": result.written,
                               "reviewed": result.reviewed,
                               "skipped": [f for f, _ in result.corpus.skipped] if result.corpus else []},
                              ensure_ascii=False))
        return
    _print_retraining(result)


def _figure(score) -> str:
    if score is None:
        return "–".ljust(22)
    return f"{score.f1:.3f} (P {score.precision:.3f}, R {score.recall:.3f})"


def _print_retraining(result: topic_training.Retraining) -> None:
    report = result.report
    click.echo(f"Trainiert auf {report.documents} Dokumenten aus {len(report.sources)} Quellen "
               f"({result.reviewed} geprüft, {report.documents - result.reviewed} aus dem Korpus) "
               f"in {report.seconds:.0f} s.")
    if result.corpus and result.corpus.skipped:
        click.echo(f"  {len(result.corpus.skipped)} Korpus-Dateien nicht lesbar, übersprungen")
    click.echo("Themen, Mikro-F1        leave-one-source-out         in-sample")
    current = "aktuell" + (" (Regeldatei)" if report.current.source else " (eingebaut)")
    click.echo(f"  {current:<20}  {_figure(report.current_loso):<28} {_figure(report.current_in_sample)}")
    click.echo(f"  {'neu abgestimmt':<20}  {_figure(report.retuned_loso):<28} {_figure(report.retuned_in_sample)}")
    changed = {k: v for k, v in report.retuned.parameters().items() if v != report.current.parameters()[k]}
    click.echo("Geänderte Zahlen: " + (", ".join(f"{k} {report.current.parameters()[k]} → {v}"
                                                 for k, v in changed.items()) or "keine"))
    for kind, label in (("added", "Neue Stichwörter"), ("removed", "Entfernte Stichwörter")):
        by_slug = getattr(report.retuned, kind)
        if by_slug:
            click.echo(f"{label}: " + "; ".join(f"{slug}: {', '.join(stems)}" for slug, stems in by_slug.items()))
    if report.retuned_loso is None:
        click.echo("Nur eine Quelle: leave-one-source-out nicht messbar, Regeln nicht geschrieben.")
    elif result.written:
        click.echo(f"Geschrieben: {result.path}. Gespeicherte Dokumente bleiben unverändert; "
                   "`flask --app search_app reprocess --all` wendet die neuen Regeln an (geprüfte Themen bleiben).")
    elif not report.better:
        click.echo("Nicht geschrieben: die neu abgestimmten Regeln verallgemeinern schlechter als die aktuellen.")
    else:
        click.echo(f"Nicht geschrieben (--dry-run). Ohne --dry-run entstünde {result.path}; gespeicherte Dokumente "
                   "blieben unverändert, bis `flask --app search_app reprocess --all` die Regeln anwendet.")


@click.command("check")
@click.option("--repair", is_flag=True, help="Fix the drift from SQLite, the source of truth.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@archive_dir_option
def check_command(repair: bool, as_json: bool, archive_dir: Path) -> None:
    """Compare SQLite, the search index and the stored originals and report every drift: a published
    document without index entry, an index entry without a published document, a missing or an extra
    original, index work not done yet. --repair fixes it from SQLite (a missing original can only be
    restored from a backup: it is named). Exit status 1 while drift remains.

    \b
    Examples:
      flask --app search_app check
      flask --app search_app check --repair --json
    """
    archive = _open(archive_dir)
    try:
        report = archive.check(repair=repair)
        after = archive.check() if repair else report
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps({**report.as_json(), "remaining": after.as_json()}, ensure_ascii=False))
    else:
        _print_check(report, after, repair)
    sys.exit(1 if after.drift else 0)


def _print_check(report, after, repair: bool) -> None:
    if not report.drift:
        click.echo("Keine Abweichungen: SQLite, Suchindex und Originale stimmen überein.")
        return
    labels = {"missing_in_index": "veröffentlicht, aber nicht im Index", "extra_in_index":
              "im Index, aber nicht veröffentlicht", "missing_originals": "Original fehlt", "extra_originals":
              "Datei ohne Dokument", "queued": "Index-Aufträge offen"}
    for key, label in labels.items():
        value = report.as_json()[key]
        if value:
            shown = value if isinstance(value, int) else ", ".join(map(str, value[:20])) + (
                " …" if len(value) > 20 else "")
            click.echo(f"{label}: {shown}")
    if repair:
        click.echo("Repariert." if not after.drift else f"Nach der Reparatur bleibt: {after.summary()}")
        for line in report.unrepairable:
            click.echo(f"  {line}")


@click.command("worker")
@click.option("--threads", type=int, default=THREADS, show_default=True, help="Jobs run side by side.")
@archive_dir_option
def worker_command(threads: int, archive_dir: Path) -> None:
    """Run the background worker: parse uploaded files and keep the search index in line with SQLite (the
    only writer of the index besides bulk `ingest`). Unfinished uploads of a killed worker are taken up again
    at start. Stop it with Ctrl-C or SIGTERM.

    \b
    Examples:
      flask --app search_app worker
      ARCHIVE_DIR=/srv/archiv flask --app search_app worker --threads 2
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _open(archive_dir).close()  # creates the store and rebuilds an outdated index before any job
    engine = _engine()
    Worker(archive_dir, lambda: Archive(archive_dir, engine=engine)).run(threads)


@click.command("snapshot")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@archive_dir_option
def snapshot_command(out: Path, archive_dir: Path) -> None:
    """Write the published documents to OUT, one SQLite file for Datasette: a documents table with every
    metadata column and the text, lookup tables of Kommunen, parties, topics and document types, and an FTS5
    index over title and text. Drafts and withdrawn documents are left out. OUT is written under a temporary
    name and replaced only when complete. A file in ARCHIVE_DIR/snapshot/ is served at /api/snapshot.db (the
    worker writes ARCHIVE_DIR/snapshot/antragsarchiv.db every night).

    \b
    Examples:
      flask --app search_app snapshot archiv.db
      datasette archiv.db
      ARCHIVE_DIR=/srv/archiv flask --app search_app snapshot /srv/archiv/snapshot/antragsarchiv.db
    """
    archive = _open(archive_dir, rebuild=False)
    started = time.monotonic()
    try:
        with tqdm(unit=" Dok.", desc="Snapshot", file=sys.stderr, disable=None) as bar:
            count = archive.snapshot(out, on_batch=bar.update)
    finally:
        archive.close()
    size = out.stat().st_size / 2**20
    click.echo(f"{count} veröffentlichte Dokumente in {out} ({size:.1f} MB) in {time.monotonic() - started:.1f} s")


def _engine() -> str:
    """The engine the commands open: the environment's ``SEARCH_ENGINE``, as the app reads it."""
    return os.environ.get("SEARCH_ENGINE") or DEFAULT_ENGINE


def _open(archive_dir: Path, rebuild: bool = True) -> Archive:
    try:
        engine = _engine()
        return Archive.open(archive_dir, engine=engine) if rebuild else Archive(archive_dir, engine=engine)
    except ArchiveError as exc:
        logging.getLogger(__name__).exception("cannot open archive at %s", archive_dir)
        raise click.ClickException(exc.for_user()) from exc


COMMANDS = (ingest_command, reindex_command, reprocess_command, topics_group, check_command, worker_command,
            snapshot_command)
