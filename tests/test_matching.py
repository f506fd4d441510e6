"""Our matching and scoring give what Whoosh's own matcher and BM25F give, on a real index."""

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq

from archive.engine.documents import index_fields
from archive.engine.whoosh import phrases, to_whoosh
from archive.engine.whoosh.docsets import mask_of, matching_docs, matching_mask
from archive.engine.whoosh.index import build_schema
from archive.engine.whoosh.phrases import phrase_docs
from archive.engine.whoosh.scoring import top_scores
from archive.query import parse
from archive.search import FIELD_QUERIES

WORDS = ["Kita", "Gebühren", "Stadt", "Rat", "Miete", "Wohnungsbau", "sozialer", "Verkehr", "Parken", "Schule",
         "Sanierung", "Haushalt", "Radverkehr", "Förderung", "Bürger*innen", "Kita-Gebühren", "Straße"]
QUERIES = ["Kita", "Kita Gebühren", "Kita OR Schule", "Verkehr -Parken", "-Kita", '"sozialer Wohnungsbau"',
           "stad*", "Kita-Gebühren", "Radverkehrsförderung", "titel:Kita", "typ:antrag Miete", "Bürgerinnen",
           "Stadt Rat Haushalt", '"Rat Stadt" Kita', ""]


def _text(seed: int, length: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * (seed % 5 + 1)) % len(WORDS)] for i in range(length))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    path = tmp_path_factory.mktemp("ix")
    ix = whoosh_index.create_in(str(path), build_schema())
    for batch in range(3):  # three commits: several segments, and one deletion
        writer = ix.writer()
        for n in range(batch * 40, batch * 40 + 40):
            row = {"id": n + 1, "title": _text(n, 3), "text": _text(n * 3, 20 + n % 30),
                   "doc_type": "antrag" if n % 2 else "anfrage", "date": f"20{10 + n % 15}-01-01", "year": 2010}
            writer.update_document(**index_fields(row))
        writer.commit()
    writer = ix.writer()
    writer.delete_by_term("id", "5")
    writer.commit()
    with ix.searcher() as s:
        assert len(list(s.leaf_searchers())) > 1
        yield s


@pytest.mark.parametrize("text", QUERIES)
def test_matching_equals_whoosh(searcher, text):
    compiled = to_whoosh(parse(text).node, searcher=searcher, fields=FIELD_QUERIES)
    assert matching_docs(searcher, compiled) == set(searcher.docs_for_query(compiled))


@pytest.mark.parametrize("text", [q for q in QUERIES if q and not q.startswith("-")])
def test_top_scores_rank_like_whoosh(searcher, text):
    compiled = to_whoosh(parse(text).node, searcher=searcher, fields=FIELD_QUERIES)
    docs = matching_docs(searcher, compiled)
    ours = top_scores(searcher, compiled, matching_mask(searcher, compiled), 10)
    theirs = [(hit.docnum, hit.score) for hit in searcher.search(compiled, filter=docs, limit=10)]
    assert len(ours) == len(theirs)
    # Same best document set, up to ties at the cut-off.
    if theirs and ours:
        cut = theirs[-1][1]
        assert {d for d, s in theirs if s > cut * 1.0001} <= {d for d, _ in ours}
        assert all(a[1] >= b[1] for a, b in pairwise(ours))


def test_deleted_documents_never_match(searcher):
    compiled = to_whoosh(parse("").node, searcher=searcher, fields=FIELD_QUERIES)
    ids = {searcher.stored_fields(d)["id"] for d in matching_docs(searcher, compiled)}
    assert "5" not in ids and len(ids) == 119


def whoosh_leaves(searcher, q) -> set[int]:
    """Reference answer: Whoosh's own matcher for every leaf (terms, phrases), set algebra above them.

    Whoosh's matcher for a whole tree is not a usable oracle for random queries: its AndNot matcher
    drops documents when the excluded part is an Or (``-Kita typ:antrag`` gave documents that
    contain "Kita")."""
    live = set(searcher.reader().all_doc_ids())
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        return set().union(*(whoosh_leaves(searcher, sub) for sub in q.subqueries))
    if isinstance(q, wq.And):
        return set.intersection(live, *(whoosh_leaves(searcher, sub) for sub in q.subqueries))
    if isinstance(q, wq.AndNot):
        return whoosh_leaves(searcher, q.a) - whoosh_leaves(searcher, q.b)
    if isinstance(q, wq.Not):
        return live - whoosh_leaves(searcher, q.query)
    return set(searcher.docs_for_query(q))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*WORDS, "OR", "-Kita", '"Rat Stadt"', "ki*", "typ:antrag"]), max_size=5))
def test_matching_equals_whoosh_on_random_queries(searcher, words):
    compiled = to_whoosh(parse(" ".join(words)).node, searcher=searcher, fields=FIELD_QUERIES)
    assert matching_docs(searcher, compiled) == whoosh_leaves(searcher, compiled)


def test_empty_candidates_or_limit_give_nothing(searcher):
    compiled = to_whoosh(parse("Kita").node, searcher=searcher, fields=FIELD_QUERIES)
    size = searcher.doc_count_all()
    assert top_scores(searcher, compiled, mask_of((), size), 10) == []
    assert top_scores(searcher, compiled, mask_of({0, 1, 2}, size), 0) == []


@pytest.mark.parametrize("text", ['"Rat Stadt"', '"Stadt Rat"', '"Kita Gebühren"'])
def test_phrases_checked_on_few_candidates_equal_those_checked_on_all(searcher, text):
    """Few candidates decode only their own positions; many use every document's (both paths, same answer,
    and Whoosh's)."""
    compiled = to_whoosh(parse(text).node, searcher=searcher, fields=FIELD_QUERIES)
    phrases._POSITIONS.clear()  # decoded keys of every document would answer both paths
    checked = 0
    for leaf, _offset in searcher.leaf_searchers():
        size = leaf.doc_count_all()
        for query in (q for q in compiled.leaves() if isinstance(q, wq.Phrase)):
            one_by_one = [phrase_docs(leaf, query, mask_of([doc], size)) for doc in range(size)]  # the "few" path
            everything = phrase_docs(leaf, query, np.ones(size, dtype=bool))
            if everything is None:  # postings inlined in the term info: Whoosh's matcher decides
                continue
            assert set(everything.tolist()) == set(leaf.docs_for_query(query))
            assert [d for found in one_by_one for d in found.tolist()] == sorted(everything.tolist())
            checked += 1
    assert checked
