"""The compiled search plan: what an engine executes, in terms it indexed (analysed terms, no query syntax).

The compiler (``archive.query.compile``) turns the query tree into these nodes; every engine under
``archive.engine`` executes them: matching (a mask over its docnums) and scoring (BM25 with the boosts
multiplied down the tree). They know no engine; ``NOTHING`` matches no document and empties an ``All``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

__all__ = [
    "NOTHING",
    "All",
    "AndNot",
    "Any",
    "Every",
    "Not",
    "Nothing",
    "Phrase",
    "Plan",
    "Term",
    "Terms",
    "with_boost",
]


class Terms(Protocol):
    """What the compiler asks an engine's index about its terms (``archive.query.expand``)."""

    doc_count: int  # documents, as the engine counts them for document frequencies

    def has_field(self, field: str) -> bool: ...

    def doc_frequency(self, field: str, text: str) -> int: ...

    def terms_with_prefix(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Up to ``limit`` index terms of ``field`` beginning with ``prefix``, in lexicographic order, with
        their document frequencies."""


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Phrase:
    """The words at consecutive positions of ``field``."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Any:
    """At least one of the children; the score is the sum of theirs."""

    children: tuple[Plan, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class All:
    """Every child; the score is the sum of theirs."""

    children: tuple[Plan, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class AndNot:
    """``positive`` without the documents of ``negative``; scored as ``positive``."""

    positive: Plan
    negative: Plan
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Not:
    """Every document but those of ``node``; adds no score."""

    node: Plan
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Every:
    """Every document; adds no score."""

    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Nothing:
    boost: float = 1.0


NOTHING = Nothing()

Plan = Term | Phrase | Any | All | AndNot | Not | Every | Nothing


def with_boost(node: Plan, boost: float) -> Plan:
    """The node with its own boost set to ``boost`` (``NOTHING`` stays itself)."""
    return node if node is NOTHING else replace(node, boost=boost)
