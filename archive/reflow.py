"""Paragraphs from a document's stored text, as a reader (and a template) wants them.

The stored text keeps the line breaks of its file. A PDF's text (and an OCR'd scan's, a mail's, a text file's) is
wrapped: every line ends where the page ended, with blank lines between text boxes, and for some generators
between every two lines. A DOCX or ODT gives one paragraph a line and never a blank line. ``paragraphs`` puts the
wrapped lines of one paragraph back together:

* a line that continues in lower case ("müssen\\n\\ndringend") or after a hyphen ("Schul-\\nsanierung",
  "Kita-\\nGebühren", "Schul-\\nund Sportstätten") is joined to the next one;
* in wrapped text, a line that fills the page width (``FULL`` of the document's typical width) goes on in the next
  line of its text box, and across a blank line when it does not end a sentence ("im Ausschuss für\\n\\nBildung.");
* list items ("- ", "• ", "1. ", "a) ") start a paragraph of their own;
* page numbers ("Seite 2 von 5", "- 3 -", a number alone between blank lines) are dropped;
* short lines that follow each other without a blank line (a letterhead, an address) stay one paragraph, one line
  each (``"\\n"`` inside the paragraph).

Running headers and footers are already dropped from every page but the first by the PDF parser
(``ingest/formats/running.py``).
"""

import re

FULL = 0.75  # a line this long, relative to the document's typical line, filled the width of the page
MIN_WIDTH = 40  # text whose typical line is shorter than this is not wrapped prose (lists, letterheads)
MAX_WIDTH = 160  # nor is text whose typical line is longer: a page line holds at most about 120 characters
SHORT = 60  # lines shorter than this that follow each other stay one paragraph (an address, a letterhead)

# "e " and "o " before a capital: bullets as OCR reads them
LIST_ITEM = re.compile(r"^(?:[-–—•*▪◦·●■□➢→]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+|[IVX]{1,4}\.\s+|"
                       r"[eo]\s+\\?(?=[A-ZÄÖÜ]))")
PAGE_NUMBER = re.compile(
    r"^(?:(?:Seite|S\.|Page)\s*\d{1,4}(?:\s*(?:von|/|aus|of)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|"
    r"\d{1,4}\s*/\s*\d{1,4})$", re.IGNORECASE)
# a line beginning a motion's section starts a paragraph after a finished sentence, even in the middle of a text box
SECTION = re.compile(r"^(?:Begründung|Beschlussvorschlag|Beschlusstext|Sachverhalt|Antrag|Anfrage|Fragen|"
                     r"Stellungnahme)\b")
BARE_NUMBER = re.compile(r"^\d{1,3}$")
SENTENCE_END = re.compile(r"[.!?:;…]['\"“”»«)]*$")
SIGNATURE = re.compile(r"^(?:gez\.|i\.\s?A\.|i\.\s?V\.|z\.\s?Hd\.)")  # lower case, yet a line of its own
# words after "Schul- ": the hyphen stands for a word's second part ("Schul- und Sportstätten", "zwei- bis dreimal")
SMALL_JOINERS = frozenset({"und", "oder", "bzw", "bzw.", "sowie", "als", "wie", "bis", "noch", "statt", "zu", "u.",
                           "o.", "beziehungsweise", "respektive"})
# "Benut- zung": a word hyphenated at the end of a line in an earlier layout, its line break since lost
_INLINE_HYPHEN = re.compile(r"(?<=[a-zäöüß]{2})- (?=([a-zäöüß][\w.]*))")
_SPACES = re.compile(r"[ \t\u00a0]+")


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: wrapped lines joined, page numbers dropped; a paragraph may keep ``"\\n"`` between
    short lines (letterheads, addresses)."""
    lines = [_dehyphenate(_SPACES.sub(" ", line).strip()) for line in (text or "").replace("\r\n", "\n").split("\n")]
    items = _items(lines)
    wrapped = any(not line for line in lines)  # DOCX and ODT text has no blank lines: one paragraph a line
    width = _width([line for line, _gap in items]) if wrapped else 0
    out: list[list[str]] = []
    for line, gap in items:
        if not out:
            out.append([line])
            continue
        last = out[-1][-1]
        joined = _joined(last, line, gap, width)
        if joined is not None:
            out[-1][-1] = joined
        elif wrapped and not gap and len(last) < SHORT and len(line) < SHORT and not LIST_ITEM.match(line):
            out[-1].append(line)
        else:
            out.append([line])
    return ["\n".join(paragraph) for paragraph in out]


def clean_text(text: str) -> str:
    """The text as paragraphs separated by blank lines (what "Text kopieren" copies)."""
    return "\n\n".join(paragraphs(text))


def _dehyphenate(line: str) -> str:
    return _INLINE_HYPHEN.sub(lambda m: "- " if m[1] in SMALL_JOINERS else "", line) if "- " in line else line


def _items(lines: list[str]) -> list[tuple[str, bool]]:
    """Non-empty lines with whether a blank line came before each, page numbers dropped."""
    items: list[tuple[str, bool]] = []
    gap = False
    for i, line in enumerate(lines):
        if not line:
            gap = True
            continue
        alone = (i == 0 or not lines[i - 1]) and (i + 1 == len(lines) or not lines[i + 1])
        if PAGE_NUMBER.match(line) or (alone and BARE_NUMBER.match(line)):
            gap = True
            continue
        items.append((line, gap and bool(items)))
        gap = False
    return items


def _width(lines: list[str]) -> int:
    """The typical length of a full line (the 90th percentile of lines of 20 characters or more), 0 when the text
    does not look wrapped."""
    lengths = sorted(len(line) for line in lines if len(line) >= 20)
    if not lengths:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return width if MIN_WIDTH <= width <= MAX_WIDTH else 0


def _joined(last: str, line: str, gap: bool, width: int) -> str | None:
    """``last`` and ``line`` as one line if ``line`` continues ``last``, else None."""
    if LIST_ITEM.match(line):
        return None
    first_word = line.split(" ", 1)[0]
    if last.endswith("-") and len(last) > 1 and last[-2].isalpha():
        if first_word in SMALL_JOINERS:
            return f"{last} {line}"  # "Schul- und Sportstätten"
        if line[0].islower():
            return last[:-1] + line  # "Schul-" "sanierung"
        if line[0].isupper() and _full(last, width):
            return last + line  # "Kita-" "Gebühren"
        return None
    if line[0].islower() and not last.endswith(":") and not SIGNATURE.match(line):
        return f"{last} {line}"
    if SECTION.match(line) and SENTENCE_END.search(last):
        return None
    if _full(last, width) and (not gap or not SENTENCE_END.search(last)):
        return f"{last} {line}"  # a full line goes on: in its text box always, across a blank line mid-sentence
    return None


def _full(line: str, width: int) -> bool:
    return bool(width) and len(line) >= FULL * width
