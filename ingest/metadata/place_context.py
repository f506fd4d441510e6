"""Whether a mention of a place name means the town: the context rules for names that are also German words.

A homonym (ingest/reference/homonyms.csv: "Essen", "Wissen", "Lage", "Weil") counts as the town only where the
context says so; ``classify`` judges one mention:

- FOR: "Rat der Stadt Essen", "Stadt X", "Gemeinderat X", "SPD Wissen", "Stadtwerke X", a postcode "45127 Essen",
  a place-and-date line "Essen, den 3. Mai 2024" / "Essen 03.05.2024", a letterhead line that is only the name,
  "Essen-Mitte", "in Essen" / "aus X" / "für X" followed by a non-noun or the end of the phrase (for a noun only
  "in": "aus Stein", "nach Norden" stay unsure), "Bochum und Essen" (next to another place);
- AGAINST: the word used as a word: after an article or determiner ("das Essen", "im Wald", "die aktuelle Lage"),
  at a sentence start followed by a lowercase word ("Wissen ist Macht", "Weil wir ..."), joined to a noun that is no
  place ("Essen und Trinken", "in Wald und Flur"), in an all-capitals heading ("WISSEN IST MACHT");
- UNSURE: anything else ("Sport wie Laufen", "Meine Damen und Herren").

Lowercase forms ("essen") never reach this module: names are matched case-sensitively. ``strong`` tells the
evidence that names a municipality as such (an institution, a postcode, a place-and-date line), used for every name
to find the sender's town.
"""

import re
from enum import IntEnum
from functools import cache

from ingest import reference


class Evidence(IntEnum):
    AGAINST = -1
    UNSURE = 0
    FOR = 1


# Words that name a municipality's body or the municipality itself right before its name.
_INSTITUTION = (
    r"Stadt|Gemeinde|Markt|Ortsgemeinde|Verbandsgemeinde|Samtgemeinde|Hansestadt|Landeshauptstadt|Kreisstadt|"
    r"Universitätsstadt|Rat|Rates|Rats|Stadtrat|Stadtrates|Stadtrats|Gemeinderat|Gemeinderates|Gemeinderats|"
    r"Ortsgemeinderat|Kreis|Landkreis|Rathaus|Stadtverwaltung|Gemeindeverwaltung|Bürgermeister(?:in)?|"
    r"Oberbürgermeister(?:in)?|Stadtverordnetenversammlung|Gemeindevertretung|Magistrat"
)
STRONG_BEFORE = re.compile(
    rf"(?:\b(?:{_INSTITUTION})(?:\s+(?:der|des)\s+(?:Stadt|Gemeinde|Marktes|Marktgemeinde))?|\b\d{{5}}"
    r"|\b(?:Ort|Sitz|Wohnort|Sitzungsort|Tagungsort):"
    r"|\b[A-ZÄÖÜ][\wäöüß.-]+\s+\d{1,4}\s?[a-zA-Z]?\s*,)\s+$"  # an address: "Rathausplatz 1, Erlangen"
)
STRONG_BEFORE_ANY_CASE = re.compile(STRONG_BEFORE.pattern, re.IGNORECASE)
# The last word before the name ends like an institution of the town: "Sportamt Erlangen", "Stadtwerke Essen".
INSTITUTION_TAIL = re.compile(
    r"(?:fraktion|rat|rats|rates|amt|amts|verwaltung|stadt|gemeinde|verband|verbandes|verein|vereins|werke|kasse|"
    r"schule|universität|hochschule|klinikum|krankenhaus|bahnhof|polizei|inspektion|gericht|messe|feuerwehr|"
    r"jobcenter|bistum|dekanat|zentrum|bibliothek|museum|tafel|bürgerschaft|versammlung|vertretung|ausschuss|"
    r"beirat|büro|partei)$",
    re.IGNORECASE,
)
ARTICLE_BEFORE = re.compile(
    r"(?:^|[^\wäöüß])(?i:der|die|das|dem|den|des|ein|eine|einer|eines|einem|einen|kein\w*|mein\w*|dein\w*|"
    r"sein|seine\w*|ihr|ihre\w*|unser\w*|eure?\w*|dies\w*|jede\w*|jene\w*|welche\w*|manche\w*|solche\w*|"
    r"alle\w*|viele\w*|wenige\w*|beide\w*|etwas|mehr|im|am|zum|zur|beim|vom|ins|ans|aufs|übers|fürs|ums)"
    r"\s+(?:[a-zäöüß][\wäöüß-]*(?:e|en|er|es|em)\s+){0,3}$"
)
PREPOSITION_BEFORE = re.compile(r"(?:^|[^\wäöüß])(?i:(in)|aus|für|nach)\s+$")
SENTENCE_END = re.compile(r"[.!?:;]\s*[\"„“»(]*$")
LINE_START = re.compile(r"^[\s•·*–—\-\"„“»(\d.)]*$")
PLACE_DATE_AFTER = re.compile(
    r"^\s*,?\s*(?:den\s+|am\s+)?\d{1,2}\.\s*(?:\d{1,2}\.\s*\d{2,4}|[A-ZÄÖÜ][a-zäöü]+\.?\s+\d{4})"
)
PART_AFTER = re.compile(r"^-(?:Mitte|Nord|Süd|Ost|West|Innenstadt|Zentrum|Altstadt|Stadt|Land)\b")
COORDINATED_AFTER = re.compile(r"^\s*(?:,|und|oder|sowie|&|bzw\.)\s*([A-ZÄÖÜ][\wäöüß-]*)")
COORDINATED_BEFORE = re.compile(r"([A-ZÄÖÜ][\wäöüß-]*)\s*(?:,|\s(?:und|oder|sowie|&|bzw\.))\s+$")
NEXT_WORD = re.compile(r"^\s*(\S+)")
ABBREVIATION = re.compile(r"[A-ZÄÖÜ]{2,5}")
ARTICLES = frozenset({"der", "die", "das", "dem", "den", "des", "ein", "im", "am", "zum", "zur", "vom", "beim"})
GENITIVE = frozenset({"der", "des", "dieser", "dieses", "eines", "einer"})


@cache
def _party_before() -> re.Pattern:
    names = {p for p in reference.parties()} | {a for al in reference.party_aliases().values() for a in al}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s(])(?:{alternatives})(?:-[\wäöüß]+)?\s+$")


def strong(line: str, start: int, end: int) -> bool:
    """Whether this mention names a municipality as such: "Stadt X", "Gemeinderat X", "SPD X", "45127 X",
    "X, den 3. Mai 2024"."""
    before = line[max(0, start - 60):start]
    institution = STRONG_BEFORE_ANY_CASE if line[start:end].isupper() else STRONG_BEFORE
    if institution.search(before) or _party_before().search(before):
        return True
    return not before.strip() and bool(PLACE_DATE_AFTER.match(line[end:]))


def classify(line: str, start: int, end: int, prev: str = "", head: bool = False, is_place=lambda w: False,
             noun: bool = False) -> Evidence:
    """FOR, AGAINST or UNSURE: whether the homonym at line[start:end] means the town (see the module's doc).
    ``prev`` is the line before (its end may hold "Rat der Stadt" when a line breaks before the name), ``head``
    whether the line is in the letterhead, ``is_place(word)`` whether a word is another place's name, ``noun``
    whether the word is a common noun: nouns go without an article after "aus", "für", "nach" ("aus Stein",
    "für Schutz", "nach Norden"), so only "in" speaks for the town there."""
    name, before, after = line[start:end], line[:start], line[end:]
    if not before.strip() and not after.strip(" .,;:"):
        return Evidence.FOR if head else Evidence.UNSURE
    if name.isupper() and len(name) > 1:
        return Evidence.FOR if strong(line, start, end) else Evidence.AGAINST
    if strong(line, start, end) or PART_AFTER.match(after):
        return Evidence.FOR
    if not before.strip() and prev.strip() and not SENTENCE_END.search(prev):
        before = prev.strip() + " "  # the sentence goes on from the line before
        if STRONG_BEFORE.search(before) or _party_before().search(before):
            return Evidence.FOR
    coordinated = _coordinated(before, after, is_place)
    if coordinated is not None:
        return coordinated
    if ARTICLE_BEFORE.search(before[-80:]):
        return Evidence.AGAINST
    if _institution_before(before):
        return Evidence.FOR
    preposition = PREPOSITION_BEFORE.search(before[-20:])
    if preposition:
        return _after_preposition(after, is_place) if preposition.group(1) or not noun else Evidence.UNSURE
    if SENTENCE_END.search(before[-20:]) or LINE_START.match(before):
        following = NEXT_WORD.match(after)
        return Evidence.AGAINST if following and following.group(1)[0].islower() else Evidence.UNSURE
    return Evidence.UNSURE


def _coordinated(before: str, after: str, is_place) -> Evidence | None:
    """Joined to another word by "und", "oder" or a comma: FOR next to a place, AGAINST next to a noun."""
    for match in (COORDINATED_AFTER.match(after), COORDINATED_BEFORE.search(before[-60:])):
        if not match:
            continue
        word = match.group(1).rstrip("-")
        if is_place(word):
            return Evidence.FOR
        if "," not in match.group(0) and word[:1].isupper() and not word.isupper():
            return Evidence.AGAINST
    return None


def _institution_before(before: str) -> bool:
    """The word before is an institution of the town ("Sportamt", "Stadtwerke") or an abbreviation ("PI", "VHS")."""
    words = before.split()
    if not words:
        return False
    last = words[-1].strip("„“\"(").split("/")[-1]
    if ABBREVIATION.fullmatch(last) and last.lower() not in ARTICLES:
        return True
    return last[:1].isupper() and bool(INSTITUTION_TAIL.search(last))


def _after_preposition(after: str, is_place) -> Evidence:
    """After "in", "aus", "für", "nach": the town when no noun follows ("in Essen.", "aus Wissen kommt") or a place
    does ("in Erlangen Büchenbach")."""
    following = NEXT_WORD.match(after)
    if not following or not following.group(1)[0].isalpha():
        return Evidence.FOR  # end of the line or punctuation
    word = following.group(1)
    if word in GENITIVE:
        return Evidence.AGAINST  # "nach Lage der Dinge"
    return Evidence.FOR if word[0].islower() or is_place(word.strip(",.;:)")) else Evidence.UNSURE
