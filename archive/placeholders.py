"""What makes a motion local, found in its text and replaced by placeholders: the template's rules.

``for_document(row)`` builds a ``Replacer`` from a stored document: its own metadata names the strings to replace
(the Kommune and its Kreis, the faction as printed, the parties and their aliases from ``ingest.reference``), and
rules find the rest: council bodies, dates, reference numbers, contact details and names of people. No model, no
network: names are found by

* titles and offices before them: "Herr Müller", "Frau Dr. Schmidt", "Ratsmitglied Anna Berg",
  "Oberbürgermeister Thomas Eiskirch", "Fraktionsvorsitzende Maria Schneider";
* a first name of ``ingest/reference/first_names.txt`` followed by a capitalised surname ("Maria Schneider");
* signatures: "gez. Schneider", and the lines beside an office ("Maria Schneider" over "Fraktionsvorsitzende") or
  after a greeting ("Mit freundlichen Grüßen");

and once found, a name's surname is replaced wherever it stands again ("Schneider betonte").
``Replacer.spans(text)`` gives the non-overlapping spans to replace (earliest first, the longest at one start).
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest import reference

FRAKTION, KOMMUNE, GREMIUM, DATUM, NAME, DRUCKSACHE, KONTAKT = (
    "[FRAKTION]", "[KOMMUNE]", "[GREMIUM]", "[DATUM]", "[NAME]", "[DRUCKSACHE]", "[KONTAKT]")
PLACEHOLDERS = (FRAKTION, KOMMUNE, GREMIUM, DATUM, NAME, DRUCKSACHE, KONTAKT)
FIRST_NAMES = Path(reference.__file__).with_name("first_names.txt")
# first names that are mostly something else in a council's text (months, currencies)
NOT_FIRST_NAMES = frozenset({"August", "Mark", "Mai", "Juni", "Juli", "April", "Winter", "Sommer"})

_S = "[ \u00a0]"  # a space inside a line (never a tab or a line break: a placeholder stays within one)
_UPPER = "A-ZÄÖÜ"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f"  # ß, à-ö, ø-ÿ and Latin Extended-A: "Høyem", "Çelik"
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_PARTICLE = rf"(?:von|van|de|del|da|zu|vom|von{_S}der|van{_S}der|van{_S}den|ten|ter)"
_ACADEMIC = rf"(?:(?:Dr|Prof)\.(?:{_S}?(?:med|phil|rer\.{_S}?nat|jur|h\.{_S}?c)\.)*{_S}*|Dipl\.-[\w]+\.?{_S}+)"
SURNAME = rf"(?:{_PARTICLE}{_S}+)?{_NAME_WORD}"
PERSON = rf"{_NAME_WORD}(?:{_S}+[{_UPPER}]\.)?(?:{_S}+{_NAME_WORD})?{_S}+{SURNAME}"
# offices and forms of address before a name; the office stays, the name becomes [NAME]
TITLES = (
    r"Herrn?|Frau|Hr\.|Fr\.|Ratsmitglied(?:es)?|Ratsherrn?|Ratsfrau|Stadträtin|Stadtrat|Stadtverordnete[rn]?|Gemeinderätin|"
    r"Gemeinderat|Gemeinderatsmitglied|Kreisrätin|Kreisrat|Kreistagsmitglied|Ortsvorsteher(?:in)?|"
    r"Bezirksverordnete[rn]?|Bezirksvertreter(?:in)?|Bezirksbürgermeister(?:in)?|(?:Ober)?[Bb]ürgermeister(?:in)?|"
    r"Landrat|Landrätin|Beigeordnete[rn]?|Dezernent(?:in)?|Stadtdirektor(?:in)?|Kämmerer|Kämmerin|"
    r"(?:stellvertretende[rn]?\s)?(?:Fraktions)?[Vv]orsitzende[rn]?|(?:Fraktions|Presse)?[Ss]precher(?:in)?|"
    r"Geschäftsführer(?:in)?|Referent(?:in)?|Abgeordnete[rn]?|MdL|MdB|MdEP|Kollegin|Kollegen?|Genossin|Genossen?"
)
TITLE_WORD = re.compile(rf"^(?:{TITLES}|Dr\.|Prof\.)$")
# capitalised words that follow an office but are no name ("Herr Oberbürgermeister, ...", "Die Vorsitzende Die Linke")
NOT_NAMES = frozenset(
    "Der Die Das Den Dem Des Ein Eine Einen Einem Einer Und Oder Im In Am An Zu Zur Zum Für Von Vom Mit Bei Auf Aus "
    "Nach Über Unter Vor Wir Ihr Sie Es Er Ich Dies Diese Dieser Dieses Alle Sehr Stadt Gemeinde Kreis Rat Fraktion "
    "Verwaltung Antrag Anfrage Bürgermeister Bürgermeisterin Oberbürgermeister Oberbürgermeisterin Präsident "
    "Präsidentin Vorsitzender Vorsitzende Kollege Kollegin Kollegen Damen Herren Landrat Landrätin "
    "Beigeordneter Fax Tel Telefon Mobil Mail E-Mail Email Internet Web Homepage Ortsbeirat Stadtteilbeirat".split())
# words that are nouns, not surnames ("die Bezirksverordneten Sitzungsgelder", "Fraktionsvorsitzender Gartenpartei")
NOUN_ENDING = re.compile(r"(?:ung|ungen|heit|keit|schaft|gelder|ionen|ität|ismus|nahme|pläne|partei|fraktion|"
                         r"verwaltung|ausschuss|beirat|gesetz|politik|kasse|stelle)$")
# what a first name and a capitalised word before these is: a place named after someone ("Anne Frank Schule")
PLACE_NOUNS = frozenset("Schule Gesamtschule Realschule Grundschule Gymnasium Straße Strasse Platz Allee Weg Ring Haus "
                        "Halle Park Stiftung Preis Zentrum Brücke Kaserne Institut".split())
PLACE_WORDS = re.compile(rf"{_S}+(?:{'|'.join(PLACE_NOUNS)})\b")
# a line that is an office alone (a signature's second line) or a greeting before the signature
ROLE_LINE = re.compile(
    rf"^(?:{TITLES}|(?:Rats|Kreistags|Fraktions|Gemeinderats|Stadtrats|Bezirks)mitglied|Mitglied des \w+.*|"
    r"(?:[\w-]+\s)?(?:Fraktionsvorsitzende[rn]?|Fraktionsgeschäftsführer(?:in)?|[Ss]precher(?:in)?\s.*))$")
GREETING = re.compile(r"^(?:Mit\s)?(?:freundlichen|besten|herzlichen|solidarischen|kollegialen)\s+Grüßen|"
                      r"^(?:Freundliche|Beste|Herzliche|Solidarische)\s+Grüße|^Für die \w*[Ff]raktion|"
                      r"^(?:gez\.|i\.\s?A\.|i\.\s?V\.|Unterzeichnet von:?)$", re.IGNORECASE)
BARE_NAME = re.compile(rf"^(?:{_ACADEMIC})?{_NAME_WORD}(?:{_S}+[{_UPPER}]\.)?(?:{_S}+{SURNAME}){{1,2}}"
                       rf"(?:{_S}*\([^)]{{1,30}}\))?$")

_MONTHS = "Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
_MONTH_SHORT = r"Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sept?|Okt|Nov|Dez"
_WEEKDAY = rf"(?:(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag),?{_S}+(?:den{_S}+)?)?"
DATES = re.compile(
    rf"{_WEEKDAY}(?:(?<![\d.])\d{{1,2}}\.{_S}?\d{{1,2}}\.{_S}?(?:\d{{4}}|\d{{2}})(?![\d.]\d)"
    rf"|(?<!\d)\d{{1,2}}\.{_S}*(?:{_MONTHS}|(?:{_MONTH_SHORT})\.)(?:{_S}+\d{{4}})?(?!\d)"
    rf"|\b(?:{_MONTHS}){_S}+\d{{4}}(?!\d)"
    rf"|(?<![\d-])\d{{4}}-\d{{2}}-\d{{2}}(?![\d-]))")
# reference numbers: the label stays, the number becomes [DRUCKSACHE]
_REF_LABEL = (rf"(?:Drucksachen?|Drs\.|Ds\.|DS|Vorlagen?|Beschlussvorlage|Sitzungsvorlage|Verwaltungsvorlage|"
              rf"Aktenzeichen|Az\.|TOP|Tagesordnungspunkt)(?:-?Nr\.?|-?Nummer|{_S}+Nr\.?)?")
_REF_NUMBER = (rf"(?:[A-ZÖ]{{1,4}}{_S}?[/-]?{_S}?)?(?:[IVX]{{1,4}}/)?\d+"
               rf"(?:{_S}?[./-]{_S}?(?:\d[\dA-Za-z]*|[A-Za-z]{{1,4}}(?=[./-]\d)|[a-z]\b))*(?<![./-])(?![\w-])")
REFERENCES = re.compile(
    rf"\b(?:{_REF_LABEL}|(?:Antrag|Anfrage)(?:-?Nr\.?|-?Nummer|{_S}+Nr\.?))"
    rf"{_S}*:?{_S}*(?P<v>{_REF_NUMBER})")
# a number of the form year/number or number/year ("2019/0936", "512/2025", a party conference's "121/II/2014"),
# not a span of years ("2019/2020")
BARE_REFERENCE = re.compile(r"(?<![\w/.-])(?:(?:19|20)\d{2}/\d{3,5}|\d{2,5}/(?:19|20)\d{2}|[IVX]{1,4}/\d{1,4}/\d{2,4}|"
                            r"\d{1,4}(?:\.\d{1,2})?/[IVX]{1,4}/(?:19|20)\d{2})(?![\w/.-])")
_LEGAL_BEFORE = re.compile(r"(?:\((?:EU|EG|EWG)\)|\b(?:EU|EG)|Verordnung|Richtlinie|VO)\s*(?:Nr\.\s*)?$")
CONTACTS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    rf"|(?:Tel(?:efon)?\.?|Fon|Fax|Mobil|Handy|Tel\.?{_S}?/{_S}?Fax)(?:{_S}*\(\w+\))?{_S}*:?{_S}*"
    r"(?P<v>\+?\d[\d /()-]{5,}\d)")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”]+[^\s<>\"“”.,;:)]")

_GREMIUM_WORDS = (
    "Stadtrat(?:es|s)?|Gemeinderat(?:es|s)?|Rat(?:es|s)?|Kreistag(?:es|s)?|Kreisausschuss(?:es)?|"
    "Stadtverordnetenversammlung|Gemeindevertretung|Stadtvertretung|Bezirksvertretung|Bezirksverordnetenversammlung|"
    "Bürgerschaft|Ortsbeirat(?:es|s)?|Ortschaftsrat(?:es|s)?|Ortsrat(?:es|s)?|Ortsgemeinderat(?:es|s)?|"
    "Bezirksbeirat(?:es|s)?|Bezirksausschuss(?:es)?|Stadtteilbeirat(?:es|s)?|Verbandsgemeinderat(?:es|s)?|"
    "Samtgemeinderat(?:es|s)?|Regionalversammlung|Magistrat(?:es|s)?|Haupt-{_S}und{_S}Finanzausschuss(?:es)?|"
    "[A-ZÄÖÜ][a-zäöüß]*(?:-{_S}und{_S}[A-ZÄÖÜ][a-zäöüß]*)?ausschuss(?:es)?|"
    "Ausschuss(?:es)?{_S}(?:für|fuer){_S}[A-ZÄÖÜ][\\w-]*(?:(?:,{_S}|{_S}und{_S}|{_S}&{_S})[A-ZÄÖÜ][\\w-]*)*"
).replace("{_S}", _S)
_TOWN_KIND = ("Stadt|Gemeinde|Hansestadt|Universitätsstadt|Kreisstadt|Großen Kreisstadt|Landeshauptstadt|Bundesstadt|"
              "Stadtgemeinde|Marktgemeinde|Ortsgemeinde|Verbandsgemeinde|Samtgemeinde|Kreises|Landkreises|Region|"
              "Bezirks|Stadtbezirks|Städteregion")
_PLACE = rf"[{_UPPER}][\w.-]*(?:{_S}(?:a\.|an|am|im|in|ob|bei|vor|auf)(?:{_S}der|{_S}dem)?{_S}[{_UPPER}][\w.-]*)?"
GREMIUM_RE = re.compile(rf"\b(?:{_GREMIUM_WORDS})(?:{_S}(?:der|des){_S}(?:{_TOWN_KIND}){_S}{_PLACE})?(?![\w-])")
# body words that are also the title of a person ("Stadtrat Peter Müller"): no council there
_PERSONAL_BODIES = re.compile(r"^(?:Stadtrat|Gemeinderat|Kreisrat|Ortsrat)$")
# a town's derived forms: Bochumer, Bochumerin, Karlsruher, Münsteraner(innen), Hamburgische, Bochums
TOWN_SUFFIXES = "e?r|e?rn|e?rin|e?rinnen|e?rs|s|aner|anern|aners|anerin|anerinnen|ische[nrms]?|isch"
_ARTICLE_BEFORE = re.compile(r"(?:\b(?:das|dem|des|ein|eine|einem|zum|beim|vom|beim|fürs|ums|gutes|warmes)\s+)$",
                             re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    placeholder: str


Rule = Callable[[str], Iterator[Span]]


def not_a_name(word: str) -> bool:
    """A capitalised word that is no (sur)name: an office, a form word, a noun by its ending, a place noun."""
    return word in NOT_NAMES or word in PLACE_NOUNS or bool(TITLE_WORD.match(word) or NOUN_ENDING.search(word))


@cache
def first_names() -> frozenset[str]:
    """First names common in Germany (``ingest/reference/first_names.txt``), without those that are mostly words."""
    lines = FIRST_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#")) - NOT_FIRST_NAMES


class Replacer:
    """The rules for one document; ``spans(text)`` finds what to replace in any of its texts (a paragraph, a run's
    paragraph, the whole text)."""

    def __init__(self, rules: list[Rule], names: Iterable[str] = ()):
        self.rules = rules
        self.names = tuple(sorted(set(names), key=len, reverse=True))
        self._known = _alternation(self.names, r"(?<![\w-])(?:@@)s?(?![\w-])")

    def spans(self, text: str) -> list[Span]:
        found = [span for rule in self.rules for span in rule(text)]
        if self._known is not None:
            found += [Span(m.start(), m.end(), NAME) for m in self._known.finditer(text)]
        found.sort(key=lambda s: (s.start, -(s.end - s.start)))
        kept: list[Span] = []
        for span in found:
            if span.end > span.start and (not kept or span.start >= kept[-1].end):
                kept.append(span)
        return kept

    def apply(self, text: str) -> str:
        """``text`` with every span replaced by its placeholder."""
        out, at = [], 0
        for span in self.spans(text):
            out += [text[at:span.start], span.placeholder]
            at = span.end
        return "".join([*out, text[at:]])


def for_document(row: dict, texts: Iterable[str] = ()) -> Replacer:
    """The replacer for a stored document (``row`` as ``Store.get`` gives it, with ``text``); ``texts`` are more
    texts of the same document to find names in (a DOCX's paragraphs, headers and footers)."""
    towns = _town_names(row)
    parties = _party_names(row)
    faction = " ".join((row.get("faction") or "").split())
    rules: list[Rule] = [
        _literal_rule([faction] if faction else [], FRAKTION, ignore_case=True),
        _faction_rule(parties),
        _literal_rule(parties, FRAKTION),
        _town_rule(towns),
        _regex_rule(DATES, DATUM),
        _regex_rule(REFERENCES, DRUCKSACHE),
        _bare_reference_rule,
        _regex_rule(CONTACTS, KONTAKT),
        _url_rule([*towns, *parties, faction]),
    ]
    places = {word.casefold() for town in towns for word in town.split()}
    people = [_not_placed(_title_rule, places), _not_placed(_first_name_rule, places)]
    names = {name for name in found_names(row.get("text") or "", *texts) if not _names_place(name, places)}
    rules += [*people, _gremium_rule(Replacer(people, names), towns)]
    return Replacer(rules, names)


def _names_place(name: str, places: set[str]) -> bool:
    return any(word.casefold() in places for word in name.split())


def _not_placed(rule: Rule, places: set[str]) -> Rule:
    """``rule`` without the names that are the town ("im Stadtrat Magdeburg")."""
    def filtered(text: str) -> Iterator[Span]:
        return (span for span in rule(text) if not _names_place(text[span.start:span.end], places))

    return filtered


# -- the document's own metadata -------------------------------------------


def _town_names(row: dict) -> list[str]:
    """The Kommune's and the Kreis's names as a text writes them: "Freiburg im Breisgau" and "Freiburg"."""
    names: list[str] = []
    for name, ars in ((row.get("municipality"), row.get("municipality_ars")), (row.get("district"),
                                                                             row.get("district_ars"))):
        if not name:
            continue
        place = reference.place_by_ars(ars or "")
        for variant in (name, *(place.official_name.split(",")[:1] if place else ())):
            names.append(variant.strip())
            head = re.split(r"\s(?:im|am|an der|in der|ob der|a\.\s?d\.|\()", variant, maxsplit=1)[0].strip()
            head = re.sub(r"^(?:Bad|Sankt|St\.)\s+", "", head) if head != variant else head
            if len(head) >= 4:
                names.append(head)
            if variant.startswith(("Landkreis ", "Kreis ")):
                names.append(variant.split(" ", 1)[1])
    return [name for name in dict.fromkeys(names) if name]


def _party_names(row: dict) -> list[str]:
    """The document's parties, their aliases, and acronyms of the faction's name ("UBL" of "UBL-Fraktion")."""
    names: list[str] = []
    aliases = reference.party_aliases()
    for party in row.get("parties") or ([row["party"]] if row.get("party") else []):
        names += [party, *aliases.get(party, ())]
    for acronym in re.findall(rf"(?<![\w-])[{_UPPER}]{{2,6}}\d?(?![\w])", row.get("faction") or ""):
        if acronym not in {"DIE", "DER", "DAS", "UND", "IM", "IN", "FRAKTION", "RAT"}:
            names.append(acronym)
    return [name for name in dict.fromkeys(names) if len(name) >= 2]


# -- rules -------------------------------------------------------------------


def _alternation(words: Iterable[str], template: str, flags: int = 0) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(_S.join(re.escape(part) for part in w.split()) for w in words)
    return re.compile(template.replace("@@", alternatives), flags)


def _regex_rule(pattern: re.Pattern, placeholder: str) -> Rule:
    def rule(text: str) -> Iterator[Span]:
        for m in pattern.finditer(text):
            group = "v" if "v" in pattern.groupindex and m.group("v") else 0
            yield Span(m.start(group), m.end(group), placeholder)

    return rule


def _literal_rule(words: list[str], placeholder: str, ignore_case: bool = False) -> Rule:
    pattern = _alternation(words, r"(?<![\w-])(?:@@)(?![\w])", re.IGNORECASE if ignore_case else 0)
    return _regex_rule(pattern, placeholder) if pattern else _nothing


def _nothing(_text: str) -> Iterator[Span]:
    return iter(())


def _faction_rule(parties: list[str]) -> Rule:
    """Faction phrases: "SPD-Fraktion", "Fraktion DIE LINKE.", "CDU-Ratsfraktion", "Linksfraktion", and without a
    known party any "…fraktion" compound with its name ("UBL-Fraktion")."""
    party = "|".join(_S.join(map(re.escape, p.split())) for p in sorted(parties, key=len, reverse=True)) or "(?!)"
    pattern = re.compile(
        rf"(?<![\w-])(?:(?:{party})-?{_S}?[\w-]*[Ff]raktion(?:en)?(?![\w])"
        rf"|(?:[\w-]*[Ff]raktion|Gruppe){_S}+(?:der{_S}+|von{_S}+)?(?:{party})(?![\w])"
        rf"|Linksfraktion|[{_UPPER}][\w./+]*-(?:Rats|Kreistags|Gemeinderats|Stadtrats|Bezirks)?[Ff]raktion(?:en)?"
        rf"(?![\w]))")
    return _regex_rule(pattern, FRAKTION)


def _town_rule(towns: list[str]) -> Rule:
    """The Kommune with its postcode and derived forms ("44787 Bochum", "Bochumer", "Karlsruher", "Münsteraner",
    "Hamburgische", "Bochums"), also after a hyphen ("SPD-Herzogenrath");
    case-insensitive ("BOCHUM. Die ..."), but a town that is also a word ("Essen") not after an article
    ("das Essen")."""
    pattern = _alternation(towns, rf"(?<!\w)(?:\d{{5}}{_S})?(?:@@)(?:{TOWN_SUFFIXES})?(?![\w])", re.IGNORECASE)
    if pattern is None:
        return _nothing
    homonyms = {name.casefold() for name in reference.homonyms()}

    def rule(text: str) -> Iterator[Span]:
        for m in pattern.finditer(text):
            name = re.sub(r"^\d{5}\s", "", m.group())
            if not name[0].isupper():
                continue
            if _stem(name, towns).casefold() in homonyms and _ARTICLE_BEFORE.search(text[:m.start()]):
                continue
            yield Span(m.start(), m.end(), KOMMUNE)

    return rule


def _bare_reference_rule(text: str) -> Iterator[Span]:
    for m in BARE_REFERENCE.finditer(text):
        left, _, right = m.group().partition("/")
        legal = _LEGAL_BEFORE.search(text[max(0, m.start() - 30):m.start()])  # "Verordnung (EU) 2016/679"
        if not (_is_year(left) and _is_year(right)) and not legal:
            yield Span(m.start(), m.end(), DRUCKSACHE)


def _is_year(value: str) -> bool:
    return len(value) == 4 and value[:2] in ("19", "20")


def _stem(found: str, towns: list[str]) -> str:
    """The town name of a match ("Essener" -> "Essen")."""
    folded = found.casefold()
    return next((t for t in sorted(towns, key=len, reverse=True) if folded.startswith(t.casefold())), found)


def _url_rule(terms: list[str]) -> Rule:
    """Web addresses that name the town, the party or the faction ("www.linke-bochum.de")."""
    keys = {re.sub(r"[^a-z0-9]", "", reference.fold(t)) for t in terms if t}
    keys = {k for k in keys if len(k) >= 3}

    def rule(text: str) -> Iterator[Span]:
        for m in URL.finditer(text):
            flat = re.sub(r"[^a-z0-9]", "", reference.fold(m.group()))
            if any(key in flat for key in keys):
                yield Span(m.start(), m.end(), KONTAKT)

    return rule


_TITLED = re.compile(rf"(?<![\w-])(?:(?:{TITLES}){_S}+)+(?:{_ACADEMIC})*(?P<v>{_NAME_WORD}"
                     rf"(?:{_S}+(?:[{_UPPER}]\.{_S}+)?{SURNAME})?)(?![\w-])")
_SIGNED = re.compile(rf"\bgez\.{_S}*(?:{_ACADEMIC})*(?P<v>{_NAME_WORD}(?:{_S}+(?:[{_UPPER}]\.{_S}+)?{SURNAME}){{0,2}})")
_TOKEN = re.compile(r"[^\s]+")
_NAME_TOKEN = re.compile(rf"^{_NAME_WORD}$")
_INITIAL = re.compile(rf"^[{_UPPER}]\.$")
PARTICLES = frozenset({"von", "van", "de", "del", "da", "zu", "vom", "der", "den", "ten", "ter"})


def _title_rule(text: str) -> Iterator[Span]:
    """The name after an office or a form of address, the office kept; and after "gez."."""
    for pattern in (_TITLED, _SIGNED):
        for m in pattern.finditer(text):
            words = m.group("v").split()
            while words and not_a_name(words[-1]):
                words.pop()
            if not words or not_a_name(words[0]):
                continue
            office = text[m.start():m.start("v")].split()
            if office and office[-1].endswith("en") and not _is_first_name(words[0]):
                continue  # a plural office before a noun: "die Bezirksverordneten Sitzungsgelder"
            yield Span(m.start("v"), m.start("v") + len(" ".join(words)), NAME)


def _first_name_rule(text: str) -> Iterator[Span]:
    """A known first name (or two) and a capitalised surname: "Maria Schneider", "Hans-Peter von Berg",
    "Anna M. Schmidt"; not a place named after someone ("Anne Frank Schule", "Konrad-Adenauer-Straße")."""
    tokens = _tokens(text)
    i = 0
    while i < len(tokens):
        end = _name_end(tokens, i)
        if end is None:
            i += 1
            continue
        stop = tokens[end][1]
        if not PLACE_WORDS.match(text, stop):
            yield Span(tokens[i][0], stop, NAME)
        i = end + 1


def _tokens(text: str) -> list[tuple[int, int, str, bool]]:
    """Words as (start, end, word, joined): the word without quotes or punctuation around it (an initial keeps its
    dot); ``joined`` when only spaces separate it from the next word."""
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip("(„\"'»«‚"))
        core = raw[lead:]
        if not _INITIAL.match(core):
            core = core.rstrip(",.;:!?)“”\"'»«‘")
        start = m.start() + lead
        end = start + len(core)
        after = text[end:end + 1]
        out.append((start, end, core, end == m.end() and after in (" ", "\u00a0")))
    return [(s, e, w, j and k + 1 < len(out)) for k, (s, e, w, j) in enumerate(out)]


def _is_first_name(word: str) -> bool:
    names = first_names()
    return word in names or ("-" in word and all(part in names for part in word.split("-")))


def _name_end(tokens: list, i: int) -> int | None:
    """The index of the surname of a name beginning with a first name at ``i``, or None."""
    if not _is_first_name(tokens[i][2]) or not tokens[i][3]:
        return None
    j = i + 1
    if _is_first_name(tokens[j][2]) and tokens[j][3] and _NAME_TOKEN.match(tokens[j + 1][2]):
        j += 1  # a second given name: "Anna Maria Schmidt"
    if _INITIAL.match(tokens[j][2]) and tokens[j][3]:
        j += 1
    while tokens[j][2] in PARTICLES and tokens[j][3] and j - i < 4:
        j += 1
    surname = tokens[j][2]
    if not _NAME_TOKEN.match(surname) or not_a_name(surname):
        return None
    return j


def _gremium_rule(people: Replacer, towns: list[str]) -> Rule:
    """Council bodies ("Rat der Stadt Bochum", "Gemeinderat", "Kreistag", "Ausschuss für Umwelt und Verkehr",
    "Bauausschuss"), not an office before a name ("Stadtrat Peter Müller"); "der Stadt ..." taken along when it
    names the document's town (any capitalised name when the town is unknown)."""
    place = "|".join(_S.join(map(re.escape, t.split())) for t in sorted(towns, key=len, reverse=True)) or _PLACE
    pattern = re.compile(rf"\b(?:{_GREMIUM_WORDS})(?:{_S}(?:der|des){_S}(?:{_TOWN_KIND}){_S}(?:{place}))?(?![\w-])")

    def rule(text: str) -> Iterator[Span]:
        names = {span.start for span in people.spans(text)}
        for m in pattern.finditer(text):
            after = len(text[m.end():]) - len(text[m.end():].lstrip(" \u00a0")) + m.end()
            if _PERSONAL_BODIES.match(m.group()) and after in names:
                continue
            yield Span(m.start(), m.end(), GREMIUM)

    return rule


# -- names of people found in the whole text ---------------------------------


def found_names(*texts: str) -> set[str]:
    """The people a document names: every name the title, first-name and signature rules find, each line that is a
    bare name beside an office line or after a greeting, and the surname of each (to be replaced alone too)."""
    found: set[str] = set()
    for text in texts:
        for span in (*_title_rule(text), *_first_name_rule(text)):
            found.add(text[span.start:span.end])
        lines = [" ".join(line.split()) for line in text.split("\n")]
        lines = [line for line in lines if line]
        for i, line in enumerate(lines):
            beside_role = any(ROLE_LINE.match(lines[j]) for j in (i - 1, i + 1) if 0 <= j < len(lines))
            after_greeting = any(GREETING.search(lines[j]) for j in (i - 1, i - 2) if j >= 0)
            if (beside_role or after_greeting) and BARE_NAME.match(line) and not _is_title_line(line) \
                    and not GREMIUM_RE.search(line):
                found.add(re.sub(r"\s*\([^)]*\)$", "", re.sub(rf"^{_ACADEMIC}", "", line)).strip())
    surnames = set()
    for name in found:
        words = [w for w in name.split() if not w.endswith(".")]
        if len(words) >= 2 and len(words[-1]) >= 3 and not not_a_name(words[-1]):
            surnames.add(words[-1])
    return {name for name in found | surnames if name and not not_a_name(name)}


def _is_title_line(line: str) -> bool:
    return any(not_a_name(word) for word in line.split())
