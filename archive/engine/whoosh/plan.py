"""Plans (``archive.query.plan``) as Whoosh queries: one Whoosh node per plan node, boosts kept."""

from collections.abc import Callable

from whoosh import query as wq
from whoosh.query.compound import DefaultOr
from whoosh.searching import Searcher

from archive.query import Node, to_plan
from archive.query import plan as p
from archive.query.compile import FieldQueries

SMALL_SEGMENT_DOCS = 2048  # see Union


class Union(wq.Or):
    """``Or`` that merges its sub-matchers as a tree of unions in small segments. Whoosh's default
    there is an array matcher whose setup (clearing a 2,048-slot array in Python, per segment and per
    ``Or``) dominated the time of expanded queries on small indexes; large segments keep Whoosh's choice."""

    def _matcher(self, subs, searcher, context):
        if searcher.doc_count_all() < SMALL_SEGMENT_DOCS:
            return DefaultOr(subs, boost=self.boost).matcher(searcher, context)
        return super()._matcher(subs, searcher, context)


def _children(node) -> list[wq.Query]:
    return [to_query(child) for child in node.children]


_BUILD: dict[type, Callable[..., wq.Query]] = {
    p.Term: lambda n: wq.Term(n.field, n.text, boost=n.boost),
    p.Phrase: lambda n: wq.Phrase(n.field, list(n.words), boost=n.boost),
    p.Any: lambda n: Union(_children(n), boost=n.boost),
    p.All: lambda n: wq.And(_children(n), boost=n.boost),
    p.AndNot: lambda n: wq.AndNot(to_query(n.positive), to_query(n.negative)),
    p.Not: lambda n: wq.Not(to_query(n.node)),
    p.Every: lambda n: wq.Every(),
    p.Nothing: lambda n: wq.NullQuery,
}


def to_query(node: p.Plan) -> wq.Query:
    """The Whoosh query of a plan."""
    return _BUILD[type(node)](node)


def to_whoosh(node: Node, *, searcher: Searcher, fields: FieldQueries) -> wq.Query:
    """Compile a query tree straight to a Whoosh query (tests compare our matching with Whoosh's own)."""
    from_terms = WhooshTerms(searcher)
    return to_query(to_plan(node, terms=from_terms, fields=fields))


class WhooshTerms:
    """``archive.query.plan.Terms`` of one Whoosh searcher."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self._reader = searcher.reader()
        self.doc_count = searcher.doc_count_all()

    def has_field(self, field: str) -> bool:
        return field in self.searcher.schema

    def doc_frequency(self, field: str, text: str) -> int:
        return self._reader.doc_frequency(field, text)

    def terms_with_prefix(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        found = []
        for raw, info in self._reader.iter_prefix(field, prefix):
            if len(found) >= limit:
                break
            found.append((raw.decode("utf-8") if isinstance(raw, bytes) else raw, info.doc_frequency()))
        return found
