"""``flask check``: compare SQLite (the truth), the index and the stored originals, and repair from SQLite.

Drift of each kind:

- ``missing_in_index``: a published document without an index entry (e.g. a crash after the SQLite commit);
- ``extra_in_index``: an index entry whose document is not published in SQLite (deleted, a draft, withdrawn);
- ``missing_originals``: a stored original that is gone from disk (cannot be repaired from SQLite: restore it
  from a backup; the check names the document);
- ``extra_originals``: a file under ``originals/`` that no document refers to (left by a crash, or by a
  deletion that did not finish);
- ``queued``: index requests not carried out yet (the worker does them; the repair does them now).

``--repair`` writes the missing index entries, removes the extra ones (rewriting their segments), carries out
the queue and deletes the extra files.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive.engine import Engine, Engines
from archive.indexing import apply, sync
from archive.store import Store


@dataclass(frozen=True)
class Report:
    missing_in_index: tuple[int, ...] = ()
    extra_in_index: tuple[int, ...] = ()
    missing_originals: tuple[int, ...] = ()  # document ids
    extra_originals: tuple[str, ...] = ()  # paths relative to the store folder
    queued: int = 0
    repaired: bool = False
    unrepairable: tuple[str, ...] = field(default=())

    @property
    def drift(self) -> bool:
        return bool(self.missing_in_index or self.extra_in_index or self.missing_originals
                    or self.extra_originals or self.queued)

    def summary(self) -> str:
        parts = [f"{name}={len(value) if isinstance(value, tuple) else value}"
                 for name, value in self.as_json().items() if name in KINDS]
        return ", ".join(parts)

    def as_json(self) -> dict:
        return {"missing_in_index": list(self.missing_in_index), "extra_in_index": list(self.extra_in_index),
                "missing_originals": list(self.missing_originals), "extra_originals": list(self.extra_originals),
                "queued": self.queued, "repaired": self.repaired, "unrepairable": list(self.unrepairable)}


KINDS = ("missing_in_index", "extra_in_index", "missing_originals", "extra_originals", "queued")


def check(store: Store, index: Engines, repair: bool = False) -> Report:
    """What drifted (in the first engine of several); with ``repair``, fix what SQLite can fix (in every engine)
    and report what it cannot."""
    report = _compare(store, index[0] if isinstance(index, Sequence) else index)
    if not repair or not report.drift:
        return report
    sync(store, index)
    ids = [*report.missing_in_index, *report.extra_in_index]
    if ids:
        apply(store, index, ids)
    for rel in report.extra_originals:
        (store.root / rel).unlink(missing_ok=True)
    unrepairable = tuple(f"Original von Dokument {doc_id} fehlt: aus einer Sicherung wiederherstellen"
                         for doc_id in report.missing_originals)
    return Report(**{**report.__dict__, "repaired": True, "unrepairable": unrepairable})


def _compare(store: Store, index: Engine) -> Report:
    published = set(store.published_ids())
    indexed = index.ids()
    missing, extra = _originals(store)
    return Report(tuple(sorted(published - indexed)), tuple(sorted(indexed - published)), missing, extra,
                  store.queue_length())


def _originals(store: Store) -> tuple[tuple[int, ...], tuple[str, ...]]:
    sql = ("SELECT documents.id, files.stored_path FROM documents LEFT JOIN files USING (sha256) "
           "ORDER BY documents.id")
    referenced: set[str] = set()
    missing = []
    for doc_id, stored_path in store.db.execute(sql):
        if stored_path == "":  # a synthetic benchmark document, stored without an original
            continue
        if stored_path is None or not (store.root / stored_path).is_file():
            missing.append(doc_id)
        else:
            referenced.add(str(Path(stored_path)))
    on_disk = (str(path.relative_to(store.root)) for path in store.originals.rglob("*") if path.is_file())
    return tuple(missing), tuple(sorted(rel for rel in on_disk if rel not in referenced))
