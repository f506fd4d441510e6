"""The search engine behind one seam: what the archive asks of an index, and ``open_engine``.

Above the seam (``archive.search``) the query is parsed, read and compiled into an engine-neutral plan
(``archive.query.plan``); facet counts, filters, snippets and paging are computed there too, from the
engine's ``FacetTable`` (measured faster in our numpy code than in the engines). Below it an engine keeps
the documents SQLite published and executes plans: which docnums match, and the best of them by score.

Engines: ``whoosh`` (the default, ``archive.engine.whoosh``) and ``tantivy`` (``archive.engine.tantivy``).
Both index the terms of our own German analysis (``archive.analysis``), so both see the same terms.
"""

from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from archive import compounds
from archive.columns import FacetTable
from archive.engine.tantivy import TantivyEngine
from archive.engine.whoosh import Index
from archive.query.plan import Plan, Terms

__all__ = [
    "DEFAULT_ENGINE", "ENGINES", "Engine", "Engines", "Execution", "Reader", "Terms", "built_engines", "engine_path",
    "open_engine",
]

DEFAULT_ENGINE = "whoosh"
ENGINES = {"whoosh": Index, "tantivy": TantivyEngine}
FOLDERS = {"whoosh": "index", "tantivy": "index-tantivy"}  # inside the store folder


class Execution(Protocol):
    """One request against one reader (it may remember what it read)."""

    def match(self, plan: Plan) -> np.ndarray:
        """A boolean mask over the reader's docnums: True where ``plan`` matches."""

    def top(self, plan: Plan, candidates: np.ndarray, limit: int,
            prior: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``limit`` best ``(docnum, score)`` among ``candidates`` (a mask), best first; ``prior``
        (a weight per docnum) multiplies the scores."""


class Reader(Protocol):
    """A consistent view of an engine's index: its facet table (docnum -> id, date, facet values), its terms
    and ``state`` (equal states, equal index)."""

    kind: str
    table: FacetTable
    terms: Terms
    state: Hashable

    def execution(self) -> Execution: ...


class Engine(Protocol):
    """An index folder fed from SQLite: only published documents (``archive.indexing``)."""

    kind: str
    path: Path
    refresh_interval: float
    purges: bool  # apply(purge=True) leaves no term of a removed document on disk; else a rebuild does

    def needs_rebuild(self) -> bool: ...

    def add(self, rows: Iterable[dict]) -> None: ...

    def apply(self, rows: Iterable[dict], delete_ids: Iterable[int], purge: bool = False) -> None:
        """Add or replace ``rows`` and remove ``delete_ids``, in one commit; raise IndexWriteError on failure
        (then nothing is committed)."""

    def ids(self) -> set[int]: ...

    def rebuild(self, batches: Iterable[list[dict]], on_batch=None, procs: int | None = None) -> int:
        """Build a fresh index from row batches and swap it in, analysing in ``procs`` processes (default: every
        core); the number of documents."""

    def reader(self) -> Reader: ...

    def close(self) -> None: ...


Engines = Engine | Sequence[Engine]  # what the writes from SQLite go to (``archive.indexing``)


def engine_path(root: Path, kind: str) -> Path:
    """The engine's index folder inside the store folder ``root``."""
    return Path(root) / FOLDERS[_known(kind)]


def open_engine(kind: str, path: Path) -> Engine:
    """The engine ``kind`` (``whoosh`` or ``tantivy``) over the index folder ``path``. The word list of the
    analysis' decompounder is loaded here, once per process (about 0.1 s): otherwise the first query that splits a
    compound would pay it (the cold outliers of 60-170 ms the bench saw in first runs)."""
    compounds.lexicon()
    return ENGINES[_known(kind)](path)


def built_engines(root: Path, active: Engine) -> list[Engine]:
    """``active`` and every other engine whose index folder exists in the store folder ``root``: all of them are
    kept in step with SQLite, so that switching ``SEARCH_ENGINE`` loses nothing."""
    others = [open_engine(kind, engine_path(root, kind)) for kind in ENGINES
              if kind != active.kind and engine_path(root, kind).is_dir()]
    return [active, *others]


def _known(kind: str) -> str:
    if kind not in ENGINES:
        raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)}, not {kind!r}")
    return kind
