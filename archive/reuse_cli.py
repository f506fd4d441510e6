"""``flask similar rebuild``: the text reuse ("Gleicher Mustertext") of every stored document, computed anew.

Plain click commands; ``search_app`` registers them on ``flask``.
"""

import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from archive import reuse
from archive.cli import _open, archive_dir_option


@click.group("similar")
def similar_group() -> None:
    """Text reuse: which documents share most of their text (Gleicher Mustertext)."""


@similar_group.command("rebuild")
@click.option("--batch", type=int, default=200, show_default=True, help="Documents read from SQLite at a time.")
@archive_dir_option
def rebuild_command(batch: int, archive_dir: Path) -> None:
    """Compute the shingles, MinHash signatures, LSH band keys and same-text pairs of every document anew
    (drafts and withdrawn ones too: staff see their matches; the public only published ones), and forget the
    cached similar documents, which are computed again on their next view.

    New and changed documents get theirs by themselves (on ingest, upload and reprocess); run this for a store
    from before text reuse, or after the shingle settings in archive/reuse.py changed.

    \b
    Examples:
      flask --app search_app similar rebuild
      ARCHIVE_DIR=/srv/archiv flask --app search_app similar rebuild --batch 500
    """
    if batch < 1:
        raise click.BadParameter("muss mindestens 1 sein", param_hint="--batch")
    archive = _open(archive_dir, rebuild=False)
    started = time.monotonic()
    try:
        with tqdm(total=archive.count(), unit=" Dok.", desc="Mustertext", file=sys.stderr, disable=None) as bar:
            count = archive.rebuild_reuse(batch=batch, on_batch=bar.update)
        rows = reuse.counts(archive.store.db.conn)
    finally:
        archive.close()
    click.echo(f"{count} Dokumente in {time.monotonic() - started:.1f} s: {rows['reuse_signatures']} Signaturen, "
               f"{rows['same_text']} Paare mit mindestens {reuse.SHARE:.0%} gleichem Text".replace("%", " %"))


COMMANDS = (similar_group,)
