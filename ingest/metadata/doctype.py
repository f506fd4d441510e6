"""Document type from the type word in the letterhead ("Antrag", "Kleine Anfrage", "PM", "Haushaltsrede" ...),
else from a type word garbled by OCR ("Antraq", "A n t r a g"), else from the document's form: a motion's
"möge beschließen", an inquiry's questions, a press release's dateline, quotes and press contact."""

import re

from ingest.metadata.boilerplate import is_noise_line, join_letter_spacing
from ingest.metadata.parties import parties_in
from ingest.metadata.text import HEAD_CHARS, head_lines, lines

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
# "Antrag: ..." further down, a type word read through OCR errors (alone on its line, within one), the body's
# wording, nothing found. A press release recognised by its form scores between FORM_WEAK and FORM_STRONG.
ALONE, IN_HEAD, LABELLED_LINE, BODY, NOTHING = 0.95, 0.8, 0.75, 0.55, 0.3
OCR_ALONE, OCR_IN_HEAD = 0.7, 0.6
FORM_WEAK, FORM_STRONG = 0.55, 0.75


def classify(text: str) -> tuple[str, float]:
    """``(doc_type, confidence)``, see extract_doc_type."""
    head = letterhead(text)
    ticked = _ticked(head)
    if ticked:
        return ticked, IN_HEAD
    for line in head:  # a line that is only a type word ("Resolution", "Haushaltsrede") beats one in a sentence
        if len(line) <= 40 and len(line.split()) <= 4:
            bare = line.strip("„“\"*: ")
            for doc_type, pattern in TYPE_WORDS:
                m = pattern.match(bare)
                if m and re.fullmatch(r"[\s\d/.–-]*", bare[m.end():]):
                    return doc_type, ALONE
    in_head = _type_in_head(text, head)
    if in_head:
        return in_head
    labelled = _labelled(head_lines(text, LABEL_LINES)[len(head):])
    if labelled:
        return labelled, LABELLED_LINE
    garbled = fuzzy_type(head)
    if garbled:
        return garbled
    return by_form(text)



def _type_in_head(text: str, head: list[str]) -> tuple[str, float] | None:
    """The type named within a letterhead line (a mention deep in a sentence or a body paragraph does not count)."""
    for line in head:
        if len(line) > BODY_LINE:  # a paragraph of the body: its type words are mentions ("meine Anfrage an ...")
            continue
        for doc_type, pattern in TYPE_WORDS:
            found = pattern.search(line)
            if found and _mentioned_late(line, found.start()):
                continue
            if found:
                if doc_type != "pressemitteilung" and _is_prose(line) and _press_form(text, PRESS_STRONG + 1):
                    return "pressemitteilung", press_confidence(press_score(text))  # "... einen Antrag stellen."
                return doc_type, IN_HEAD
    return None

BODY_LINE = 250
LATE_WORD = 4


def _mentioned_late(line: str, start: int) -> bool:
    """A type word deep inside a sentence ("... wurde über den Ortsrat ein Antrag gestellt,") is a mention; a
    letterhead names the type near the start of its line ("Antrag der SPD-Fraktion zur Sitzung ...")."""
    return len(line.split()) >= 8 and len(line[:start].split()) >= LATE_WORD


def _is_prose(line: str) -> bool:
    """A sentence of running text, where a type word is a mention ("Vereine können einen Antrag stellen.")."""
    return len(line.split()) >= 10 and not re.match(r"^[\w\s-]{0,40}:", line)


# A ticked box before a type word, as on a council form: "☒ Antrag ☐ Anfrage", "[x] Anfrage".
_TICKED = re.compile(r"(?:[☒☑✔✓✗✘⊠■]|\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\))\s*(?P<word>[^\W\d_][\w-]*(?:\s+[^\W\d_]\w*)?)")


def _ticked(head: list[str]) -> str | None:
    """The type whose box is ticked on a form line that offers several."""
    for line in head:
        for m in _TICKED.finditer(line):
            for doc_type, pattern in TYPE_WORDS:
                if pattern.match(m.group("word")):
                    return doc_type
            garbled = fuzzy_word(m.group("word").split()[0])
            if garbled:
                return garbled
    return None


def letterhead(text: str, count: int = 12) -> list[str]:
    """The first ``count`` letterhead lines that carry words (stamps and form boxes of a scan skipped)."""
    return [line for line in head_lines(text, 3 * count) if not is_noise_line(line)][:count]


# --- type words through OCR errors ------------------------------------------------------------------------------

# The vocabulary a garbled type word is compared with. A word is matched within an edit distance that its length
# allows (below 6 letters: none; 6-11 letters: 1; 12 and more: 2) ...
FUZZY_WORDS = {
    "antrag": "antrag", "anfrage": "anfrage", "änderungsantrag": "aenderungsantrag",
    "ergänzungsantrag": "aenderungsantrag", "ersetzungsantrag": "aenderungsantrag",
    "dringlichkeitsantrag": "antrag", "haushaltsantrag": "antrag", "prüfantrag": "antrag",
    "fraktionsantrag": "antrag", "sachstandsanfrage": "anfrage", "interpellation": "anfrage",
    "pressemitteilung": "pressemitteilung", "presseerklärung": "pressemitteilung",
    "presseinformation": "pressemitteilung", "pressemeldung": "pressemitteilung",
    "resolution": "resolution", "stellungnahme": "stellungnahme", "haushaltsrede": "rede",
}
# ... and only if it is nearer to the type word than to each of these real words that lie as near
# ("Anfang" is no garbled "Anfrage", "Revolution" no "Resolution").
NEAR_WORDS = ("anfang", "auftrag", "eintrag", "vertrag", "betrag", "umfrage", "nachfrage", "anlage", "revolution",
              "antritt", "anfragt")
FUZZY_MAX_WORDS = 8  # a letterhead line, not a sentence
_EDGES = "|[](){}_!li1"  # a box's border read as a letter, casefolded ("l", "I", "1")


def tolerance(word: str) -> int:
    """How many edits a garbled word of this length may be from the type word."""
    return 0 if len(word) < 6 else 1 if len(word) < 12 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def _candidates(token: str, joined: bool) -> list[str]:
    """The token casefolded, without box edges OCR reads as letters ("lAntragl"); a joined letter-spaced token
    also as each prefix of a vocabulary word's length ("AntragderFraktion")."""
    word = token.casefold()
    out = [word, word.strip(_EDGES)]
    if joined:
        out += [word[:n] for n in range(6, len(word))]
    return [w for w in dict.fromkeys(out) if len(w) >= 6]


def fuzzy_word(token: str, joined: bool = False) -> str | None:
    """The doc type of a token that is a type word read with OCR errors ("Antraq", "Änderunqsantrag",
    "Pressemitteilunq"), else None."""
    for word in _candidates(token, joined):
        if word in NEAR_WORDS:
            return None
        if any(word.startswith(vocab) and word != vocab for vocab in FUZZY_WORDS):
            continue  # "Antrags", "Anfragen": a word spelt right, inflected (a mention, not the letterhead's type)
        best = None
        for vocab, doc_type in FUZZY_WORDS.items():
            limit = tolerance(vocab)
            if not limit:
                continue
            d = distance(word, vocab, limit)
            if d <= limit and (best is None or d < best[0]):
                best = (d, doc_type)
        if best and all(distance(word, near, best[0]) > best[0] for near in NEAR_WORDS):
            return best[1]
    return None


def fuzzy_type(head: list[str]) -> tuple[str, float] | None:
    """``(doc_type, confidence)`` from a garbled type word in a short letterhead line, else None."""
    for line in head:
        spaced = join_letter_spacing(line)
        if len(spaced.split()) > FUZZY_MAX_WORDS:
            continue
        joined_spans = [m.span() for m in re.finditer(r"[^\W\d_]{6,}", spaced) if m.group() not in line]
        for m in re.finditer(r"\S+", spaced):
            token = m.group().strip(".,;:„“\"'*()[]")
            joined = any(a <= m.start() < b for a, b in joined_spans)
            doc_type = fuzzy_word(token, joined)
            if doc_type:
                alone = len(spaced.split()) <= 3
                return doc_type, (OCR_ALONE if alone else OCR_IN_HEAD)
    return None


# --- the form of the body ---------------------------------------------------------------------------------------

MOTION_FORM = re.compile(
    r"(?:möge|wolle|mö[gq]e)\s+(?:folgendes\s+|Folgendes\s+)?beschließen|\bwir\s+beantragen\b|\bbeantragt,|"
    r"Beschlussvorschlag|Beschlussvorlage|^Beschluss(?:text|antrag)?\s*:|^Begründung\s*:?\s*$|^Begründung\s*:",
    re.IGNORECASE | re.MULTILINE,
)
INQUIRY_FORM = re.compile(
    r"\bwir\s+fragen\s+(?:daher\s+|deshalb\s+)?(?:die\s+Verwaltung|den\s+(?:Ober)?bürgermeister|den\s+Magistrat|"
    r"den\s+Senat|die\s+(?:Landes|Bundes)?regierung|den\s+Landrat)|\bfragen\s+wir\s+(?:die|den)\s+\w+|"
    r"\bum\s+(?:die\s+)?(?:schriftliche\s+|mündliche\s+|zeitnahe\s+)?Beantwortung\s+(?:der\s+)?(?:folgenden\s+)?"
    r"Fragen|\bfolgende\s+Fragen\b|\bbitten\s+(?:wir\s+)?(?:die\s+Verwaltung\s+)?um\s+(?:die\s+)?Beantwortung\b",
    re.IGNORECASE,
)
QUESTION = re.compile(r"^(?:\d{1,2}\s*[.)]|[a-z]\)|[-–•])\s+\S.{8,}\?$", re.MULTILINE)

_DATE = r"(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})|\d{1,2}\.\s?[A-ZÄÖÜ][a-zä]+\.?\s+\d{4})"
_PLACE = r"[A-ZÄÖÜ][\w'’.-]*(?:[ -](?:an|am|im|in|der|bei|ob|a\.|i\.)?\s?[A-ZÄÖÜ][\w'’.-]*){0,2}"
# "Düsseldorf, 12. März 2024 – Die Landtagsabgeordneten ...", "Bochum (ots) – ...": place, date, dash, text.
DATELINE = re.compile(
    rf"^{_PLACE}(?:\s*\((?:ots|dpa|epd|kna|red|pm)\))?\s*,?\s*(?:den\s+|am\s+)?{_DATE}\s*[–—-]+\s*\S|"
    rf"^{_PLACE}\s*\((?:ots|dpa|epd|kna|red|pm)\)\s*[.:–—-]+\s*\S",
    re.IGNORECASE,
)
# "BOCHUM. Die SPD-Fraktion ...": a place in capitals opens the first paragraph.
CAPS_DATELINE = re.compile(r"^(?P<place>[A-ZÄÖÜ]{3,}(?:[-/ ][A-ZÄÖÜ]{2,}){0,2})\s*(?:\.|:|\s[–—-])\s+[A-ZÄÖÜ„\"]")
_SPEECH = (
    r"sagt|sagte|sagen|erklärt|erklärte|erklären|betont|betonte|betonen|so|meint|meinte|ergänzt|ergänzte|"
    r"unterstreicht|unterstrich|fordert|forderte|kritisiert|kritisierte|mahnt|mahnte|warnt|warnte|resümiert|"
    r"bekräftigt|bekräftigte|berichtet|berichtete|stellt|stellte|führt|führte|fasst|fasste|zeigt\s+sich|"
    r"zeigte\s+sich|freut\s+sich|freute\s+sich|äußert|äußerte|kommentiert|kommentierte|appelliert|appellierte"
)
_ROLE = (
    r"(?:\w+-)?(?:Fraktions)?(?:vorsitzende[rn]?|Vorsitzende[rn]?|Sprecher(?:in)?|sprecher(?:in)?|Abgeordnete[rn]?|"
    r"abgeordnete[rn]?|MdL|MdB|MdEP|Fraktionschef(?:in)?|Ratsfrau|Ratsherr|Stadtrat|Stadträtin|Stadtverordnete[rn]?|"
    r"Ratsmitglied|Kreistagsmitglied|Bezirksverordnete[rn]?|(?:Ober)?[Bb]ürgermeister(?:in)?|Landrat|Landrätin|"
    r"Minister(?:in)?|Kandidat(?:in)?|Geschäftsführer(?:in)?|Landesvorsitzende[rn]?|Kreisvorsitzende[rn]?)"
)
# "„…“, sagt Maria Muster", "„…“, so der Fraktionsvorsitzende".
QUOTE_ATTRIBUTED = re.compile(rf"[“”\"»«]\s*,?\s*(?:{_SPEECH})\s+(?:der|die|Dr\.|Prof\.|[A-ZÄÖÜ][\w-]+)")
# "Maria Muster, Vorsitzende der SPD-Fraktion: „…“"
SPEAKER_COLON = re.compile(rf"\b{_ROLE}\b[^„“\"\n]{{0,80}}:\s*[„“\"»]")
# "Dazu erklärt die Vorsitzende ...", "erklärt der Fraktionsvorsitzende Max Muster".
SPEECH_INTRO = re.compile(
    rf"\b(?:Dazu|Hierzu|Darüber\s+hinaus)\s+(?:erklärt|erklären|sagt|sagen|äußert|äußern|betont|betonen|"
    rf"meint|kommentiert|kommentieren)\b|\b(?:{_SPEECH})\s+(?:der|die)\s+(?:\S+\s+){{0,3}}?{_ROLE}\b",
)
# A party, faction or member of parliament as the subject of reported speech ("Die SPD-Fraktion begrüßt ...",
# "Die Landtagsabgeordneten ... begrüßen").
_SUBJECT = (
    r"(?:Fraktion|Ratsfraktion|Kreistagsfraktion|LINKE|Linke|SPD|CDU|CSU|Grünen|GRÜNE|FDP|AfD|Freie[n]?\s+Wähler|"
    r"Volt|ÖDP|Piraten|Abgeordnete[n]?|Landtagsabgeordnete[n]?|Bundestagsabgeordnete[n]?|MdL|MdB|Ortsverband|"
    r"Kreisverband|Ortsverein|Stadtverband|Wählergemeinschaft)"
)
REPORTED = re.compile(
    rf"\b{_SUBJECT}\b[^.?!\n]{{0,80}}?\b(?:fordert|fordern|kritisiert|kritisieren|begrüßt|begrüßen|verurteilt|"
    rf"verurteilen|bedauert|bedauern|lehnt|lehnen|warnt|warnen|freut\s+sich|freuen\s+sich|zeigt\s+sich|"
    rf"zeigen\s+sich|appelliert|appellieren|erklärt|erklären|mahnt|mahnen)\b"
)
# Press contact at the foot: "Pressekontakt", "Für Rückfragen", "V.i.S.d.P.".
CONTACT = re.compile(
    r"\b(?:Pressekontakt|Pressesprecher(?:in)?|Pressestelle|Pressereferent(?:in)?|Medienkontakt|Für\s+Rückfragen|"
    r"Rückfragen\s+(?:an|bitte|richten)|Kontakt\s+für\s+(?:die\s+)?(?:Presse|Medien)|"
    r"Ansprechpartner(?:in)?\s+für\s+(?:die\s+)?(?:Presse|Medien))\b",
    re.IGNORECASE,
)
VISDP = re.compile(r"\bV\.?\s?i\.?\s?S\.?\s?d\.?\s?P\b\.?", re.IGNORECASE)
PRESS_STRONG = 3  # the score from which the form alone types a press release


def _dateline(text: str) -> int:
    """2 for a press dateline opening one of the first paragraphs, else 0."""
    for line in lines(text[:HEAD_CHARS * 2])[:25]:
        if len(line.split()) < 6:
            continue
        if DATELINE.match(line):
            return 2
        m = CAPS_DATELINE.match(line)
        if m and not parties_in(m.group("place")) and not any(p.search(m.group("place")) for _, p in TYPE_WORDS):
            if not re.match(r"^(?:BEGRÜNDUNG|BESCHLUSS|SACHVERHALT|BETREFF|HINWEIS|FRAGE|ANTWORT|TOP)", m["place"]):
                return 2
    return 0


def press_signals(text: str) -> dict[str, int]:
    """The press-release form of a text, by kind of evidence: a dateline opening one of the first paragraphs
    (2), quotes attributed to a named speaker (2, a second one 1 more), reported speech of a party, faction or
    member (1 each, up to 2), a press contact (2; V.i.S.d.P. alone 1). Only kinds found are listed."""
    body = text[:8000]
    foot = text[-3000:] if len(text) > 8000 else ""
    quotes = {m.start() // 80 for p in (QUOTE_ATTRIBUTED, SPEAKER_COLON, SPEECH_INTRO) for m in p.finditer(body)}
    contact = 2 if CONTACT.search(body) or CONTACT.search(foot) else 0
    contact = contact or (1 if VISDP.search(body) or VISDP.search(foot) else 0)
    found = {
        "dateline": _dateline(text),
        "quotes": 0 if not quotes else 2 if len(quotes) == 1 else 3,
        "reported": min(len(REPORTED.findall(body)), 2),
        "contact": contact,
    }
    return {kind: points for kind, points in found.items() if points}


def press_score(text: str) -> int:
    """How strongly the text has the form of a press release (see press_signals); 0 unless the evidence is of
    two kinds at least (quotes alone are also found in a newsletter or a flyer)."""
    found = press_signals(text)
    return sum(found.values()) if len(found) >= 2 else 0


def inquiry_form(text: str) -> bool:
    """Whether the text asks the administration questions: "Wir fragen die Verwaltung", two numbered questions."""
    body = text[:8000]
    return bool(INQUIRY_FORM.search(body)) or len(QUESTION.findall(body)) >= 2


def press_confidence(score: int) -> float:
    """From FORM_WEAK at the threshold up to FORM_STRONG (a dateline, quotes, reported speech and a contact)."""
    return round(min(FORM_STRONG, FORM_WEAK + 0.05 * (score - PRESS_STRONG)), 2)


def _press_form(text: str, threshold: int = PRESS_STRONG) -> bool:
    """Whether the text has a press release's form at least this strongly and no motion's or inquiry's form."""
    return press_score(text) >= threshold and not MOTION_FORM.search(text[:6000]) and not inquiry_form(text)


def by_form(text: str) -> tuple[str, float]:
    """The type from the body's form when no type word is printed: a motion's resolution wording, an inquiry's
    questions, a press release's dateline, quotes and contact; else sonstiges."""
    body = text[:6000]
    if BODY_MOTION.search(body):
        return "antrag", BODY
    if inquiry_form(text):
        return "anfrage", BODY
    if _press_form(text):
        return "pressemitteilung", press_confidence(press_score(text))
    if BODY_PRESS.search(body[:3000]):
        return "pressemitteilung", BODY
    return "sonstiges", NOTHING
