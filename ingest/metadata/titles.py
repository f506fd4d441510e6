"""The subject as printed: after "Betreff:", a type word ("Antrag: ..."), or the first title-like letterhead line."""

import re

from ingest.metadata.dates import dates_in
from ingest.metadata.text import head_lines

LABELLED = re.compile(
    r"^(?:Betreff|Betr\.|Thema|Titel|Gegenstand|hier|Re)\s*:\s*(?P<title>.+)$", re.IGNORECASE
)
TYPED = re.compile(
    r"^(?:(?:Gemeinsamer\s+)?(?:Änderungs|Ergänzungs|Dringlichkeits|Haushalts|Prüf)?antrag|Kleine Anfrage|"
    r"Große Anfrage|Anfrage|Pressemitteilung|Presseerklärung|Presseinformation|PM|Resolution|(?:Haushalts)?rede|"
    r"Redebeitrag|Stellungnahme|Offener Brief)\b[^:]{0,40}?:\s*(?P<title>.+)$",
    re.IGNORECASE,
)
HIER = re.compile(r"\bhier\s*:\s*(?P<title>.+)$", re.IGNORECASE)
SKIP = re.compile(
    r"^(?:Datum|Stand|Eingang|Vorlage|Antragsnr|Verteiler|Zust|mit Referat|Tel|Telefon|Fax|E-?Mail|www\.|http|"
    r"Herrn?|Frau|An\b|An die|Sehr geehrte|Liebe|Rathaus|Seite|Gremium|Termin|TOP|Absender|Az\.?|Aktenzeichen|"
    r"Per E-Mail|Stadtrat|Stadträtin|Vorsitzende)",
    re.IGNORECASE,
)
ADDRESS = re.compile(r"\b\d{5}\s+[A-ZÄÖÜ]|(?:straße|str\.|weg|platz|allee|ring)\s+\d", re.IGNORECASE)
TYPE_ONLY = re.compile(
    r"^(?:Antrag|Änderungsantrag|Anfrage|Kleine Anfrage|Pressemitteilung|PM|Resolution|Rede|Stellungnahme|"
    r"Haushaltsrede|Presseerklärung|Ergänzungsantrag|Dringlichkeitsantrag)\b[\s\w§./-]{0,40}$",
    re.IGNORECASE,
)
MAX_TITLE = 300


def _continues(line: str, nxt: str | None) -> bool:
    """Whether a wrapped title goes on in the next line."""
    if not nxt or len(line) < 45 or line.endswith((".", "!", "?", ":")):
        return False
    if LABELLED.match(nxt) or TYPED.match(nxt) or SKIP.match(nxt) or dates_in(nxt):
        return False
    return len(nxt) < 90


def _with_continuation(title: str, rest: list[str]) -> str:
    current = title
    for nxt in rest[:2]:
        if not _continues(current, nxt):
            break
        title = f"{title} {nxt}"
        current = nxt
    return title.strip()[:MAX_TITLE]


def _is_org_line(line: str, org_words: re.Pattern) -> bool:
    return bool(org_words.search(line)) and len(line) < 80


ORG_WORDS = re.compile(
    r"Fraktion|Partei|^SPD|^CDU|^CSU|^FDP|^AfD|^DIE LINKE|^Die Linke|^Bündnis|^BÜNDNIS|^GRÜNE|^Grüne|"
    r"Bürgerinitiative|Beirat|Ortsverband|Kreisverband|Wählergemeinschaft|Wählervereinigung|^keine\b|"
    r"Stadt \w+ Der|Oberbürgermeister|Landesverband|e\.\s?V\.",
)


def extract_title(text: str) -> str | None:
    """The title as printed, or None."""
    head = head_lines(text, 16)
    for i, line in enumerate(head):
        m = LABELLED.match(line) or TYPED.match(line)
        if m and len(m.group("title")) > 2:
            return _with_continuation(m.group("title").strip(), head[i + 1:])
    for i, line in enumerate(head):
        m = HIER.search(line)
        if m:
            return _with_continuation(m.group("title").strip(), head[i + 1:])
    for i, line in enumerate(head):
        if (
            len(line) < 4 or SKIP.match(line) or ADDRESS.search(line) or TYPE_ONLY.match(line)
            or _is_org_line(line, ORG_WORDS) or dates_in(line) or not re.search(r"[A-Za-zÄÖÜäöü]{3}", line)
        ):
            continue
        return _with_continuation(line, head[i + 1:])
    return None
