"""The Antragsarchiv query language: parse user input, print it canonically, compile it to an engine-neutral plan."""

from archive.query.ast import FIELDS, And, Field, MatchAll, Node, Not, Or, Phrase, Prefix, Word
from archive.query.compile import compound_parts, highlight_terms, to_plan
from archive.query.parser import ParsedQuery, parse, to_string

__all__ = [
    "FIELDS",
    "And",
    "Field",
    "MatchAll",
    "Node",
    "Not",
    "Or",
    "ParsedQuery",
    "Phrase",
    "Prefix",
    "Word",
    "compound_parts",
    "highlight_terms",
    "parse",
    "to_plan",
    "to_string",
]
