"""Facet values per docnum as numpy columns: counting and filtering are vector operations.

A column codes each distinct value as a small integer. A single-valued column
holds one code per docnum (-1: no value); a multi-valued one holds (docnum,
code) pairs. Counting the values of a set of documents is then one
``np.bincount`` and a filter one ``np.isin``, instead of a Python loop over
every matching document.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

NONE = -1
TIE_BREAK = 1e-8  # relative: orders equal scores by date inside an engine's top, too small to reorder others


@dataclass(frozen=True)
class Column:
    values: tuple[str, ...]  # code -> value
    codes: np.ndarray  # single: one code per docnum; multi: one code per pair
    docs: np.ndarray | None = None  # multi: the docnum of each pair

    @cached_property
    def ranks(self) -> np.ndarray:
        """code -> position of its value in sorted order (for ordering ties by value)."""
        ranks = np.empty(len(self.values), dtype=np.int64)
        ranks[sorted(range(len(self.values)), key=self.values.__getitem__)] = np.arange(len(self.values))
        return ranks

    @classmethod
    def single(cls, per_doc: Sequence[str | None]) -> "Column":
        coder: dict[str, int] = {}
        codes = np.fromiter((NONE if v is None else coder.setdefault(v, len(coder)) for v in per_doc),
                            dtype=np.int32, count=len(per_doc))
        return cls(tuple(coder), codes)

    @classmethod
    def multi(cls, per_doc: Sequence[Iterable[str]]) -> "Column":
        coder: dict[str, int] = {}
        docs, codes = [], []
        for docnum, values in enumerate(per_doc):
            for value in values:
                docs.append(docnum)
                codes.append(coder.setdefault(value, len(coder)))
        return cls(tuple(coder), np.asarray(codes, dtype=np.int32), np.asarray(docs, dtype=np.int64))

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """code -> number of documents in ``mask`` with that value."""
        codes = self.codes[mask[self.docs]] if self.docs is not None else self.codes[mask]
        return np.bincount(codes[codes >= 0], minlength=len(self.values))

    def ordered(self, counts: np.ndarray, by_value_desc: bool = False) -> np.ndarray:
        """Codes with a count, most documents first (ties by value), or by value, highest first."""
        found = np.flatnonzero(counts)
        ranks = self.ranks[found]
        order = np.argsort(-ranks) if by_value_desc else np.lexsort((ranks, -counts[found]))
        return found[order]

    def having(self, wanted: Iterable[str], size: int) -> np.ndarray:
        """A mask of the ``size`` docnums that have any of the ``wanted`` values."""
        index = {v: i for i, v in enumerate(self.values)}
        codes = [index[v] for v in wanted if v in index]
        hits = np.isin(self.codes, codes)
        if self.docs is None:
            return hits
        mask = np.zeros(size, dtype=bool)
        mask[self.docs[hits]] = True
        return mask


@dataclass(frozen=True)
class FacetTable:
    """The facet columns of one searcher, plus each docnum's document id and date (YYYYMMDD, 0: none)."""

    ids: np.ndarray
    dates: np.ndarray
    columns: dict  # facet name -> Column

    @property
    def size(self) -> int:
        return int(self.ids.size)

    @cached_property
    def recency(self) -> np.ndarray:
        """A weight per docnum, 1 for the oldest (and undated) up to ``1 + TIE_BREAK`` for the newest: multiplied
        into the scores, it makes an engine keep the newest of equally scored documents for a page, while scores
        that differ keep their order. Computed once per searcher."""
        if not self.dates.size:
            return np.ones(0)
        low, high = float(self.dates.min()), float(self.dates.max())
        if high <= low:
            return np.ones(self.dates.size)
        return 1.0 + TIE_BREAK * (self.dates.astype(np.float64) - low) / (high - low)

    @cached_property
    def newest_first(self) -> np.ndarray:
        """Every docnum, newest first (undated last), equal dates the later docnum first. Sorted once per
        searcher: a page by date is then this order restricted to the result (a lexsort of 100,000 dates per
        request took 14 ms)."""
        return np.lexsort((-np.arange(self.size), -self.dates))

    @cached_property
    def oldest_first(self) -> np.ndarray:
        """Every docnum, oldest first (undated last), equal dates the earlier docnum first."""
        return np.lexsort((np.arange(self.size), np.where(self.dates > 0, self.dates, 99_999_999)))

    def __getitem__(self, name: str) -> Column:
        return self.columns[name]

    @classmethod
    def from_rows(cls, names: Sequence[str], rows: Sequence[tuple], multi: frozenset[str]) -> "FacetTable":
        """``rows``: one tuple per docnum, in the order of ``names`` (which include ``id`` and ``date``)."""
        at = {name: i for i, name in enumerate(names)}
        ids = np.fromiter((r[at["id"]] for r in rows), dtype=np.int64, count=len(rows))
        dates = np.fromiter((r[at["date"]] for r in rows), dtype=np.int64, count=len(rows))
        columns = {}
        for name, i in at.items():
            if name in ("id", "date"):
                continue
            values = [r[i] for r in rows]
            columns[name] = Column.multi(values) if name in multi else Column.single(values)
        return cls(ids, dates, columns)
