"""Candidate titles of a document and what can be seen of each: position, prominence, length, form, completeness.

A title is a choice among the lines of the letterhead region: the line itself, the line with its wrapped
continuation, two lines joined, the subject after "Betreff:" or a type word, a run of emphasised lines. The
features are what a reader sees; ``title_model`` weighs them.
"""

import itertools
import re
from dataclasses import dataclass, field

from ingest.metadata import titles as rules
from ingest.metadata.dates import dates_in
from ingest.metadata.parties import parties_in
from ingest.records import Emphasis

CANDIDATE_LINES = 40
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_TYPE_DATE = re.compile(
    r"^(?:\w+\s+){0,2}?(?:\w*antrag|\w*anfrage|pressemitteilung|presseerklärung|presseinformation|resolution|"
    r"stellungnahme|rede|redebeitrag)\s+(?:vom|am|zum)\s+\d", re.IGNORECASE)
_REFERENCE = re.compile(
    r"^(?:TOP\b|Drucksache|Drs\.|Vorlage|Vorlagen-?Nr|Antrags-?Nr|Ds\.|DS\b|Az\.|Aktenzeichen|Unser Zeichen|"
    r"Ihr Zeichen|Sitzung|Tagesordnung|Gremium|Eingang|Eingangsdatum|Beratungsfolge|Status|Nr\.)", re.IGNORECASE)
_PRINTER = re.compile(
    r"gedruckt auf|recyclingpapier|vorab per (?:e-?mail|fax)|umweltpapier|V\.i\.S\.d\.P|verantwortlich im sinne|"
    r"bankverbindung|\bIBAN\b|"
    r"\bBIC\b|sparkasse|volksbank|amtsgericht|registergericht|ust-?id|steuernummer|seite \d+ von \d+|^-\s*\d+\s*-$",
    re.IGNORECASE)
_ADDRESSEE = re.compile(
    r"^(?:An\s+(?:den|die|das)\b|Herrn?\b|Frau\b|z\.\s?Hd\.|zu Händen|-?\s*im Hause|Sehr geehrte|Liebe\b|"
    r"(?:Herrn?\s+|Frau\s+)?(?:Ober)?bürgermeister(?:in)?\b|Landrat\b|Landrätin\b|Vorsitzende[rn]?\s+des)",
    re.IGNORECASE)
# a type word naming its sender: "Ergänzungsantrag der Fraktion BÜNDNIS 90/DIE GRÜNEN", "Resolution der SPD-Fraktion"
_TYPE_OF_SENDER = re.compile(
    r"^(?:\w+\s+)?(?:\w*antrag|\w*anfrage|presse\w+|pm|resolution|stellungnahme|\w*rede|redebeitrag|positionspapier)"
    r"\s+(?:der|des|von|vom)\s+(?!\d)", re.IGNORECASE)
_SENDER_WORD = re.compile(r"\b(?:\w*fraktion|gruppe|ratsmitglied\w*|stadtverordnete\w*|kreisverband|ortsverband)\b",
                          re.IGNORECASE)
# the opening of a motion's text: "Die Ratsversammlung möge beschließen:", "Der Rat wolle beschließen"
_FORMULA = re.compile(r"\b(?:möge|wolle|mögen|wollen)\b.{0,40}\bbeschlie(?:ß|ss)en\b|\bbeantrag(?:t|en)\b.{0,40}:$|"
                      r"\bbittet\b.{0,60}:$", re.IGNORECASE)
MAX_PARAGRAPH_LINES = 3  # lines of one emphasised paragraph matched in the text
LONG_LINE = 100  # a line this long is a paragraph of text rather than a title line
_FORM_HEADER = re.compile(r"\b(?:Gremium|Termin|TOP|Sitzung|ö\s+nö|öffentlich|nichtöffentlich)\b")
_INCOMPLETE_END = re.compile(r"[-–,:(„\"]$")
# a line that goes on from the one before it: lower case, a conjunction or preposition, a dash
_CONTINUES = re.compile(r"^(?:[a-zäöüß]|(?:und|oder|sowie|für|mit|durch|im|in|zur|zum|statt|gegen|auf|an|als|"
                        r"bei|nach|von|vom|ohne)\s|[-–]\s|\()")


@dataclass(frozen=True)
class Candidate:
    text: str
    line: int  # index of its first line among the letterhead's non-empty lines
    kind: str  # "line", "wrapped", "joined", "labelled", "typed", "typed_whole", "emphasis_run"
    lines: tuple[str, ...] = field(default=(), compare=False)  # the raw lines it is made of


def candidates(text: str, emphasis: tuple[Emphasis, ...] = (), rule_pick: str | None = None) -> list[Candidate]:
    """Every plausible title of the document, without duplicates, first lines first (and the hand-written
    rules' choice, ``rule_pick``, among them)."""
    raw = rules._raw_head(text)
    head = rules._head(raw, CANDIDATE_LINES)
    width = rules.wrap_width(text)
    out: dict[str, Candidate] = {}

    def add(value: str, n: int, kind: str, lines: tuple[str, ...]) -> None:
        value = value.strip()[: rules.MAX_TITLE]
        if len(value) >= 3 and value not in out:
            out[value] = Candidate(value, n, kind, lines)

    for n, (i, line) in enumerate(head):
        m = rules.LABELLED.match(line) or rules.HIER.search(line)
        if m:
            add(rules._with_continuation(m.group("title").strip(), raw[i + 1:], width, line), n, "labelled", (line,))
        typed = rules.TYPED.match(line)
        if typed:
            add(rules._with_continuation(typed.group("title").strip(), raw[i + 1:], width, line), n, "typed", (line,))
            add(rules._with_continuation(line, raw[i + 1:], width), n, "typed_whole", (line,))
        add(line, n, "line", (line,))
        wrapped = rules._with_continuation(line, raw[i + 1:], width)
        if wrapped != line and not (n + 1 < len(head) and _repeats(line, head[n + 1][1])):
            add(wrapped, n, "wrapped", (line,))
        if n + 1 < len(head) and not _repeats(line, head[n + 1][1]):
            nxt = head[n + 1][1]
            add(f"{line} {nxt}", n, "joined", (line, nxt))
    for n, run in _emphasis_runs(head, emphasis):
        if not any(_repeats(a, b) for a, b in itertools.pairwise(run)):
            add(" ".join(run), n, "emphasis_run", tuple(run))
    if rule_pick and rule_pick not in out:
        n = next((n for n, (_, line) in enumerate(head) if line and line in rule_pick), 0)
        add(rule_pick, n, "rule", (head[n][1],) if head else ())
    return list(out.values())


def _emphasis_runs(head: list[tuple[int, str]], emphasis: tuple[Emphasis, ...]):
    """Consecutive letterhead lines set in the same emphasis (a title broken over two or three lines)."""
    levels = emphasis_levels(head, emphasis)
    n = 0
    while n < len(head):
        level = levels[n]
        if level is None:
            n += 1
            continue
        end = n + 1
        while end < len(head) and end - n < 4 and levels[end] == level:
            end += 1
        if end - n > 1:
            yield n, [line for _, line in head[n:end]]
        n = end


def _repeats(line: str, nxt: str) -> bool:
    """Whether the next line says the same again (a heading repeated as the first line of the text)."""
    a, b = _fold(line), _fold(nxt)
    return bool(a) and (a.replace(" ", "") == b.replace(" ", "") or b.startswith(a) or a.startswith(b))


def _fold(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", value.casefold()).split())


def emphasis_levels(head: list[tuple[int, str]], emphasis: tuple[Emphasis, ...]) -> list[int | None]:
    """The emphasis level of each letterhead line (None: plain), matched by folded text."""
    marked: dict[str, int] = {}
    for item in emphasis:
        key = _fold(item.text)
        if key and (key not in marked or item.level < marked[key]):
            marked[key] = item.level
    levels = [marked.get(_fold(line)) for _, line in head]
    # one emphasised paragraph with manual line breaks ("Lübeck wird⏎Sicherer Hafen") is several lines of the text
    for n in range(len(head)):
        for size in range(2, MAX_PARAGRAPH_LINES + 1):
            level = marked.get(_fold(" ".join(line for _, line in head[n:n + size])))
            if level is not None and n + size <= len(head):
                levels[n:n + size] = [level] * size
    return levels


def features(cand: Candidate, context: "Context") -> dict[str, float]:
    """What can be seen of one candidate, as named values (most 0/1)."""
    text, first = cand.text, cand.lines[0] if cand.lines else cand.text
    f: dict[str, float] = {f"kind:{cand.kind}": 1.0, f"pos:{_bin(cand.line, (0, 1, 2, 3, 5, 8, 12, 20))}": 1.0}
    f[f"rank:{_bin(context.rank.get(cand.line, 99), (0, 1, 2, 3, 5))}"] = 1.0
    f[f"chars:{_bin(len(text), (10, 20, 35, 60, 100, 150, 220))}"] = 1.0
    words = _WORD.findall(text)
    f[f"words:{_bin(len(words), (1, 2, 3, 5, 9, 16, 25))}"] = 1.0
    level = context.levels[cand.line] if cand.line < len(context.levels) else None
    if context.has_emphasis:
        f[f"emph:{level or 0}"] = 1.0
        if level is not None and cand.line == context.first_emphasis:
            f["emph:first"] = 1.0
        if cand.kind in ("joined", "wrapped") and len(cand.lines) > 1:
            nxt = context.levels[cand.line + 1] if cand.line + 1 < len(context.levels) else None
            f["emph:joined_same" if nxt == level and level else "emph:joined_mixed"] = 1.0
    if text == context.rule_pick:
        f["rule_pick"] = 1.0
    f.update(_continuation_flags(cand, context))
    f.update(_last_line_flags(cand))
    if cand.line > 0 and rules.TYPE_LINE.match(context.head[cand.line - 1][1]):
        f["after_type_line"] = 1.0
    if cand.line > 0 and _TYPE_DATE.match(context.head[cand.line - 1][1]):
        f["after_type_date"] = 1.0
    for name, hit in _form_flags(first, context.is_place).items():
        if hit:
            f[f"form:{name}"] = 1.0
    for name, hit in _text_flags(text, words).items():
        if hit:
            f[f"text:{name}"] = 1.0
    return f


def _continuation_flags(cand: Candidate, context: "Context") -> dict[str, float]:
    """Whether the line after the candidate goes on from it (the candidate is cut), and whether a joined
    candidate's second line goes on from its first (they belong together)."""
    f = {}
    after = cand.line + len(cand.lines)
    if after < len(context.head) and _CONTINUES.match(context.head[after][1]):
        f["next_continues"] = 1.0
    if len(cand.lines) > 1 and _CONTINUES.match(cand.lines[1]):
        f["joined_continues"] = 1.0
    return f


def _last_line_flags(cand: Candidate) -> dict[str, float]:
    """For a candidate of several lines: whether its last line is where the text begins (a motion's formula, a
    line ending in a colon, a paragraph-long line)."""
    if len(cand.lines) < 2:
        return {}
    last = cand.lines[-1].strip()
    flags = {"last:formula": bool(_FORMULA.search(last)), "last:colon_end": last.endswith(":"),
             "last:long": len(last) >= LONG_LINE and len(last) > 2 * len(cand.lines[0])}
    return {name: 1.0 for name, hit in flags.items() if hit}


def _type_of_sender(line: str) -> bool:
    return bool(_TYPE_OF_SENDER.match(line)) and len(line.split()) <= 10 and bool(
        _SENDER_WORD.search(line) or parties_in(line))


def _form_flags(line: str, is_place) -> dict[str, bool]:
    """What kind of line the candidate starts with (most mean: not a title)."""
    return {
        "skip": bool(rules.SKIP.match(line)),
        "address": bool(rules.ADDRESS.search(line)),
        "type_only": bool(rules.TYPE_ONLY.match(line) or rules.TYPE_LINE.match(line)),
        "type_date": bool(_TYPE_DATE.match(line)),
        "type_phrase": bool(rules.TYPE_PHRASE.match(line)),
        "type_of_sender": _type_of_sender(line),
        "field": rules._is_field(line),
        "parenthesised": bool(rules.PARENTHESISED.match(line)),
        "person": bool(rules.PERSON.match(line)),
        "person_name": rules.is_person_name(line),
        "role": bool(rules.ROLE.match(line)),
        "colon_end": line.endswith(":"),
        "place": is_place(line),
        "org": rules._is_org_line(line) or any(rules._is_org_line(p.strip()) for p in line.split("|") if p.strip()),
        "date": bool(dates_in(line)),
        "address_tail": bool(rules.ADDRESS_TAIL.match(line)),
        "domain": bool(rules.DOMAIN.match(line)),
        "genre": bool(rules.GENRE.match(line)),
        "reference": bool(_REFERENCE.match(line)),
        "printer": bool(_PRINTER.search(line)),
        "addressee": bool(_ADDRESSEE.match(line)),
        "pipe": "|" in line,
        "party": bool(parties_in(line)),
    }


def _text_flags(text: str, words: list[str]) -> dict[str, bool]:
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    capitalised = sum(w[0].isupper() for w in words)
    return {
        "sentence": bool(rules.SENTENCE.match(text)),
        "period_end": text.endswith("."),
        "question_or_bang": text.endswith(("?", "!")),
        "lower_start": text[:1].islower(),
        "all_caps": len(letters) >= 4 and upper >= 0.9 * len(letters),
        "few_letters": len(letters) < 0.5 * max(len(text), 1),
        "dangling": bool(rules.DANGLING.search(text) or _INCOMPLETE_END.search(text)),
        "name_like": 2 <= len(words) <= 4 and capitalised == len(words) and not re.search(r"[:!?\d]", text),
        "many_commas": text.count(",") >= 3,
        "form_header_end": bool(_FORM_HEADER.search(text[-30:])),
        "quote": bool(re.search(r"[„“\"»«]", text)),
    }


def _bin(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


@dataclass
class Context:
    """What the features of every candidate of one document share."""

    head: list[tuple[int, str]]
    levels: list[int | None]
    rank: dict[int, int]  # letterhead line index -> its rank among the lines the rules would not skip
    rule_pick: str | None
    is_place: object
    has_emphasis: bool = False
    first_emphasis: int | None = None


def context(text: str, emphasis: tuple[Emphasis, ...], is_place) -> Context:
    raw = rules._raw_head(text)
    head = rules._head(raw, CANDIDATE_LINES)
    levels = emphasis_levels(head, emphasis)
    unskipped = [n for n, (_, line) in enumerate(head) if not rules._skip(line, is_place)]
    marked = [n for n, lvl in enumerate(levels) if lvl is not None]
    return Context(
        head=head,
        levels=levels,
        rank={n: r for r, n in enumerate(unskipped)},
        rule_pick=rules.extract_title(text, is_place),
        is_place=is_place,
        has_emphasis=bool(marked),
        first_emphasis=marked[0] if marked else None,
    )
