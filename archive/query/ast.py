"""Syntax tree of the Antragsarchiv query language (engine independent, hashable, comparable)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FIELDS", "TEXT_FIELD", "And", "Field", "MatchAll", "Node", "Not", "Or", "Phrase", "Prefix", "Word"]

TEXT_FIELD = "titel"
FIELDS = ("typ", "kommune", "kreis", "land", "partei", "fraktion", "thema", "jahr", "muster", TEXT_FIELD)


@dataclass(frozen=True, slots=True)
class Word:
    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prefix:
    text: str  # without the trailing "*"


@dataclass(frozen=True, slots=True)
class Field:
    """``name:value``; ``value`` is a raw string, or a Word/Phrase/Prefix node for ``titel``."""

    name: str
    value: str | Word | Phrase | Prefix


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class MatchAll:
    """Matches every document (empty query, or the positive side of a query made only of negations)."""


Node = Word | Phrase | Prefix | Field | Not | And | Or | MatchAll
