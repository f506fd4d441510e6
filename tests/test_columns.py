"""Facet columns and the shared caches against plain-Python reference answers."""

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from archive.columns import Column, FacetTable
from archive.engine.whoosh.postings import ArrayCache

VALUES = st.sampled_from(["Bochum", "Köln", "Brühl", "Aachen", "Zülpich"])


@given(st.lists(st.one_of(st.none(), VALUES), min_size=1, max_size=60), st.data())
def test_single_column_counts_like_counter(per_doc, data):
    column = Column.single(per_doc)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(per_doc), max_size=len(per_doc))))
    want = Counter(v for v, keep in zip(per_doc, mask, strict=True) if keep and v is not None)
    counts = column.counts(mask)
    got = {column.values[c]: int(counts[c]) for c in column.ordered(counts)}
    assert got == want
    # Most documents first, ties by value.
    assert list(got) == [v for v, _ in sorted(want.items(), key=lambda kv: (-kv[1], kv[0]))]


@given(st.lists(st.lists(VALUES, max_size=3, unique=True), min_size=1, max_size=60), st.sets(VALUES))
def test_multi_column_filters_and_counts(per_doc, wanted):
    column = Column.multi(per_doc)
    having = column.having(wanted, len(per_doc))
    assert np.flatnonzero(having).tolist() == [d for d, vs in enumerate(per_doc) if set(vs) & wanted]
    counts = column.counts(np.ones(len(per_doc), dtype=bool))
    assert {column.values[c]: int(counts[c]) for c in column.ordered(counts)} == Counter(
        v for vs in per_doc for v in vs)


def test_years_ordered_by_value_descending():
    column = Column.single(["2019", "2021", "2020", "2021"])
    counts = column.counts(np.ones(4, dtype=bool))
    assert [column.values[c] for c in column.ordered(counts, by_value_desc=True)] == ["2021", "2020", "2019"]


def test_facet_table_from_rows():
    rows = [(7, "antrag", ("spd",), 20230312), (9, None, (), 0)]
    table = FacetTable.from_rows(("id", "doc_type", "party", "date"), rows, frozenset({"party"}))
    assert table.size == 2 and table.ids.tolist() == [7, 9] and table.dates.tolist() == [20230312, 0]
    assert table["doc_type"].having({"antrag"}, 2).tolist() == [True, False]


def test_array_cache_stays_within_its_byte_limit():
    cache = ArrayCache(limit=4000)
    for n in range(20):
        cache.put(n, (np.zeros(100, dtype=np.int64),))  # 800 bytes each
    assert cache.used <= 4000
    assert cache.get(19) is not None and cache.get(0) is None  # the oldest aged out
    cache.put("huge", (np.zeros(1000, dtype=np.int64),))  # more than a quarter of the limit: not kept
    assert cache.get("huge") is None
