"""The subject as printed: after "Betreff:", a type word ("Antrag: ..."), or the first title-like letterhead line."""

import re
from functools import cache
from pathlib import Path

from ingest.metadata.dates import dates_in
from ingest.metadata.parties import parties_in
from ingest.metadata.text import HEAD_CHARS

LABELLED = re.compile(
    r"^(?:Betreff|Betr\.|Thema|Titel|Gegenstand|hier|Re)\s*:\s*(?P<title>.+)$", re.IGNORECASE
)
TYPED = re.compile(
    r"^(?:(?:Gemeinsamer\s+)?(?:Änderungs|Ergänzungs|Dringlichkeits|Haushalts|Prüf)?antrag|Kleine Anfrage|"
    r"Große Anfrage|Anfrage|Pressemitteilung|Presseerklärung|Presseinformation|PM|Resolution|(?:Haushalts)?rede|"
    r"Redebeitrag|Stellungnahme|Offener Brief)\b[^:]{0,40}?:\s*(?P<title>.+)$",
    re.IGNORECASE,
)
HIER = re.compile(r"^(?:\S+\s+){0,3}hier\s*:\s*(?P<title>.{3,250})$", re.IGNORECASE)
SKIP = re.compile(
    r"^(?:Datum|Stand|Eingang|Vorlage|Antragsnr|Verteiler|Zust|mit Referat|Tel|Telefon|Fax|E-?Mail|www\.|http|"
    r"Herrn?|Frau|An\b|An die|Sehr geehrte|Liebe|Rathaus|Seite|Gremium|Termin|TOP|Absender|Az\.?|Aktenzeichen|"
    r"Per E-Mail|Stadtrat|Stadträtin|Vorsitzende)\b",
    re.IGNORECASE,
)
ADDRESS = re.compile(r"\b\d{5}\s+[A-ZÄÖÜ]|(?:straße|str\.|weg|platz|allee|ring)\s+\d", re.IGNORECASE)
TYPE_ONLY = re.compile(
    r"^(?:Antrag|Änderungsantrag|Anfrage|Kleine Anfrage|Pressemitteilung|PM|Resolution|Rede|Stellungnahme|"
    r"Haushaltsrede|Presseerklärung|Ergänzungsantrag|Dringlichkeitsantrag)\b[\s\w§./-]{0,40}$",
    re.IGNORECASE,
)
TYPE_PHRASE = re.compile(
    r"^(?:Antrag|Änderungsantrag|Anfrage|Pressemitteilung|Resolution|Rede|Redebeitrag|Stellungnahme|Offener Brief|"
    r"Gegendarstellung)\s+(?:des|der|zur|zum|zu|für|über|betreffend|betr\.|als|gegen|an|vom(?!\s*\d)|auf)\b",
    re.IGNORECASE,
)
FIELD = re.compile(r"^(?!\d)[\w/.-]{2,25}(?:\s[\w/.-]{1,15})?\s?:(?:\s|$)")
# "Stellungnahme zur Haushaltskonsolidierung: Listen ..." names the subject before the colon: keep the whole line.
SUBJECT_BEFORE_COLON = re.compile(r"\s(?:zur|zum|zu|über|betreffend|bezüglich|betr\.|gegen|für)\s", re.IGNORECASE)
# The rest of an address block: "der Stadt Leipzig", "des Rhein-Sieg-Kreises".
ADDRESS_TAIL = re.compile(
    r"^(?:der|des|dem|die)\s+(?:[\w-]*(?:stadt|gemeinde|kreis(?:es)?|rat(?:es)?|markt(?:es)?|bezirk(?:s|es)?|amt(?:es)?|"
    r"verwaltung|ausschuss(?:es)?|versammlung|bürgerschaft|vertretung)\b|[A-ZÄÖÜ][\w-]*-Kreises\b)",
    re.IGNORECASE,
)
# A line that is only a type word ("Antrag", "Antrag an den Rat", "Haushaltsrede", "Positionspapier"): the title
# is the next title-like line.
TYPE_LINE = re.compile(
    r"^(?:(?:Gemeinsamer\s+|Interfraktioneller\s+)?(?:Änderungs|Ergänzungs|Dringlichkeits|Haushalts|Prüf)?antrag|"
    r"Kleine Anfrage|Große Anfrage|Anfrage|Pressemitteilung|Presseerklärung|Presseinformation|PM|Resolution|"
    r"(?:Haushalts)?rede|Redebeitrag|Stellungnahme|Positionspapier|Offener Brief|Tagesordnung|Einladung)"
    r"(?:\s+(?:an\s+den\s+\w+|gem(?:\.|äß)\s*§.*|nach\s*§.*|zur\s+Sitzung.*|zur\s+Aufnahme.*|(?:vom|am)\s+\d.*|"
    r"Nr\.?\s*\d[\d/.-]*.*|\d[\d/.-]*))?$",
    re.IGNORECASE,
)
SENTENCE_INSIDE = re.compile(r"\w{3}[.!?]\s+[A-ZÄÖÜ]")
SENTENCE = re.compile(r"^(?=(?:\S+\s+){14})[^:]*[.!?]$")
PARENTHESISED = re.compile(r"^\(.*\)$")
DANGLING = re.compile(
    r"\s(?:als|der|die|das|den|dem|des|und|oder|für|von|vom|mit|zur|zum|zu|im|in|an|am|auf|bei|über|nach|aus|"
    r"gegen|ohne|durch|eines|einer|einen|ein|eine|einem|kein|keine|keinen|keiner|nicht|sowie|bzw\.|wie|dass|um|"
    r"statt|unter|vor|zwischen|bis|seine|ihre|unsere|unser|mehr|"
    # a possessive before its noun, an auxiliary or modal verb before the rest of its clause ("Lübeck wird")
    r"seiner|seinen|seinem|ihrer|ihren|ihrem|unserer|unseren|unserem|wird|werden|ist|sind|muss|müssen|darf|dürfen|"
    r"soll|sollen|kann|können|will|wollen)$|[-–,:]$",
    re.IGNORECASE,
)
PERSON = re.compile(r"^(?:Dr\.|Prof\.|Herrn?\b|Frau\b)")
MAX_TITLE = 300


def wrap_width(text: str) -> int | None:
    """The line width of hard-wrapped text (PDF extraction), or None if lines are whole paragraphs."""
    lengths = sorted(len(line) for line in text[:8000].split("\n") if len(line) > 25)
    if len(lengths) < 5:
        return None
    if lengths[int(len(lengths) * 0.9) - 1] > 130:
        return None
    return lengths[int(len(lengths) * 0.75)]


def _continues(line: str, nxt: str | None, width: int | None) -> bool:
    """Whether a wrapped title goes on in the next line (``line`` is the whole previous line)."""
    if not nxt or line.endswith((".", "!", "?")):
        return False
    if line.endswith(":") and len(line.split()) < 4:  # a label ("Antrag:", "Begründung:"), not a title
        return False
    if LABELLED.match(nxt) or TYPED.match(nxt) or SKIP.match(nxt) or FIELD.match(nxt) or dates_in(nxt):
        return False
    if SENTENCE_INSIDE.search(nxt):  # the body's first line: a title does not end a sentence and go on
        return False
    dangling = bool(DANGLING.search(line))
    if width is None:  # whole paragraphs: only a title that visibly breaks off ("... für" / "die Stadt") goes on
        return dangling and not _is_org_line(nxt) and len(nxt) <= 120 and not SENTENCE.match(nxt)
    if not dangling and (_is_org_line(nxt) or "Oberbürgermeister" in nxt):
        return False
    goes_on = nxt[0].islower() or nxt[0] in "(–-"  # "(KiTa) und ...", "– Fragen der SPD ..."
    if len(line) < 0.6 * width and not goes_on and not dangling:
        return False
    return len(nxt) <= width + 10


def _with_continuation(title: str, rest: list[str], width: int | None, line: str | None = None) -> str:
    """Append wrapped continuation lines; ``rest`` are the raw lines after the title ("" stops a paragraph, unless
    the title so far dangles, as in "Innenstadt und" / "" / "Stadtteilzentren stärken")."""
    current = line or title
    taken = 0
    i = 0
    while taken < 2 and i < len(rest):
        nxt = rest[i]
        if not nxt and i + 1 < len(rest) and rest[i + 1] and DANGLING.search(current) and rest[i + 1] not in title:
            nxt = rest[i + 1]
            i += 1
        if not _continues(current, nxt, width):
            break
        title = f"{title} {nxt}"
        current = nxt
        taken += 1
        i += 1
    return FORM_HEADER_TAIL.sub("", title).strip()[:MAX_TITLE]


# The header row of a council form's boxes, joined to the title by text extraction: "... Gremium Termin TOP ö nö".
FORM_HEADER_TAIL = re.compile(r"(?:\s+(?:Gremium|Gremien|Termin|TOP|Ö\s*/\s*N|ö|nö|Zuständigkeit|öffentlich)){2,}\s*$")


# A line that starts with the kind of document names it, even when it also names the party:
# "Kommunalwahlprogramm FDP Münster 2014" is a title, not a sender.
GENRE = re.compile(
    r"^(?:(?:Kommunal|Europa|Landtags|Bundestags)?wahlprogramm|Programm|Leitlinien|Positionspapier|Grundsatzprogramm|"
    r"Wahlaufruf|Eckpunkte)\b", re.IGNORECASE)
DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:de|com|org|net|eu|info)/?$", re.IGNORECASE)


def _is_org_line(line: str) -> bool:
    """A sender line: names an organisation or party and has hardly any lowercase content words."""
    if len(line) > 90 or GENRE.match(line) or not (ORG_WORDS.search(line) or parties_in(line)):
        return False
    content = [w for w in re.findall(r"\b[a-zäöüß][\w.]*", line) if w not in FUNCTION_WORDS]
    return not content or (len(content) == 1 and len(line) <= 45)


ORG_WORDS = re.compile(
    r"fraktion|partei\b|Die Liberalen|Bürgerinitiative|beirat\b|Ortsverband|Kreisverband|Wählergemeinschaft|"
    r"Wählervereinigung|Bürgerliste|^keine\s*\(|\bkeine\s+Partei\b|"
    r"Stadt \w+ Der|Oberbürgermeister|Landesverband|e\.\s?V\.|Ortsverein|"
    r"Abteilung",
    re.IGNORECASE,
)
FUNCTION_WORDS = frozenset(
    "der die das des dem den und im in am an für von vom zu zur zum e. v. keine mit bei auf gegen".split()
)


def _raw_head(text: str) -> list[str]:
    """Letterhead lines including empty ones; if every other line is empty, empty lines carry no meaning."""
    raw = text[:HEAD_CHARS].split("\n")
    empty = sum(1 for line in raw if not line)
    if empty >= 0.8 * (len(raw) - empty):
        raw = [line for line in raw if line]
    return raw


FIRST_NAMES_PATH = Path(__file__).parents[1] / "reference" / "first_names.txt"


@cache
def first_names() -> frozenset[str]:
    """First names common in Germany (tools/build_first_names.py)."""
    lines = FIRST_NAMES_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


_PERSON_NAME = re.compile(
    r"^(?:(?:Dr|Prof)\.\s*)*(?P<first>[A-ZÄÖÜ][\wäöüß-]+)(?:\s+[A-ZÄÖÜ]\.)?(?:\s+(?:von|van|de|zu)\b)?"
    r"(?:\s+[A-ZÄÖÜ][\wäöüß-]+){1,2}(?:\s*\([^)]{1,40}\))?(?:,\s*[\wäöüß -]{3,40})?$")


def is_person_name(line: str) -> bool:
    """A line that is a person's name, perhaps with a party or role: "Maria Musterfrau", "Dr. Jörg Berens (FDP)",
    "Anna Muster, Fraktionsvorsitzende"."""
    m = _PERSON_NAME.match(line)
    return bool(m) and m.group("first") in first_names()


# A line naming a sender's office: "Ratsmitglied", "Fraktionsvorsitzende", "Mitglied des Landtags", "MdL".
ROLE = re.compile(
    r"^(?:(?:stellv(?:\.|ertretende[rn]?)\s+)?(?:Rats|Kreistags|Fraktions|Landtags|Bundestags|Gemeinderats|Stadtrats|"
    r"Bezirks|Ortsbeirats)?(?:mitglied|vorsitzende[rn]?|vorsitz|sprecher(?:in)?|geschäftsführer(?:in)?|"
    r"verordnete[rn]?|referent(?:in)?)|Stadtverordnete[rn]?|Ratsherr|Ratsfrau|Stadträtin|Stadtrat|Gemeinderätin|"
    r"Gemeinderat|Kreisrätin|Kreisrat|MdL|MdB|MdEP|Mitglied des (?:Landtags|Bundestags|Rates|Kreistags)\b.*|"
    r"Pressesprecher(?:in)?|Pressestelle)$",
    re.IGNORECASE,
)


def _skip(line: str, is_place) -> bool:
    return bool(is_person_name(line) or ROLE.match(line) or
        len(line) < 4 or len(line) > MAX_TITLE or SKIP.match(line) or ADDRESS.search(line) or TYPE_ONLY.match(line)
        or _is_field(line) or PARENTHESISED.match(line) or PERSON.match(line) or line.endswith(":") or is_place(line)
        or _is_org_line(line) or dates_in(line) or not re.search(r"[A-Za-zÄÖÜäöü]{3}", line)
        or ADDRESS_TAIL.match(line) or SENTENCE.match(line) or DOMAIN.match(line)
    )


LABEL_LINES = 40


def _is_field(line: str) -> bool:
    """A form field ("Datum: 15.11.2025", "Adressat: Der Landesparteitag ..."), not a title with a colon
    ("Periodengerechtigkeit jetzt: Kostenlose Menstruationsartikel ..."): one word before the colon, or
    a short value after it."""
    m = FIELD.match(line)
    if not m:
        return False
    return " " not in m.group().strip().rstrip(":").strip() or len(line[m.end():].split()) < 4


def _head(raw: list[str], count: int = 16) -> list[tuple[int, str]]:
    return [(i, line) for i, line in enumerate(raw) if line][:count]


def _after_type_line(raw: list[str], head: list[tuple[int, str]], width: int | None, is_place) -> str | None:
    """The first title-like line after the first line that is only a type word."""
    for n, (_, line) in enumerate(head):
        if TYPE_LINE.match(line):
            for i, nxt in head[n + 1:n + 4]:
                if TYPE_LINE.match(nxt):
                    continue
                if not _skip(nxt, is_place):
                    return _with_continuation(nxt, raw[i + 1:], width)
            return None
    return None


def extract_title(text: str, is_place=lambda line: False) -> str | None:
    """The title as printed, or None. ``is_place(line)`` tells whether a line is only a place name."""
    raw = _raw_head(text)
    head = _head(raw)
    width = wrap_width(text)
    for i, line in _head(raw, LABEL_LINES):  # "Betreff: ..." and "Antrag: ..." may follow a long letterhead
        m = LABELLED.match(line) or TYPED.match(line)
        if m and TYPED.match(line) and not LABELLED.match(line):
            before_colon = line[: m.start("title")]
            if SUBJECT_BEFORE_COLON.search(before_colon) and not SUBJECT_BEFORE_COLON.search(" " + m.group("title")):
                return _with_continuation(line, raw[i + 1:], width)
        if m and len(m.group("title")) > 2:
            return _with_continuation(m.group("title").strip(), raw[i + 1:], width, line)
    title = _after_type_line(raw, head, width, is_place)
    if title:
        return title
    for i, line in head:
        m = HIER.search(line)
        if m:
            return _with_continuation(m.group("title").strip(), raw[i + 1:], width, line)
    for i, line in head:
        if TYPE_PHRASE.match(line):
            return _with_continuation(line, raw[i + 1:], width)
    for i, line in head:
        if not _skip(line, is_place):
            return _with_continuation(line, raw[i + 1:], width)
    return None
