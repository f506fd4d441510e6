"""The faction (or council group) as printed in the letterhead, e.g. "SPD-Fraktion im Gemeinderat Kämpfelbach".

A faction phrase is a word ending in "fraktion" with something before it ("SPD-Fraktion", "Linksfraktion",
"AfD-Gemeinderatsfraktion"), or "Fraktion"/"Gruppe" followed by a name ("Fraktion DIE LINKE"). It goes on over
names and the small words that join them ("im Rat der Stadt Bochum") and stops at the first other word, at
punctuation or at a form label ("Vorlage Nr."), so that running text after the letterhead is not taken along.
"""

import re

from ingest.metadata.text import head_lines

_NAME = r"[A-ZÄÖÜ0-9][\w./&+-]*"
_JOIN = r"(?:der|des|im|in|von|vom|und|für|am|an|zu|/)"
_TAIL = rf"(?:\s+(?:{_NAME}|{_JOIN}(?=\s+{_NAME})))*"
FACTION = re.compile(
    rf"(?<![\w-])(?:[\w./+-]+[Ff]raktion\b{_TAIL}"
    rf"|Fraktion(?:\s+(?:der|von))?(?:\s+{_NAME}){_TAIL}"
    # a council group too small for a faction: "Gruppe DIE LINKE in der Landschaftsversammlung Westfalen-Lippe"
    rf"|^(?:Rats|Kreistags|Stadtrats)?[Gg]ruppe(?:\s+{_NAME})+\s+(?:im|in der|in)\s+{_NAME}{_TAIL})"
)
# Words of the form or the letter that follow a letterhead on the same line; the phrase ends before them.
STOP = frozenset(
    "Vorlage Nr Antrag Anfrage Pressemitteilung Betreff Datum Telefon Tel Fax E-Mail Rathaus Postfach Herrn Frau "
    "Sehr An Eingang Sitzung Drucksache Seite Gremien Termin TOP Stadtrat Stadträtin Stadträte Stadtverordneter "
    "Stadtverordnete Ratsherr Ratsfrau Dr Vorsitzender Vorsitzende Fraktionsvorsitzender Fraktionsvorsitzende".split()
)
_NUMBER = re.compile(r"\d+[.:]\S*")  # dates, times, house numbers: "24.09.2025", "12:00"
# What may follow a letterhead phrase on its line. A phrase followed by a lowercase word stands in a sentence:
# it is the author when it names its council and acts ("Die Linksfraktion im Rat der Stadt Bochum fordert ..."),
# an addressee when it is asked or listed ("Die SPD-Fraktion im Abgeordnetenhaus wird aufgefordert ...",
# "... und die Senatsmitglieder"), and a mere mention otherwise ("von der SPD-Fraktion beschlossenen").
_LETTERHEAD_END = re.compile(r"\s*(?:$|[.,;:|()–/-]|\d|[A-ZÄÖÜ])")
_COUNCIL_TAIL = re.compile(r"\s(?:im|in der|des|der)\s")
_NOT_AUTHOR = frozenset("wird werden soll sollen möge mögen muss müssen und sowie oder auf zu ist sind".split())
MAX_LEN = 120


def extract_faction(text: str) -> str | None:
    """The first letterhead phrase naming a faction or council group (or the faction acting in the first
    sentence of a press release), or None."""
    for line in head_lines(text, 10):
        for m in FACTION.finditer(line):
            phrase = _until_stop(m.group(0))
            if phrase and _ends_as_author(phrase, line[line.find(phrase, m.start()) + len(phrase):]):
                return phrase[:MAX_LEN]
    return None


def _ends_as_author(phrase: str, rest: str) -> bool:
    if _LETTERHEAD_END.match(rest):
        return True
    following = rest.split(maxsplit=1)
    return bool(_COUNCIL_TAIL.search(phrase)) and bool(following) and following[0].strip(",;.") not in _NOT_AUTHOR


def _until_stop(phrase: str) -> str | None:
    """The phrase up to its first stop word, without trailing joining words or dots."""
    words = phrase.split()
    for i, word in enumerate(words[1:], start=1):
        if word.rstrip(".:") in STOP or _NUMBER.fullmatch(word):
            words = words[:i]
            break
        if word.endswith(".") and not word.isupper():  # a sentence ends: "Fraktion Grüne Future. Ja, ..."
            words = words[: i + 1]
            break
    while len(words) > 1 and re.fullmatch(_JOIN, words[-1]):
        words.pop()
    result = " ".join(words).strip(" -–.")
    return result if re.search(r"[Ff]raktion|[Gg]ruppe", result) and len(result) > len("fraktion") else None
