"""Document type from the type word in the letterhead ("Antrag", "Kleine Anfrage", "PM", "Haushaltsrede" ...)."""

import re

from ingest.metadata.text import head_lines

DOC_TYPES = (
    "antrag", "aenderungsantrag", "anfrage", "pressemitteilung", "resolution", "rede", "stellungnahme", "sonstiges",
)

# Checked in this order on each letterhead line; the first line with a match decides.
TYPE_WORDS: tuple[tuple[str, re.Pattern], ...] = (
    ("aenderungsantrag", re.compile(r"\b(?:Änderungs|Ergänzungs|Ersetzungs)-?antrag", re.IGNORECASE)),
    ("sonstiges", re.compile(
        r"^\W*(?:Wahlprogramm|Kommunalwahlprogramm|Offener Brief|Newsletter|Stellenanzeige|Stellenausschreibung|"
        r"Einladung|Protokoll|Niederschrift|Tagesordnung|Rundbrief)\b", re.IGNORECASE)),
    ("anfrage", re.compile(
        r"\b(?:Kleine|Große|Schriftliche|Mündliche)\s+Anfrage|\bAnfrage\b|\bAnfragen\b|\bSachstandsanfrage\b|"
        r"\bInterpellation\b|\bBerichtsantrag\b", re.IGNORECASE)),
    ("pressemitteilung", re.compile(
        r"\bPresse(?:mitteilung|erklärung|information|meldung)\b|^PM\b|\bPM\s*[:\-–]", re.IGNORECASE)),
    ("resolution", re.compile(r"\bResolution\b", re.IGNORECASE)),
    ("rede", re.compile(
        r"\b(?:Haushalts|Etat)?rede\b|\bRedebeitrag\b|\bAktuelle Stunde\b|gesprochene Wort|\bRede:", re.IGNORECASE)),
    ("stellungnahme", re.compile(r"\bStellungnahme\b|\bGegendarstellung\b", re.IGNORECASE)),
    ("antrag", re.compile(
        r"\b(?:Dringlichkeits|Haushalts|Prüf|Eil|Sach|Fraktions|Gemeinsamer\s)?-?antrag\b|\bAntrag\b|"
        r"möge\s+beschließen|\bbeantrag(?:t|en)\b", re.IGNORECASE)),
)
BODY_MOTION = re.compile(r"möge\s+(?:folgendes\s+)?beschließen|wir\s+beantragen|beantragt,|Beschlussvorschlag", re.I)
# Reported speech about a party or faction: the style of a press release.
BODY_PRESS = re.compile(
    r"(?:Fraktion|LINKE|SPD|CDU|CSU|Grünen|GRÜNE|FDP|AfD)\b[^.]{0,60}\b(?:fordert|kritisiert|begrüßt|verurteilt)\b|"
    r"[“\"],?\s+(?:sagte|erklärte|betonte|so)\s+[A-ZÄÖÜ]"
)


LABEL_LINES = 40  # "Antrag: <subject>" may follow a long (OCR) letterhead
_LABEL_REST = re.compile(r"[^:]{0,40}:\s*\S")


def _labelled(lines: list[str]) -> str | None:
    """The type of a line that starts with a type word and a colon ("Antrag: Beseitigung der ...", "Antrag:")."""
    for line in lines:
        bare = line.strip("„“\"* ")
        for doc_type, pattern in TYPE_WORDS:
            m = pattern.match(bare)
            if m and (_LABEL_REST.match(bare[m.end():]) or bare[m.end():].strip() == ":"):
                return doc_type
    return None


def extract_doc_type(text: str) -> str:
    """One of DOC_TYPES; "sonstiges" when no type word is found."""
    return classify(text)[0]


# How sure each way of deciding is: a type word alone on a letterhead line, one within a letterhead line,
# "Antrag: ..." further down, the body's wording, nothing found.
ALONE, IN_HEAD, LABELLED_LINE, BODY, NOTHING = 0.95, 0.8, 0.75, 0.55, 0.3


def classify(text: str) -> tuple[str, float]:
    """``(doc_type, confidence)``, see extract_doc_type."""
    head = head_lines(text, 12)
    for line in head:  # a line that is only a type word ("Resolution", "Haushaltsrede") beats one in a sentence
        if len(line) <= 40 and len(line.split()) <= 4:
            bare = line.strip("„“\"*: ")
            for doc_type, pattern in TYPE_WORDS:
                m = pattern.match(bare)
                if m and re.fullmatch(r"[\s\d/.–-]*", bare[m.end():]):
                    return doc_type, ALONE
    for line in head:
        for doc_type, pattern in TYPE_WORDS:
            if pattern.search(line):
                return doc_type, IN_HEAD
    labelled = _labelled(head_lines(text, LABEL_LINES)[len(head):])
    if labelled:
        return labelled, LABELLED_LINE
    body = text[:6000]
    if BODY_MOTION.search(body):
        return "antrag", BODY
    if BODY_PRESS.search(body[:3000]):
        return "pressemitteilung", BODY
    return "sonstiges", NOTHING
