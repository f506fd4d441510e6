"""Parser and canonical printer of the query language. ``parse`` never raises.

Grammar (OR binds tighter than the implicit AND; ``AND`` is an accepted no-op)::

    query    := clause*
    clause   := unary ("OR" unary)*
    unary    := ["-"] (word | prefix* | "phrase" | field:value | field:"value" | "(" query ")")

Malformed input is repaired and reported with German hints. Bounds: ``MAX_CHARS`` input characters,
``MAX_CLAUSES`` words, ``MAX_TERM_CHARS`` per word, ``MAX_DEPTH`` nested parentheses. The character
bound is larger than the longest canonical form of a query within the other bounds, so
``parse(to_string(parse(x).node)).node == parse(x).node`` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.query.ast import FIELDS, TEXT_FIELD, And, Field, MatchAll, Node, Not, Or, Phrase, Prefix, Word

__all__ = ["MAX_CHARS", "MAX_CLAUSES", "MAX_DEPTH", "MAX_TERM_CHARS", "ParsedQuery", "parse", "to_string"]

MAX_CLAUSES = 32
MAX_TERM_CHARS = 64
MAX_DEPTH = 8
MAX_CHARS = 3000
MIN_PREFIX_CHARS = 2

HINT_TRUNCATED = "Suchanfrage gekürzt"
HINT_QUOTE = "Anführungszeichen ergänzt"
HINT_EMPTY_QUOTES = "Leere Anführungszeichen ignoriert"
HINT_EMPTY_FIELD = "Leeres Feld „{}:“ ignoriert"
HINT_DANGLING_OR = "„OR“ ohne Begriff davor oder danach ignoriert"
HINT_DANGLING_AND = "Überzähliges „AND“ ignoriert"
HINT_SHORT_PREFIX = "„*“ braucht mindestens zwei Buchstaben davor – als Wort gesucht"
HINT_PAREN_ADDED = "Schließende Klammer ergänzt"
HINT_PAREN_UNMATCHED = "Überzählige Klammer ignoriert"
HINT_PAREN_DEPTH = "Zu tief verschachtelte Klammern ignoriert"

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_QUOTES = str.maketrans({"„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "\u00ad": None})
_LEX_RE = re.compile(
    r"""(?P<space>\s+)
    |(?P<open>-?\()
    |(?P<close>\))
    |(?P<phrase>(?P<pneg>-+)?(?:(?P<pfield>[^\W\d_]+):)?"(?P<ptext>[^"]*)(?P<pclose>"?))
    |(?P<word>[^\s"()]+)""",
    re.VERBOSE,
)
_WORD_RE = re.compile(r'[^\s"()]+')
_ALNUM_RE = re.compile(r"[^\W_]")
_BARE_RE = re.compile(r'[^\s"()]+')
_KEYWORDS = ("OR", "AND")


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    node: Node
    hints: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "term", "or", "and", "(", ")"
    node: Node | None = None
    negated: bool = False


@dataclass(slots=True)
class _Lexer:
    hints: list[str]
    tokens: list[_Token] = field(default_factory=list)
    clauses: int = 0
    depth: int = 0
    skipped_opens: int = 0
    full: bool = False

    def run(self, text: str) -> list[_Token]:
        pos = 0
        while pos < len(text) and not self.full:
            match = _LEX_RE.match(text, pos)
            if match.lastgroup == "phrase" and match.group("pfield") and not _is_field(match.group("pfield")):
                match = _WORD_RE.match(text, pos)  # unknown "foo:" before a quote is a plain word
                self._word(match.group())
            else:
                self._dispatch(match)
            pos = match.end()
        self._close_all()
        return self.tokens

    def _dispatch(self, match: re.Match[str]) -> None:
        kind = match.lastgroup
        if kind == "open":
            self._open(match.group().startswith("-"))
        elif kind == "close":
            self._close()
        elif kind == "phrase":
            self._phrase(match)
        elif kind == "word":
            self._word(match.group())

    def _open(self, negated: bool) -> None:
        if self.depth >= MAX_DEPTH:
            self.skipped_opens += 1
            self.hints.append(HINT_PAREN_DEPTH)
            return
        self.depth += 1
        self.tokens.append(_Token("(", negated=negated))

    def _close(self) -> None:
        if self.skipped_opens:
            self.skipped_opens -= 1
        elif self.depth == 0:
            self.hints.append(HINT_PAREN_UNMATCHED)
        else:
            self.depth -= 1
            self.tokens.append(_Token(")"))

    def _close_all(self) -> None:
        if self.depth:
            self.hints.append(HINT_PAREN_ADDED)
        self.tokens.extend(_Token(")") for _ in range(self.depth))
        self.depth = 0

    def _budget(self, wanted: int) -> int:
        """Reserve up to ``wanted`` clauses; returns how many were granted."""
        granted = min(wanted, MAX_CLAUSES - self.clauses)
        if granted < wanted:
            self.hints.append(HINT_TRUNCATED)
            self.full = True
        self.clauses += granted
        return granted

    def _emit(self, node: Node | None, negated: bool, clauses: int = 1) -> None:
        if node is None:
            return
        if self._budget(clauses) == clauses:
            self.tokens.append(_Token("term", node, negated))

    def _word(self, text: str) -> None:
        if text in _KEYWORDS:
            self.tokens.append(_Token(text.lower()))
            return
        negated = text.startswith("-")
        body = text.lstrip("-")
        name, colon, value = body.partition(":")
        if colon and _is_field(name):
            self._field(name.lower(), value, negated)
        else:
            self._emit(_text_node(self._cap(body), self.hints), negated)

    def _field(self, name: str, value: str, negated: bool) -> None:
        value = self._cap(value.lstrip("-") if name == TEXT_FIELD else value).strip()
        if not value:
            self.hints.append(HINT_EMPTY_FIELD.format(name))
            return
        if name == TEXT_FIELD:
            node = _text_node(value, self.hints)
            self._emit(None if node is None else Field(name, node), negated)
        else:
            self._emit(Field(name, value), negated)

    def _phrase(self, match: re.Match[str]) -> None:
        if not match.group("pclose"):
            self.hints.append(HINT_QUOTE)
        negated = bool(match.group("pneg"))
        name = (match.group("pfield") or "").lower()
        words = [self._cap(word) for word in match.group("ptext").split()]
        if name and name != TEXT_FIELD:
            self._field(name, " ".join(words), negated)
            return
        words = [word for word in words if _ALNUM_RE.search(word)]
        if not words:
            self.hints.append(HINT_EMPTY_FIELD.format(name) if name else HINT_EMPTY_QUOTES)
            return
        room = MAX_CLAUSES - self.clauses
        if 0 < room < len(words):
            self.hints.append(HINT_TRUNCATED)
            words = words[:room]
        # A quoted single word stays a Phrase: it is searched literally (no expansions, no reading as a type word).
        # Only a word that cannot be written bare ("OR", "-x", "x*", "typ:x") is a Word, its quotes are syntax.
        single = len(words) == 1 and _word_text(words[0]) != words[0]
        node: Word | Phrase = Word(words[0]) if single else Phrase(tuple(words))
        self._emit(Field(name, node) if name else node, negated, clauses=len(words))

    def _cap(self, text: str) -> str:
        if len(text) > MAX_TERM_CHARS:
            self.hints.append(HINT_TRUNCATED)
            return text[:MAX_TERM_CHARS]
        return text


def _is_field(name: str | None) -> bool:
    return name is not None and name.lower() in FIELDS


def _text_node(text: str, hints: list[str]) -> Word | Prefix | None:
    if not text.endswith("*"):
        return Word(text) if _ALNUM_RE.search(text) else None
    stem = text.rstrip("*")
    if len(_ALNUM_RE.findall(stem)) >= MIN_PREFIX_CHARS:
        return Prefix(stem)
    if _ALNUM_RE.search(stem):
        hints.append(HINT_SHORT_PREFIX)
        return Word(stem)
    return None


# -- tree building ---------------------------------------------------------


def _make_and(items: list[Node]) -> Node | None:
    children: list[Node] = []
    for item in items:
        children.extend(item.children if isinstance(item, And) else (item,))
    children = [child for child in children if not isinstance(child, MatchAll)]
    if not children:
        return None
    if all(isinstance(child, Not) for child in children):
        return And((MatchAll(), *children))
    return children[0] if len(children) == 1 else And(tuple(children))


def _make_or(options: list[Node | None]) -> Node | None:
    children: list[Node] = []
    for option in options:
        if option is not None:
            children.extend(option.children if isinstance(option, Or) else (option,))
    if not children:
        return None
    return children[0] if len(children) == 1 else Or(tuple(children))


@dataclass(slots=True)
class _Parser:
    tokens: list[_Token]
    hints: list[str]
    pos: int = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def sequence(self) -> Node | None:
        items: list[Node] = []
        after_and = False
        while self._peek() not in (None, ")"):
            kind = self._peek()
            if kind in ("and", "or"):
                self.pos += 1
                self._check_operator(kind, bool(items), after_and)
                after_and = kind == "and"
                continue
            after_and = False
            node = self._alternatives()
            if node is not None:
                items.append(node)
        return _make_and(items)

    def _check_operator(self, kind: str, has_left: bool, after_and: bool) -> None:
        if kind == "or":
            self.hints.append(HINT_DANGLING_OR)
        elif not has_left or after_and or self._peek() in (None, ")", "or"):
            self.hints.append(HINT_DANGLING_AND)

    def _alternatives(self) -> Node | None:
        options = [self._unary()]
        while self._peek() == "or":
            self.pos += 1
            while self._peek() == "or":
                self.pos += 1
                self.hints.append(HINT_DANGLING_OR)
            if self._peek() in (None, ")", "and"):
                self.hints.append(HINT_DANGLING_OR)
                break
            options.append(self._unary())
        return _make_or(options)

    def _unary(self) -> Node | None:
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "term":
            inner = token.node
        else:  # "(": the lexer guarantees a matching ")"
            inner = self.sequence()
            self.pos += 1
        if inner is None or not token.negated:
            return inner
        return Not(inner)


def _clean(text: str, hints: list[str]) -> str:
    if len(text) > MAX_CHARS:
        hints.append(HINT_TRUNCATED)
        text = text[:MAX_CHARS]
    return _CONTROL_RE.sub(" ", text.translate(_QUOTES))


def parse(text: str) -> ParsedQuery:
    """Parse user input into a query tree plus German hints about repairs. Never raises."""
    hints: list[str] = []
    tokens = _Lexer(hints).run(_clean(text, hints))
    node = _make_and([n for n in [_Parser(tokens, hints).sequence()] if n is not None])
    return ParsedQuery(node if node is not None else MatchAll(), tuple(dict.fromkeys(hints)))


# -- canonical text form ---------------------------------------------------


def _word_text(text: str) -> str:
    name, colon, _value = text.partition(":")
    bare = (
        _BARE_RE.fullmatch(text) is not None
        and text not in _KEYWORDS
        and not text.startswith("-")
        and not text.endswith("*")
        and not (colon and _is_field(name))
    )
    return text if bare else f'"{text}"'


def _field_value(value: str | Word | Phrase | Prefix) -> str:
    if isinstance(value, str):
        return value if _BARE_RE.fullmatch(value) else f'"{value}"'
    return to_string(value)


def _grouped(node: Node) -> str:
    return f"({to_string(node)})" if isinstance(node, And | Or) else to_string(node)


def to_string(node: Node) -> str:
    """Canonical text form; ``parse(to_string(n)).node == n`` for every node ``parse`` returns."""
    if isinstance(node, Word):
        return _word_text(node.text)
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Prefix):
        return node.text + "*"
    if isinstance(node, Field):
        return f"{node.name}:{_field_value(node.value)}"
    if isinstance(node, Not):
        return "-" + _grouped(node.node)
    if isinstance(node, And):
        return " ".join(to_string(c) for c in node.children if not isinstance(c, MatchAll))
    if isinstance(node, Or):
        return " OR ".join(_grouped(c) if isinstance(c, And) else to_string(c) for c in node.children)
    return ""
