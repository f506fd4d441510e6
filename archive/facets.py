"""Facets declared as data: name, heading, how values are labelled and resolved.

The search engine counts and filters every facet the same way, from the
``FacetTable`` of the current searcher; adding a facet means adding a row here
and a packed value in ``archive.engine.documents``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from archive import vocab


@dataclass(frozen=True)
class Facet:
    name: str  # URL parameter, API key and FacetTable column
    label: str  # German heading in the UI
    query_field: str  # field name in the query language (typ:, kommune:, ...)
    multi: bool = False  # several values per document (ORed within the facet)
    labeler: Callable[[str], str] = str
    resolver: Callable[[str], tuple[str, ...]] = lambda v: (v,)
    order: str = "count"  # "count" (most first) or "value_desc" (years)
    show: int = 12  # values shown before "mehr"


MUSTER = "ja"  # the one value of the Muster facet: staff marked the document a template (``muster:ja``)


def muster_value(value: str) -> tuple[str, ...]:
    """``ja``, ``1``, ``true`` mean Muster; anything else matches no document (``-muster:ja`` excludes them)."""
    return (MUSTER,) if vocab.fold(value) in ("ja", "1", "true", "yes", "muster") else (value,)


def _one(fn: Callable[[str], str | None]) -> Callable[[str], tuple[str, ...]]:
    def resolve(value: str) -> tuple[str, ...]:
        found = fn(value)
        return (found,) if found else (value,)

    return resolve


FACETS: tuple[Facet, ...] = (
    Facet("doc_type", "Dokumenttyp", "typ", labeler=lambda v: vocab.DOC_TYPES.get(v, v),
          resolver=_one(vocab.doc_type_value)),
    Facet("municipality", "Kommune", "kommune", labeler=vocab.place_name,
          resolver=lambda v: vocab.place_values(v, 12)),
    Facet("district", "Kreis", "kreis", labeler=vocab.place_name, resolver=lambda v: vocab.place_values(v, 5)),
    Facet("state", "Bundesland", "land", resolver=_one(vocab.state_value)),
    Facet("party", "Partei", "partei", multi=True, resolver=_one(vocab.party_value)),
    Facet("faction", "Fraktion", "fraktion"),
    Facet("topic", "Thema", "thema", multi=True, labeler=vocab.topic_label, resolver=_one(vocab.topic_value)),
    Facet("year", "Jahr", "jahr", order="value_desc", show=15),
    Facet("muster", "Muster", "muster", labeler=lambda v: "Muster (Vorlage)" if v == MUSTER else v,
          resolver=muster_value),
)
BY_NAME = {facet.name: facet for facet in FACETS}
BY_QUERY_FIELD = {facet.query_field: facet for facet in FACETS}
# The facets every API response carries (the contract); others are extra.
CONTRACT_FACETS = ("doc_type", "municipality", "district", "state", "party", "topic", "year")
