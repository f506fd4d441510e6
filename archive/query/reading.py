"""How a free-text query is read before it is compiled: type words and council words ("template searches").

A councillor who types "Antrag Radverkehr Rat beschließt" wants motions about cycling, not documents that contain
the four words. So, in an implicit AND of free-text words (the top level of the query, unquoted):

* a **type word** ("Antrag", "Anträge", "Anfrage", "Änderungsantrag", "Pressemitteilung", "Haushaltsrede",
  "Resolution", "Stellungnahme", ...) is no longer required: it becomes a soft preference for that ``doc_type``
  and adds a little to the score where the text has it;
* a **council word**, one that nearly every motion contains ("Rat", "Beschluss", "beschließen", "Fraktion",
  "Verwaltung", "Sitzung", ...; or any word in at least ``COMMON_SHARE`` of the documents), is no longer required
  either and weighs little.

At least one other word stays required; a query made only of such words is searched as typed. Quoted words
(``"Antrag"``), field searches (``typ:antrag`` stays a hard filter), ORs and negations keep their meaning. The
reading is plain data over the query tree, independent of the engine; ``literal`` searches skip it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archive.analysis import term
from archive.query.ast import And, MatchAll, Node, Not, Word

__all__ = ["COUNCIL_WORDS", "TYPE_WORDS", "Reading", "literal", "read"]

# doc_type slug -> (plural label for "Anträge zu: ...", words that name it, singular and plural)
TYPE_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "antrag": ("Anträge", ("Antrag", "Anträge", "Anträgen", "Antrags", "Ratsantrag", "Dringlichkeitsantrag",
                          "Prüfantrag", "Haushaltsantrag", "Musterantrag")),
    "aenderungsantrag": ("Änderungsanträge", ("Änderungsantrag", "Änderungsanträge", "Ergänzungsantrag",
                                             "Ergänzungsanträge", "Zusatzantrag", "Zusatzanträge")),
    "anfrage": ("Anfragen", ("Anfrage", "Anfragen", "Ratsanfrage", "Einwohnerfrage")),
    "pressemitteilung": ("Pressemitteilungen", ("Pressemitteilung", "Pressemitteilungen", "Presseerklärung",
                                               "Presseerklärungen", "Pressemeldung")),
    "rede": ("Reden", ("Rede", "Reden", "Haushaltsrede", "Haushaltsreden", "Ratsrede")),
    "resolution": ("Resolutionen", ("Resolution", "Resolutionen")),
    "stellungnahme": ("Stellungnahmen", ("Stellungnahme", "Stellungnahmen")),
}
# Words of the council's procedure that nearly every motion contains.
COUNCIL_WORDS = (
    "Rat Stadtrat Gemeinderat Kreistag Ortsrat Ortsbeirat Bezirksvertretung Ratsversammlung "
    "Stadtverordnetenversammlung "
    "Beschluss beschließen beschließt beschlossen Beschlussvorschlag Beschlussvorlage Fraktion Ratsfraktion "
    "Verwaltung Sitzung Ausschuss Tagesordnung Vorlage Drucksache Stadt Gemeinde Kommune bitte gebeten fordert "
    "Bürgermeister Oberbürgermeister Oberbürgermeisterin Bürgermeisterin Landrat"
).split()
COMMON_SHARE = 0.4  # a word in at least this share of the documents weighs little too

_TYPE_BY_TERM = {term(word): slug for slug, (_label, words) in TYPE_WORDS.items() for word in words}
_COUNCIL_TERMS = frozenset(term(word) for word in COUNCIL_WORDS)


@dataclass(frozen=True, slots=True)
class Reading:
    """What must match (``node``), what only adds to the score, and the preferred document types."""

    node: Node
    optional: tuple[Word, ...] = ()  # type and council words: scored low, not required
    doc_types: tuple[str, ...] = ()  # preferred types, in the order of the query
    subject: tuple[str, ...] = ()  # the required words, for the label

    @property
    def changed(self) -> bool:
        return bool(self.optional or self.doc_types)

    @property
    def label(self) -> str:
        """German: how the query was read ("Anträge zu: Radverkehr"), empty if as typed."""
        if not self.changed:
            return ""
        subject = " ".join(self.subject)
        if not self.doc_types:
            return f"Dokumente zu: {subject}"
        kinds = " und ".join(TYPE_WORDS[slug][0] for slug in self.doc_types)
        return f"{kinds} zu: {subject}" if subject else kinds

    @property
    def weak_words(self) -> tuple[str, ...]:
        return tuple(word.text for word in self.optional if term(word.text) not in _TYPE_BY_TERM)


def literal(node: Node) -> Reading:
    return Reading(node)


def read(node: Node, common: Callable[[str], bool] = lambda _term: False) -> Reading:
    """Read ``node``; ``common(term)`` tells whether an index term is in at least ``COMMON_SHARE`` of the
    documents (the caller knows the index)."""
    children = node.children if isinstance(node, And) else (node,)
    words = [c for c in children if isinstance(c, Word)]
    types = [w for w in words if term(w.text) in _TYPE_BY_TERM]
    weak = [w for w in words if w not in types and (term(w.text) in _COUNCIL_TERMS or common(term(w.text)))]
    required = [c for c in children if c not in types and c not in weak]
    if not any(_positive(c) for c in required):
        required, weak = required + weak, []  # the council words are all there is to search for
    doc_types = tuple(dict.fromkeys(_TYPE_BY_TERM[term(w.text)] for w in types))
    if not any(_positive(c) for c in required):
        return Reading(node, (), doc_types, ())  # only type words: searched as typed, the types preferred
    subject = tuple(w.text for w in required if isinstance(w, Word))
    rest = required[0] if len(required) == 1 else And(tuple(required))
    return Reading(rest, tuple(types + weak), doc_types, subject)


def _positive(node: Node) -> bool:
    return not isinstance(node, Not | MatchAll)
