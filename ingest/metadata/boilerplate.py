"""Page chrome around text copied from a website, and stamp noise in scanned letterheads.

A web copy starts with what the site prints around every page: skip links ("Zum Inhalt springen"), menus,
breadcrumbs ("Start » Aktuelles » Pressemitteilungen"), cookie banners, share buttons, picture credits
("© pixabay, geralt", "Foto: privat"), the post's byline ("Veröffentlicht am 12. März 2024 von Redaktion"),
categories, tags and the reading time; it ends with "Nach oben" and "Impressum Datenschutz Kontakt".
``strip_boilerplate`` drops such lines from the head (the first lines of real content) and from the end, by
general patterns: a line goes only if it is short and made of chrome words, so prose and a real title that
merely mentions "Cookies" stay. A byline keeps its date, the one date a web copy may print.

``is_noise_line`` tells a scanned form's stamp or box line ("Eingang 12. MRZ 2024", "|__|__|", "I l 1 .")
from a line with words; extractors that read the letterhead can skip those.
"""

import re

from ingest.metadata.dates import dates_in

# The head: chrome is removed until this many lines of content (non-chrome, non-empty) have been seen.
HEAD_CONTENT_LINES = 15
HEAD_CONTENT_CHARS = 2500
SHORT_WORDS = 12  # a chrome line has at most this many words ...
SHORT_CHARS = 120  # ... and characters (breadcrumbs and nav bars may be longer, see below)

_I = re.IGNORECASE
# Skip links and menu toggles.
_SKIP_LINK = re.compile(
    r"^(?:(?:direkt\s+)?zu[mr]?\s+(?:Haupt)?(?:inhalt|navigation|menü|suche|footer|fußzeile)(?:\s+(?:springen|wechseln|"
    r"gehen))?|spring(?:e|en)?\s+zu[mr]?\s+(?:Haupt)?(?:inhalt|navigation)|skip\s+to\s+(?:main\s+)?(?:content|"
    r"navigation)|seite\s+wählen|(?:menü|menu|navigation|suche|suchfeld)\s+(?:öffnen|schließen|umschalten|anzeigen|"
    r"ein-?\s*/?\s*ausblenden)|toggle\s+navigation|navigation\s+(?:überspringen|anzeigen)|suche(?:n)?\s+nach\s*:?|"
    r"suchbegriff(?:\s+eingeben)?|(?:ihr\s+)?suchbegriff\s*\.{0,3}|wonach\s+suchen\s+sie\s*\??|"
    r"sie\s+(?:sind|befinden\s+sich)\s+hier\s*:?|du\s+bist\s+hier\s*:?)\W*$",
    _I,
)
# Words a menu or footer bar is made of; a line of two or more of them (and nothing else) is a nav bar.
_NAV_WORDS = (
    r"startseite|start|home|menü|menu|hauptmenü|navigation|suche|suchen|aktuelles|aktuell|news|neuigkeiten|"
    r"presse|pressebereich|termine|veranstaltungen|kontakt|impressum|datenschutz|datenschutzerklärung|"
    r"barrierefreiheit|erklärung\s+zur\s+barrierefreiheit|sitemap|login|anmelden|abmelden|mitglied\s+werden|"
    r"mitmachen|spenden|newsletter|nach\s+oben|zurück\s+nach\s+oben|zurück|weiter|übersicht|archiv|blog|"
    r"über\s+uns|themen|leichte\s+sprache|gebärdensprache|english|deutsch|cookie-?einstellungen|"
    r"cookie-?richtlinie|privatsphäre-?einstellungen|agb|rss|feed|downloads?|mediathek|team|wir\s+über\s+uns"
)
_NAV_BAR = re.compile(rf"^(?:(?:{_NAV_WORDS})(?:\s*[|·•/–,-]\s*|\s+|$))+$", _I)
# Chrome that may stand alone on a line (a single nav word like "Presse" or "Newsletter" may be content).
_NAV_ALONE = re.compile(
    r"^(?:startseite|home|menü|menu|hauptmenü|navigation|hauptnavigation|suche|suchen|nach\s+oben|"
    r"zurück\s+(?:nach\s+oben|zur\s+übersicht|zur\s+startseite)|zum\s+seitenanfang|seitenanfang|"
    r"schließen|close|weiterlesen|mehr\s+lesen|mehr\s+erfahren|alle\s+beiträge|zur\s+übersicht|"
    r"(?:vorheriger|nächster|älterer|neuerer)\s+(?:beitrag|artikel|eintrag)|"
    r"(?:keine|\d+)\s+kommentare?|kommentar(?:e)?\s+(?:schreiben|verfassen|hinterlassen)|antworten|"
    r"(?:ähnliche|verwandte|weitere)\s+(?:beiträge|artikel)|das\s+könnte\s+(?:sie|dich)\s+auch\s+interessieren)"
    r"\W*$",
    _I,
)
_NAV_ALONE_NOT = re.compile(r"^(?:newsletter|themen|team|english|deutsch|weiter|zurück)\W*$", _I)
# A breadcrumb: short parts joined by » › > (or | / after "Start"/"Home"), e.g. "Home > Presse > Radweg".
_CRUMB_SEP = re.compile(r"\s*[»›>→]\s*|\s+[|/]\s+")
_CRUMB_START = re.compile(r"^(?:startseite|start|home|übersicht|sie\s+sind\s+hier:?|du\s+bist\s+hier:?)$", _I)
# Cookie banners: their buttons and their opening sentence ("Wir verwenden Cookies, um ...").
_COOKIE_BUTTON = re.compile(
    r"^(?:(?:alle\s+)?(?:cookies\s+)?(?:akzeptieren|zustimmen|annehmen|ablehnen|erlauben|zulassen)(?:\s+und\s+"
    r"(?:schließen|fortfahren|weiter))?|(?:nur\s+)?(?:notwendige|essenzielle|erforderliche)\s+cookies(?:\s+"
    r"(?:akzeptieren|zulassen|erlauben))?|alle\s+(?:cookies\s+)?(?:akzeptieren|ablehnen|zulassen|auswählen)|"
    r"(?:cookie-?|datenschutz-?|privatsphäre-?)?einstellungen(?:\s+(?:speichern|anpassen|verwalten|ändern))?|"
    r"auswahl\s+(?:speichern|bestätigen|erlauben)|individuelle\s+(?:datenschutz)?einstellungen|"
    r"cookie-?(?:hinweis|banner|richtlinie|zustimmung|einstellungen)|ok(?:ay)?|verstanden|einverstanden|"
    r"ich\s+stimme\s+zu|ich\s+bin\s+einverstanden|accept(?:\s+all)?|reject(?:\s+all)?)\W*$",
    _I,
)
_COOKIE_SENTENCE = re.compile(
    r"^(?:wir|diese\s+(?:web)?seite|diese\s+website|unsere\s+(?:web)?seite|unsere\s+website|die\s+website|"
    r"diese\s+internetseite|um\s+unsere\s+(?:web)?seite)\b[^.!?]{0,80}?\b(?:verwende[nt]?|nutz(?:t|en)|benutz(?:t|en)|"
    r"setz(?:t|en)|einsetz(?:t|en)|speicher(?:t|n))\b[^.!?]{0,60}?\bcookies?\b",
    _I,
)
_COOKIE_CONSENT = re.compile(r"\bcookies?\b.{0,120}\b(?:zustimm|akzeptier|einwillig|einverstanden|ablehn)", _I)
# Share and print buttons: a line of nothing but these.
_SHARE_WORDS = (
    r"teilen|teile|share|beitrag\s+teilen|seite\s+teilen|artikel\s+teilen|diesen\s+beitrag\s+teilen|teilen\s+auf|"
    r"teilen\s+mit|auf\s+\w+\s+teilen|facebook|twitter|x|whatsapp|e-?mail|mail|telegram|linkedin|xing|pinterest|"
    r"instagram|youtube|mastodon|threads|bluesky|tiktok|reddit|messenger|signal|link\s+kopieren|kopieren|drucken|"
    r"seite\s+drucken|artikel\s+drucken|beitrag\s+drucken|druckversion|pdf|als\s+pdf|tweet|teilen:|folgen|folge\s+uns"
)
_SHARE = re.compile(rf"^(?:(?:{_SHARE_WORDS})(?:\s*[|·•/,:-]\s*|\s+|$))+$", _I)
_SHARE_ALONE_NOT = re.compile(r"^(?:e-?mail|mail|pdf|x|kopieren|signal|folgen|threads)\W*$", _I)
# Picture credits: "© pixabay, geralt", "Foto: privat", "Bild: SPD Bochum", "Bildquelle: ...".
_CREDIT = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|(?:titel|beitrags|vorschau|header)?(?:foto|bild|grafik)s?(?:quelle|nachweis|"
    r"rechte)?\s*(?::|©|\(c\)|/)|(?:foto|bild)(?:quelle|nachweis)\b|quelle\s+(?:foto|bild)\s*:|bilder\s*:|"
    r"fotos?\s+(?:von|by)\b|photo\s*(?::|by\b)|image\s*:|credits?\s*:|alle\s+rechte\s+vorbehalten)",
    _I,
)
# The post's byline and meta: "Veröffentlicht am 12. März 2024 von Redaktion", "von Redaktion | 12.03.2024",
# "Kategorie: Pressemitteilungen", "Schlagwörter: Radverkehr, Klima", "Lesezeit 3 Minuten".
_BYLINE = re.compile(
    r"^(?:(?:veröffentlicht|publiziert|erstellt|geschrieben|gepostet|eingestellt|verfasst|aktualisiert|"
    r"zuletzt\s+(?:aktualisiert|geändert|bearbeitet)|letzte\s+(?:änderung|aktualisierung)|posted|published)"
    r"(?:\s+(?:am|von|in|um|unter|by|on)\b|\s*:)|(?:von|by|autor(?:in)?\s*:)\s+[^|]{1,40}\|)",
    _I,
)
_META = re.compile(
    r"^(?:kategorien?|rubriken?|schlagw(?:ö|o)rte?r?|schlagworte|stichw(?:ö|o)rte?r?|tags?|themen|abgelegt\s+unter|"
    r"veröffentlicht\s+in|gespeichert\s+unter|filed\s+under|categor(?:y|ies))\s*:",
    _I,
)
_READING_TIME = re.compile(
    r"^(?:(?:geschätzte\s+)?(?:lesezeit|lesedauer)\s*:?\s*(?:ca\.?\s*|etwa\s+|unter\s+)?\d+(?:\s*[-–]\s*\d+)?\s*"
    r"(?:minuten?|min\.?)|(?:ca\.?\s*)?\d+\s*(?:minuten?|min\.?)\s+(?:lesezeit|lesedauer|lesen))\W*$",
    _I,
)
_HASHTAGS = re.compile(r"^(?:#[\w-]+[\s,]*){1,12}$")
# The end of a web page: copyright, "Powered by WordPress", back links.
_FOOTER = re.compile(
    r"^(?:powered\s+by\b|proudly\s+powered|designed\s+by\b|theme\s+(?:by|von)\b|erstellt\s+mit\b|"
    r"made\s+with\b|webdesign\b|realisiert\s+(?:von|durch)\b)",
    _I,
)


def _words(line: str) -> int:
    return len(line.split())


def _short(line: str, words: int = SHORT_WORDS, chars: int = SHORT_CHARS) -> bool:
    return _words(line) <= words and len(line) <= chars


def _is_breadcrumb(line: str) -> bool:
    if len(line) > 160 or _words(line) > 20:
        return False
    head = re.match(r"^(?:sie\s+sind\s+hier|du\s+bist\s+hier)\s*:\s*", line, _I)
    body = line[head.end():] if head else line
    parts = [p for p in _CRUMB_SEP.split(body) if p.strip()]
    if len(parts) < 2 or any(_words(p) > 10 for p in parts) or body.rstrip()[-1:] in ".!?":
        return False
    arrows = len(re.findall(r"[»›>→]", body))
    return bool(head) or bool(_CRUMB_START.match(parts[0].strip())) or (arrows >= 2 and len(parts) >= 3)


def _reduced_byline(line: str) -> str | None:
    """A byline with a date keeps the date, as printed ("Veröffentlicht am 12. März 2024 von X" -> "12. März
    2024"); other bylines go entirely (None)."""
    found = dates_in(line)
    if not found:
        return None
    start = found[0][0]
    m = re.match(r"\d{1,2}\.\s?(?:\d{1,2}\.\s?\d{2,4}|[^\W\d_]+\.?\s+\d{4})|\d{4}-\d{2}-\d{2}", line[start:])
    return m.group() if m else None


def is_chrome_line(line: str, leading: bool = False) -> bool:
    """Whether a (cleaned, stripped) line is page chrome: navigation, breadcrumb, cookie banner, share buttons,
    picture credit, byline, category/tag line, reading time or a page footer. Content lines never are: chrome is
    short, or (a cookie banner's opening sentence) names cookies in the way only banners do. ``leading``: the
    line comes before any content but menu items, where a single one ("Aktuelles", "Presse") is chrome too."""
    line = line.strip()
    if not line:
        return False
    if leading and _NAV_BAR.match(line) and not _NAV_ALONE_NOT.match(line):
        return True
    if _COOKIE_SENTENCE.match(line) and _words(line) <= 45:
        return True
    if _is_breadcrumb(line):
        return True
    if not _short(line, chars=160):
        return False
    if _NAV_BAR.match(line) and (_words(line) >= 2 and len(re.findall(r"[^\W\d_]{2,}", line)) >= 2):
        return True
    if _SHARE.match(line) and not _SHARE_ALONE_NOT.match(line):
        return True
    if not _short(line):
        return False
    return bool(
        _SKIP_LINK.match(line) or _NAV_ALONE.match(line) or _COOKIE_BUTTON.match(line) or _CREDIT.match(line)
        or _BYLINE.match(line) or _META.match(line) or _READING_TIME.match(line) or _HASHTAGS.match(line)
        or _FOOTER.match(line) or (_COOKIE_CONSENT.search(line) and _words(line) <= 25)
    )


def strip_boilerplate(text: str) -> str:
    """``text`` (cleaned: one stripped line per line) without the chrome lines of its head and its end.

    In the head, up to the HEAD_CONTENT_LINES-th line of content, every chrome line goes; a removed line between
    content lines leaves one empty line, so that a title does not run on into what followed the chrome. At the
    end, chrome lines and empty lines go until the last line of content. Idempotent; content lines are never
    changed, except that a byline is reduced to its date."""
    lines = text.split("\n")
    out: list[str] = []
    content = chars = 0
    pending_break = False  # a chrome line was just removed
    menu = True  # no line of more than two words yet: single menu items ("Aktuelles") are still chrome
    i = 0
    while i < len(lines) and content < HEAD_CONTENT_LINES and chars < HEAD_CONTENT_CHARS:
        line = lines[i]
        i += 1
        if line and is_chrome_line(line, leading=menu):
            line = _reduced_byline(line) if _BYLINE.match(line) else None
            if line is None:
                pending_break = True
                continue
        if not line:
            if not (pending_break and (not out or not out[-1])):
                out.append(line)
            continue
        if pending_break and out and out[-1]:
            out.append("")
        pending_break = False
        out.append(line)
        menu = menu and len(line.split()) <= 2
        content += 1
        chars += len(line)
    out.extend(lines[i:])
    first = next((n for n, line in enumerate(out) if line), len(out))
    end, cut = len(out), len(out)
    while end - 1 > first and (not out[end - 1] or is_chrome_line(out[end - 1])):
        end -= 1
        if out[end]:
            cut = end  # empty lines go only together with chrome
    while cut < len(out) and cut > 0 and not out[cut - 1]:
        cut -= 1
    return "\n".join(out[:cut])


# --- scanned letterheads: stamps and form boxes ---------------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]+")
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_] ){2,}[^\W\d_](?![^\W\d_])")
_STAMP = re.compile(
    r"^\W*(?:eingang|eingegangen|posteingang|eing\.|zugang|zugegangen|erhalten|empfangen)\b(?:\s*(?:am|:))?"
    r"[\s\d.:/,-]*(?:[^\W\d_]{3,4}\.?)?[\s\d.:/,-]*(?:uhr)?\W*$",
    _I,
)


def join_letter_spacing(line: str) -> str:
    """"A n t r a g  d e r  F r a k t i o n" -> "AntragderFraktion": runs of three or more single letters are
    joined (the word gaps of letter-spaced type are lost once spaces are unified)."""
    return _SPACED.sub(lambda m: m.group().replace(" ", ""), line)


def is_noise_line(line: str) -> bool:
    """Whether a letterhead line carries no words: a received stamp ("Eingang 12. MRZ 2024"), a form box
    ("|__|__|", "[ ]"), OCR speckle ("I l 1 . ,"). A line of a date only is not noise, nor is letter-spaced
    type ("A n t r a g")."""
    line = line.strip()
    if not line:
        return False
    if _STAMP.match(line):
        return True
    if dates_in(line):
        return False
    words = _LETTERS.findall(join_letter_spacing(line))
    long_words = [w for w in words if len(w) >= 3]
    if not long_words:
        return True
    visible = len(re.sub(r"\s", "", line))
    alnum = len(re.findall(r"[^\W_]", line))
    return len(long_words) == 1 and alnum < 0.4 * visible  # one word among box rules: "|__| Nr |__|__|"
