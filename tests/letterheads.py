"""Render council documents with letterheads and footers of many kinds, to test metadata extraction on layouts
it has not seen.

A document is rendered from labels (type, title, date, Kommune, party) and a body text as DOCX (python-docx), PDF
(fpdf2 with a Unicode TTF font from the system) or TXT. The letterhead combines forms drawn at random: the sender
line(s), a contact line, a place-and-date line or a type-and-date line, an addressee block, Drucksache/TOP lines,
the type word alone or as "Antrag: <title>", "Betreff: <title>" or the title on its own in bold, a heading style,
large type or plain, on one or two lines, page footers and printer's notes. Only the label values are printed for
what must be found, each so that a human reader finds it unambiguous: one date (never another date before it),
one type word, the sender naming the party (or a group that is no party) and the Kommune.

    >>> source = sample_sources()[0]
    >>> layout = random_layout(random.Random(7))
    >>> doc = render(source, layout, "pdf", Path("/tmp/x.pdf"), seed=7)
    >>> doc.layout.as_dict()                # the forms actually printed (normalised for labels and format)

Everything is deterministic for a seed. Sources of labels and bodies: the 50 fictional demo documents in
data/sample/ (``sample_sources``) and, when present, the dev corpus ``../shared/corpus/dev`` (``dev_sources``;
its texts are read where they lie and never copied into the project).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import random
import re
import shutil
import subprocess
import textwrap
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SAMPLE_LABELS = ROOT / "tools" / "sample_corpus"
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
SAMPLE_TYPES = {"Änderungsantrag": "aenderungsantrag"}
FORMATS = ("docx", "pdf", "txt")
FIELDS = ("title", "date", "doc_type", "municipality", "party")

# The letterhead forms; ``random_layout`` draws one value of each, ``normalise`` makes them fit the labels and
# the format (an unfitting value becomes the nearest fitting one, "n/a" when the dimension does not apply).
FORMS: dict[str, tuple] = {
    "sender": ("faction_in_council", "party_hyphen", "council_faction", "place_pipe", "two_lines", "party_place"),
    "sender_in": ("text", "page_header"),
    "contact": ("none", "address", "phone_mail", "web"),
    "date_place": ("place", "place_den", "datum_label", "alone"),  # "type_vom" comes with type_form "vom"
    "date_style": ("long", "numeric", "short", "two_digit_year"),
    "align": ("left", "right", "beside_sender"),
    "order": ("date_first", "addressee_first", "date_after_title"),
    "addressee": ("none", "mayor", "council", "mayor_in_house"),  # "press" for press releases
    "meta": ("none", "drucksache", "top", "drucksache_top", "beratungsfolge"),
    "type_form": ("alone", "colon", "vom", "of_sender", "none"),  # "none" only for sonstiges
    "type_variant": (0, 1, 2, 3),
    "title_label": ("betreff", "bare"),  # "type_colon" comes with type_form "colon"
    "title_style": ("plain", "bold", "heading", "large"),  # TXT: plain, underlined, upper
    "title_lines": ("one", "two", "two_break"),  # two_break: DOCX, one paragraph with a line break
    "spacing": ("normal", "tight"),  # PDF and TXT: space (a blank line) after each letterhead group, or none
    "footer": ("none", "address", "bank", "recycling", "pages", "all"),
    "note": ("none", "recycling_end", "visdp", "spoken_word", "advance_email"),
    "wrap": ("none", "72"),  # TXT only: the body hard-wrapped at 72 characters
}

TYPE_WORDS = {
    "antrag": ("Antrag", "Dringlichkeitsantrag", "Prüfantrag", "Haushaltsantrag"),
    "aenderungsantrag": ("Änderungsantrag", "Ergänzungsantrag"),
    "anfrage": ("Anfrage", "Kleine Anfrage", "Große Anfrage", "Schriftliche Anfrage"),
    "pressemitteilung": ("Pressemitteilung", "Presseerklärung", "Presseinformation", "PM"),
    "resolution": ("Resolution",),
    "rede": ("Rede", "Haushaltsrede", "Redebeitrag"),
    "stellungnahme": ("Stellungnahme",),
    "sonstiges": ("Positionspapier", "Offener Brief", "Newsletter", "Information"),
}
# How each canonical party may be printed (spellings of ingest/reference/parties.csv).
PARTY_NAMES = {
    "DIE LINKE": ("DIE LINKE", "Die Linke", "DIE LINKE."),
    "SPD": ("SPD",),
    "GRÜNE": ("BÜNDNIS 90/DIE GRÜNEN", "Bündnis 90/Die Grünen", "GRÜNE", "Die Grünen"),
    "CDU": ("CDU",),
    "CSU": ("CSU",),
    "FDP": ("FDP", "Freie Demokraten"),
    "AfD": ("AfD",),
    "BSW": ("BSW",),
    "Volt": ("Volt",),
    "Piraten": ("PIRATEN", "Piratenpartei"),
    "Die PARTEI": ("Die PARTEI",),
    "Freie Wähler": ("FREIE WÄHLER", "Freie Wähler"),
    "ÖDP": ("ÖDP",),
    "Tierschutzpartei": ("Tierschutzpartei",),
}
NON_PARTY_NAMES = ("Bürgerliste", "Unabhängige Wählervereinigung", "Bürgerliste für {K}")
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
# Filler that must never read as a place or a party (tests/test_letterheads.py checks them against the gazetteer).
FIRST_NAMES = ("Max", "Erika", "Jonas", "Fatma", "Lena", "Piotr", "Aylin", "Klaus", "Miriam", "Henrik")
LAST_NAMES = ("Mustermann", "Musterfrau", "Beispielmann", "Okonkwo", "Pfeiffer", "Yilmaz", "Kowalczyk", "Brenner")
STREETS = ("Rathausplatz 1", "Marktplatz 3", "Hauptstraße 12", "Am Rathaus 5", "Schulstraße 7", "Lindenallee 20")
COMMITTEES = ("Ausschuss für Umwelt und Klima", "Haupt- und Finanzausschuss", "Ausschuss für Soziales",
              "Ausschuss für Stadtentwicklung und Verkehr")
GENTLE = "– {} –"


# ---------------------------------------------------------------------------------------------- labels, sources


@dataclass(frozen=True)
class Labels:
    """What extraction must find. ``municipality`` is the name as labelled ("Essen", "Kreis Wesel"),
    ``party`` a canonical party or None (then the sender is a group that is no party)."""

    doc_type: str
    title: str
    date: str | None
    municipality: str | None
    party: str | None
    state: str | None = None
    ars: str | None = None


@dataclass
class Source:
    """Labels and a body text (loaded on first use; "" when the document has no text)."""

    key: str
    origin: str  # "sample" or "dev"
    labels: Labels
    loader: Callable[[], tuple[bool, str]] = field(repr=False)  # () -> (title found and cut, body)
    scanned: bool = False
    _body: str | None = field(default=None, repr=False)
    cut: bool = True  # the body starts after the title found in the text (dev: False when it was not found)

    def body(self) -> str:
        if self._body is None:
            self.cut, self._body = self.loader()
        return self._body

    def complete(self) -> bool:
        """Whether every field is labelled (title, date, Kommune; party may be None for a non-party group)."""
        lab = self.labels
        return bool(lab.title and lab.date and lab.municipality)


def sample_sources() -> list[Source]:
    """The 50 fictional demo documents: labels from tools/sample_corpus/*.json, body as printed after the title."""
    out = []
    for path in sorted(SAMPLE_LABELS.glob("*.json")):
        for lab in json.loads(path.read_text(encoding="utf-8")):
            party = lab["party"] if lab["party"] and "–" not in lab["party"] else None
            labels = Labels(
                doc_type=SAMPLE_TYPES.get(lab["doc_type"], lab["doc_type"].casefold()), title=lab["title"],
                date=lab["date"], municipality=lab["municipality"], party=party, state=lab.get("state"),
            )
            body = "\n\n".join(re.sub(r"^#+\s*", "", p) for p in lab["body"])
            body += "\n\n" + "\n".join(lab.get("signature", []))
            out.append(Source(lab["file"], "sample", labels, functools.partial(_constant, body)))
    return out


def dev_sources(corpus: Path = DEV_CORPUS) -> list[Source]:
    """The dev corpus documents ([] when ``corpus/manifest.jsonl`` is missing); each body is read on first use."""
    manifest = Path(corpus) / "manifest.jsonl"
    if not manifest.is_file():
        return []
    out = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        labels = Labels(
            doc_type=row.get("doc_type") or "sonstiges", title=row.get("title") or "", date=row.get("date"),
            municipality=row.get("municipality"), party=row.get("party"), state=row.get("state"), ars=row.get("ars"),
        )
        path = Path(corpus) / row["file"]
        out.append(Source(row["file"], "dev", labels, functools.partial(_dev_body, path, labels.title),
                          scanned=bool(row.get("scanned"))))
    return out


def _constant(text: str) -> tuple[bool, str]:
    return True, text


def _dev_body(path: Path, title: str) -> tuple[bool, str]:
    """The parsed text after the labelled title where it occurs (else the whole text); "" when unreadable."""
    from ingest import IngestError, read_text

    try:
        text = read_text(path)[1].text
    except IngestError:
        return True, ""
    return cut_after_title(text, title)


def cut_after_title(text: str, title: str) -> tuple[bool, str]:
    """``(found, rest)``: the text after the first occurrence of ``title`` (words in order, any punctuation or line
    breaks between them), or ``(False, text)``."""
    words = re.findall(r"\w+", title or "")
    if not words:
        return False, text.strip()
    m = re.search(r"\W+".join(map(re.escape, words)), text, re.IGNORECASE)
    if not m:
        return False, text.strip()
    return True, text[m.end():].lstrip(" .!?:\"“”»«)").strip()


# ---------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """One value per FORMS dimension (see FORMS); ``type_word`` is filled in by ``normalise``."""

    sender: str = "faction_in_council"
    sender_in: str = "text"
    contact: str = "none"
    date_place: str = "place"
    date_style: str = "numeric"
    align: str = "left"
    order: str = "date_first"
    addressee: str = "none"
    meta: str = "none"
    type_form: str = "alone"
    type_variant: int = 0
    title_label: str = "betreff"
    title_style: str = "plain"
    title_lines: str = "one"
    spacing: str = "normal"
    footer: str = "none"
    note: str = "none"
    wrap: str = "none"
    type_word: str = ""

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def forms(self) -> list[str]:
        """``dimension=value`` for each dimension that applies (not "n/a"), e.g. "sender=two_lines"."""
        return [f"{k}={v}" for k, v in self.as_dict().items() if v != "n/a" and k not in ("type_variant",)]


def random_layout(rng: random.Random) -> Layout:
    return Layout(**{name: rng.choice(values) for name, values in FORMS.items()})


GENRE_TITLE = re.compile(r"(?:Einladung|Tagesordnung|Protokoll|Niederschrift|Newsletter|Rundbrief|Positionspapier|"
                         r"Offener Brief|(?:Kommunal)?[Ww]ahlprogramm|Leitlinien|Programm)\b")
DATE_IN_TEXT = re.compile(r"\d{1,2}\.\s?(?:\d{1,2}\.|\s?[A-ZÄÖÜ][a-zä]+)\s?\d{2,4}|\d{4}-\d{2}-\d{2}")


def normalise(layout: Layout, labels: Labels, fmt: str) -> Layout:
    """The layout as it will be printed for these labels and this format."""
    lay = dataclasses.asdict(layout)
    kind = council(labels)
    _normalise_type(lay, labels)
    _normalise_date(lay, labels, kind)
    if labels.doc_type == "pressemitteilung":
        lay["addressee"] = "press" if lay["addressee"] != "none" else "none"
        lay["meta"] = "none"
    elif labels.doc_type == "rede":
        lay["addressee"] = "none"
        lay["meta"] = "top" if lay["meta"] != "none" else "none"
    elif labels.doc_type == "sonstiges":
        lay["meta"] = "none"
    if lay["note"] == "spoken_word" and labels.doc_type != "rede":
        lay["note"] = "none"
    if lay["note"] == "visdp" and labels.doc_type not in ("pressemitteilung", "sonstiges"):
        lay["note"] = "none"
    if len(labels.title.split()) < 4:
        lay["title_lines"] = "one"
    if lay["title_lines"] == "two_break" and fmt != "docx":
        lay["title_lines"] = "two"
    if fmt == "docx":
        lay["spacing"] = "n/a"  # DOCX text has no blank lines: empty paragraphs are not text
    if fmt == "txt":
        styles = {"bold": "plain", "heading": "underlined", "large": "upper"}
        lay["title_style"] = styles.get(lay["title_style"], lay["title_style"])
    else:
        lay["wrap"] = "n/a"
    if lay["addressee"] == "none" and lay["order"] == "addressee_first":
        lay["order"] = "date_first"
    return Layout(**lay)


def _normalise_type(lay: dict, labels: Labels) -> None:
    words = TYPE_WORDS[labels.doc_type]
    lay["type_word"] = words[lay["type_variant"] % len(words)]
    if lay["type_form"] == "none" and labels.doc_type != "sonstiges":
        lay["type_form"] = "alone"
    if labels.doc_type == "sonstiges" and GENRE_TITLE.match(labels.title):
        lay["type_form"] = "none"  # "Einladung zur Fraktionssitzung" names its genre: no competing "Newsletter"
    if lay["type_form"] == "vom" and not labels.date:
        lay["type_form"] = "alone"
    if lay["type_form"] == "none":
        lay["type_word"] = "n/a"
    if lay["type_form"] == "colon":
        lay["title_label"] = "type_colon"


def _normalise_date(lay: dict, labels: Labels, kind: Council) -> None:
    if not labels.date:
        lay.update(date_place="none", date_style="n/a", align="n/a")
        if lay["order"] == "date_after_title":
            lay["order"] = "date_first"
        return
    if lay["type_form"] == "vom":
        lay["date_place"] = "type_vom"
    if lay["date_place"] in ("place", "place_den") and not kind.place:
        lay["date_place"] = "datum_label"
    if lay["date_place"] == "type_vom":
        lay["align"] = "n/a"
        lay["order"] = "n/a"
    if lay["align"] == "beside_sender" and lay["sender_in"] == "page_header":
        lay["align"] = "right"
    if lay["align"] == "beside_sender":
        lay["order"] = "n/a"
    if lay["order"] == "date_after_title" and DATE_IN_TEXT.search(labels.title):
        lay["order"] = "date_first"  # never print a date of the title's before the document's own date


# ---------------------------------------------------------------------------------------------- Kommune


@dataclass(frozen=True)
class Council:
    """How the labelled Kommune is named: its council in the dative ("im Rat der Stadt Essen"), in the accusative
    ("den Rat der Stadt Essen"), its faction word, the head of its administration and the place for the date
    line ("" when there is none, as for the "Rhein-Sieg-Kreis")."""

    kind: str  # stadt, gemeinde, markt, kreis, stadtstaat
    name: str
    short: str  # after a faction word: "Essen", "Wesel" (Kreis Wesel), "Rhein-Sieg-Kreis"
    dative: tuple[str, ...]
    accusative: tuple[str, ...]
    faction_word: str
    head: tuple[str, str]  # (male, female) title of the mayor / Landrat
    place: str


@functools.cache
def council(labels: Labels) -> Council:
    from ingest import reference

    name = labels.municipality or ""
    district = reference.districts_by_name(name) or reference.districts_by_name(re.sub(r"^Kreis\s+", "", name))
    munis = reference.municipalities_by_name(name)
    if labels.ars:
        munis = tuple(m for m in munis if m.ars == labels.ars) or munis
    if district and (not munis or name.startswith("Kreis ") or name.endswith("-Kreis")):
        bare = re.sub(r"^Kreis\s+", "", name)
        named = f"des {bare}es" if bare.endswith("-Kreis") else bare
        return Council("kreis", name, bare, (f"im Kreistag {named}",), (f"den Kreistag {named}",), "Kreistagsfraktion",
                       ("Landrat", "Landrätin"), "" if bare.endswith("-Kreis") else bare)
    kind = munis[0].kind if munis else "Stadt"
    if name in ("Berlin", "Hamburg", "Bremen"):
        house = {"Berlin": "Abgeordnetenhaus von Berlin", "Hamburg": "Hamburgischen Bürgerschaft",
                 "Bremen": "Bremischen Bürgerschaft"}[name]
        dative = f"im {house}" if name == "Berlin" else f"in der {house}"
        accusative = f"das {house}" if name == "Berlin" else f"die {house}"
        return Council("stadtstaat", name, name, (dative,), (accusative,), "Fraktion",
                       ("Bürgermeister", "Bürgermeisterin"), name)
    if "stadt" in kind.casefold():
        return Council("stadt", name, name, (f"im Rat der Stadt {name}", f"im Stadtrat {name}",
                                       f"im Gemeinderat der Stadt {name}"),
                       (f"den Rat der Stadt {name}", f"den Stadtrat {name}", f"den Gemeinderat der Stadt {name}"),
                       "Ratsfraktion", ("Oberbürgermeister", "Oberbürgermeisterin"), name)
    if kind == "Markt":
        return Council("markt", name, name, (f"im Marktgemeinderat {name}",), (f"den Marktgemeinderat {name}",),
                       "Fraktion", ("Ersten Bürgermeister", "Erste Bürgermeisterin"), name)
    return Council("gemeinde", name, name, (f"im Gemeinderat {name}", f"im Rat der Gemeinde {name}"),
                   (f"den Gemeinderat {name}", f"den Rat der Gemeinde {name}"), "Gemeinderatsfraktion",
                   ("Bürgermeister", "Bürgermeisterin"), name)


# ---------------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """A line to print. ``zone``: page_header (every page), head, title, body, footer (every page);
    ``style``: plain, bold, heading, large, small; ``right``: a second column on the same line; ``gap``: space
    (a blank line) follows."""

    text: str
    zone: str = "head"
    style: str = "plain"
    align: str = "left"
    right: str | None = None
    gap: bool = False


@dataclass(frozen=True)
class Rendered:
    path: Path
    format: str
    layout: Layout
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """The printed lines as plain text (for messages), a blank line where space follows."""
        return "\n".join(b.text + (f"    {b.right}" if b.right else "") + ("\n" if b.gap else "") for b in self.blocks)


def german_date(iso: str, style: str) -> str:
    d = Date.fromisoformat(iso)
    return {
        "long": f"{d.day}. {MONTHS[d.month - 1]} {d.year}",
        "numeric": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "short": f"{d.day}.{d.month}.{d.year}",
        "two_digit_year": f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    }[style]


class _Writer:
    """Builds the blocks of one document from labels, body, layout and a random source for incidental text."""

    def __init__(self, labels: Labels, body: str, layout: Layout, rng: random.Random):
        self.lab, self.body, self.lay, self.rng = labels, body, layout, rng
        self.kommune = council(labels)
        self.dative = rng.choice(self.kommune.dative)
        self.accusative = self.kommune.accusative[self.kommune.dative.index(self.dative)]
        names = PARTY_NAMES.get(labels.party or "", NON_PARTY_NAMES)
        named = ("den " if self.kommune.kind == "kreis" else "") + self.kommune.name  # "für den Kreis Wesel"
        self.party_name = rng.choice(names).replace("{K}", named)
        self.person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        self.female = self.person.split()[0] in ("Erika", "Fatma", "Lena", "Aylin", "Miriam")
        self.plz = f"{rng.randint(1067, 99998):05d}"
        self.street = rng.choice(STREETS)
        self.blocks: list[Block] = []

    # -- sender
    def short_sender(self) -> str:
        name = self.party_name
        return f"{name}-Fraktion" if re.fullmatch(r"[A-Za-zÄÖÜäöü]+", name) else f"Fraktion {name}"

    def with_place(self, text: str, place: str) -> str:
        """``text`` and the Kommune, unless ``text`` names it already ("Bürgerliste für Velen")."""
        return text if self.kommune.short in text else f"{text} {place}"

    def sender_lines(self) -> list[str]:
        k, name, form = self.kommune.name, self.party_name, self.lay.sender
        if form == "faction_in_council":
            return [f"Fraktion {name} {self.dative}"]
        if form == "party_hyphen":
            return [self.with_place(self.short_sender(), k)]
        if form == "council_faction":
            if self.kommune.short in name:  # "Kreistagsfraktion Bürgerliste für den Kreis Wesel"
                return [f"{self.kommune.faction_word} {name}"]
            return [f"{name} {self.kommune.faction_word} {self.kommune.short}"]
        if form == "place_pipe":
            return [f"{k} | {self.short_sender()}"]
        if form == "two_lines":
            return [f"Fraktion {name}", self.dative]
        return [self.with_place(name, k)]  # party_place: "SPD Berlin", "DIE LINKE Wiesbaden"

    def contact_lines(self) -> list[str]:
        slug = _slug(self.party_name)
        slug += "" if _slug(self.kommune.short) in slug else "-" + _slug(self.kommune.name)
        phone = f"Tel. 0{self.rng.randint(20, 999)} {self.rng.randint(100, 999)}-{self.rng.randint(10, 99)}"
        return {
            "none": [],
            "address": [f"{self.street} · {self.plz} {self.kommune.place or self.kommune.name}"],
            "phone_mail": [f"{phone} · info@{slug}.de"],
            "web": [f"www.{slug}.de"],
        }[self.lay.contact]

    # -- date, addressee, meta, type, title
    def date_line(self) -> str | None:
        form = self.lay.date_place
        if form in ("none", "type_vom"):
            return None
        when = german_date(self.lab.date, self.lay.date_style)
        return {
            "place": f"{self.kommune.place}, {when}",
            "place_den": f"{self.kommune.place}, den {when}",
            "datum_label": f"Datum: {when}",
            "alone": when,
        }[form]

    def addressee_lines(self) -> list[str]:
        male, female = self.kommune.head
        mayor = f"Frau {female} {self.person}" if self.female else f"Herrn {male} {self.person}"
        place = self.kommune.place or self.kommune.name
        return {
            "none": [],
            "mayor": [mayor, self.street, f"{self.plz} {place}"],
            "council": [f"An {self.accusative}"],
            "mayor_in_house": [mayor, "- im Hause -"],
            "press": ["An die Redaktionen"],
        }[self.lay.addressee]

    def meta_lines(self) -> list[str]:
        year = self.lab.date[:4] if self.lab.date else "2024"
        drucksache = f"Drucksache Nr. {year}/{self.rng.randint(10, 999)}"
        top = f"TOP {self.rng.randint(1, 12)}.{self.rng.randint(1, 5)}"
        return {
            "none": [],
            "drucksache": [drucksache],
            "top": [top],
            "drucksache_top": [drucksache, top],
            "beratungsfolge": [f"Beratungsfolge: {self.rng.choice(COMMITTEES)}, Rat"],
        }[self.lay.meta]

    def type_line(self) -> str | None:
        word, form = self.lay.type_word, self.lay.type_form
        if form == "alone":
            return word
        if form == "vom":
            return f"{word} vom {german_date(self.lab.date, self.lay.date_style)}"
        if form == "of_sender":
            return f"{word} der {self.short_sender()}"
        return None  # colon (printed with the title) or none

    def title_lines(self) -> list[str]:
        title = " ".join(self.lab.title.split())
        lines = [title]
        if self.lay.title_lines != "one":
            words = title.split()
            aim = len(title) * self.rng.uniform(0.45, 0.65)  # the first line the longer one, as when wrapped
            cuts = [n for n in range(2, len(words) - 1)
                    if not re.search(r"\d\.?$", words[n - 1]) and not words[n][0].isdigit()] or [2]
            cut = min(cuts, key=lambda n: abs(len(" ".join(words[:n])) - aim))  # never inside "20. Januar 2020"
            lines = [" ".join(words[:cut]), " ".join(words[cut:])]
        if self.lay.title_style == "upper":
            lines = [line.upper() for line in lines]
        label = self.lay.title_label
        if label == "betreff":
            lines[0] = f"Betreff: {lines[0]}"
        elif label == "type_colon":
            lines[0] = f"{self.lay.type_word}: {lines[0]}"
        return lines

    def footer_lines(self) -> list[str]:
        place = self.kommune.place or self.kommune.name
        address = f"{self.sender_lines()[0]} · {self.street} · {self.plz} {place}"
        iban = "DE" + "".join(str(self.rng.randint(0, 9)) for _ in range(20))
        iban = " ".join(iban[i:i + 4] for i in range(0, 22, 4))
        bank = f"Bankverbindung: Sparkasse {place} · IBAN {iban} · BIC SPKADE{self.rng.randint(10, 99)}XXX"
        recycling = "Gedruckt auf 100 % Recyclingpapier"
        return {
            "none": [], "address": [address], "bank": [bank], "recycling": [recycling], "pages": ["{pages}"],
            "all": [address, bank, "{pages}"],
        }[self.lay.footer]

    # -- assembly
    def add(self, lines, zone: str = "head", **kw) -> None:
        """Append the non-empty ``lines`` as one group: with "normal" spacing, space follows its last line."""
        lines = [line for line in lines if line]
        for n, line in enumerate(lines):
            gap = n == len(lines) - 1 and self.lay.spacing == "normal"
            self.blocks.append(Block(line, zone, gap=gap, **kw))

    def add_sender(self, sender: list[str], date: str | None) -> str | None:
        """The sender lines; returns the date when it is still to be printed (not beside the sender)."""
        if self.lay.sender_in == "page_header":
            self.add(sender, "page_header", style="small")
        elif self.lay.align == "beside_sender" and date:
            self.blocks.append(Block(sender[0], style="bold", right=date, gap=len(sender) == 1))
            self.add(sender[1:], style="bold")
            return None
        else:
            self.add(sender, style="bold")
        return date

    def build(self) -> list[Block]:
        lay = self.lay
        date = self.add_sender(self.sender_lines(), self.date_line())
        self.add(self.contact_lines(), style="small")
        if lay.note == "advance_email":
            self.add(["Vorab per E-Mail"])
        date_align = "right" if lay.align == "right" else "left"
        if lay.order == "addressee_first":
            self.add(self.addressee_lines())
            self.add([date], align=date_align)
        else:
            if lay.order != "date_after_title":
                self.add([date], align=date_align)
            self.add(self.addressee_lines())
        self.add(self.meta_lines())
        self.add([self.type_line()], style="bold")
        self.add_title()
        if lay.order == "date_after_title":
            self.add([date], align=date_align)
        if lay.note == "spoken_word":
            self.add([GENTLE.format("Es gilt das gesprochene Wort")])
        self.add_body()
        if lay.note == "recycling_end":
            self.add(["Gedruckt auf Recyclingpapier"], "body", style="small")
        elif lay.note == "visdp":
            place = self.kommune.place or self.kommune.name
            self.add([f"V.i.S.d.P.: {self.person}, {self.street}, {self.plz} {place}"], "body", style="small")
        self.add(self.footer_lines(), "footer", style="small")
        return self.blocks

    def add_title(self) -> None:
        style = {"upper": "plain", "underlined": "plain"}.get(self.lay.title_style, self.lay.title_style)
        titles = self.title_lines()
        if self.lay.title_lines == "two_break":  # DOCX: one paragraph with a manual line break
            titles = ["\n".join(titles)]
        if self.lay.title_style == "underlined":
            titles.append("=" * min(72, max(len(t) for t in titles)))
        self.add(titles, "title", style=style)

    def add_body(self) -> None:
        paragraphs = [p.strip() for p in self.body.split("\n")]
        if self.lay.wrap == "72":
            paragraphs = [w for p in paragraphs for w in (textwrap.wrap(p, 72) or [""])]
        for p in paragraphs:
            self.blocks.append(Block(p, "body"))


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss").replace("ü", "ue").replace("ä", "ae")
                                 .replace("ö", "oe"))
    return re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")


def trim_body(body: str, max_chars: int) -> str:
    """At most ``max_chars`` characters of the body, cut at a line end."""
    if len(body) <= max_chars:
        return body
    cut = body.rfind("\n", 0, max_chars)
    return body[:cut if cut > max_chars // 2 else max_chars]


def blocks_for(source: Source, layout: Layout, seed: int, max_body: int = 6000) -> list[Block]:
    body = _printable(trim_body(source.body(), max_body))
    return _Writer(source.labels, body, layout, random.Random(seed)).build()


# ---------------------------------------------------------------------------------------------- rendering


class FontMissing(RuntimeError):
    """No Unicode TTF font on this system: PDFs cannot be written."""


def render(source: Source, layout: Layout, fmt: str, path: Path, seed: int = 0, max_body: int = 6000) -> Rendered:
    """Write ``source`` with ``layout`` (normalised for its labels and ``fmt``) to ``path``."""
    layout = normalise(layout, source.labels, fmt)
    blocks = tuple(blocks_for(source, layout, seed, max_body))
    {"docx": _write_docx, "pdf": _write_pdf, "txt": _write_txt}[fmt](blocks, Path(path))
    return Rendered(Path(path), fmt, layout, blocks)


def render_random(source: Source, seed: int, fmt: str, path: Path, max_body: int = 6000) -> Rendered:
    """Draw a layout from ``seed`` and render with it."""
    rng = random.Random(seed)
    return render(source, random_layout(rng), fmt, path, seed=rng.randrange(2**32), max_body=max_body)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _printable(text: str) -> str:
    return _CONTROL.sub(" ", text.replace("\x0c", "\n"))


def _write_txt(blocks: tuple[Block, ...], path: Path) -> None:
    out = []
    for b in blocks:
        text = b.text.replace("{pages}", "Seite 1 von 1")
        if b.right:
            text = f"{text}    {b.right}" if len(text) > 70 - len(b.right) else text.ljust(76 - len(b.right)) + b.right
        elif b.align == "right":
            text = text.rjust(76)
        if b.zone == "footer" and (not out or out[-1] != ""):
            out.append("")
        out.append(text)
        if b.gap:
            out.append("")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _write_docx(blocks: tuple[Block, ...], path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    for zone, part in (("page_header", section.header), ("footer", section.footer)):
        first = True
        for b in (b for b in blocks if b.zone == zone):
            para = part.paragraphs[0] if first else part.add_paragraph()
            first = False
            _docx_text(para, b.text)
    for b in blocks:
        if b.zone in ("page_header", "footer"):
            continue
        if b.right:
            table = document.add_table(rows=1, cols=2)
            table.cell(0, 0).text, table.cell(0, 1).text = b.text, b.right
            continue
        if b.style == "heading":
            para = document.add_heading(b.text, level=1)
        else:
            para = document.add_paragraph()
            run = para.add_run(b.text)
            run.bold = b.style == "bold"
            run.font.size = Pt({"large": 16, "small": 8}.get(b.style, 11))
        if b.align == "right":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if b.gap:
            para.paragraph_format.space_after = Pt(14)
    document.save(str(path))


def _docx_text(para, text: str) -> None:
    """Footer/header text; "{pages}" becomes "Seite <PAGE field>"."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if text != "{pages}":
        para.add_run(text)
        return
    para.add_run("Seite ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    para._p.append(fld)


FONT_FILES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("FreeSans.ttf", "FreeSansBold.ttf"),
)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")


@functools.cache
def pdf_fonts() -> tuple[Path, Path] | None:
    """(regular, bold) TTF files with German letters, or None. The bold file is the regular one if none."""
    for regular, bold in FONT_FILES:
        found = {name: _find_font(name) for name in (regular, bold)}
        if found[regular]:
            return found[regular], found[bold] or found[regular]
    fc = shutil.which("fc-list")
    if fc:
        listed = subprocess.run([fc, ":lang=de:fontformat=TrueType", "file"], capture_output=True, text=True,
                                check=False).stdout
        files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip().endswith(".ttf:")
                       or line.strip().endswith(".ttf"))
        if files:
            return Path(files[0]), Path(files[0])
    return None


def _find_font(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in folder.rglob(name):
                return path
    return None


@functools.cache
def _glyphs(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(font), lazy=True) as tt:
        return frozenset(tt.getBestCmap())


def _in_font(text: str, glyphs: frozenset[int]) -> str:
    return "".join(c if ord(c) in glyphs or c == "\n" else ("-" if c in "\uf0b7\u2022\u25cf" else " ") for c in text)


def _write_pdf(blocks: tuple[Block, ...], path: Path) -> None:
    from fpdf import FPDF

    fonts = pdf_fonts()
    if fonts is None:
        raise FontMissing("no Unicode TTF font found (DejaVu, Liberation, Noto or FreeSans)")
    glyphs = _glyphs(fonts[0])
    header = [_in_font(b.text, glyphs) for b in blocks if b.zone == "page_header"]
    footer = [_in_font(b.text, glyphs) for b in blocks if b.zone == "footer"]

    class Letter(FPDF):
        def header(self):
            if header:
                self.set_font("Body", "", 9)
                for line in header:
                    self.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self):
            if footer:
                self.set_y(-12 - 4 * len(footer))
                self.set_font("Body", "", 7.5)
                for line in footer:
                    text = f"Seite {self.page_no()} von {{nb}}" if line == "{pages}" else line
                    self.multi_cell(0, 4, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf = Letter(format="A4")
    pdf.add_font("Body", "", str(fonts[0]))
    pdf.add_font("Body", "B", str(fonts[1]))
    pdf.set_auto_page_break(True, margin=18 + 4 * len(footer))
    pdf.set_margins(22, 18, 20)
    pdf.add_page()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fpdf2 notes glyphs it substitutes; _in_font already replaced them
        for b in blocks:
            if b.zone not in ("page_header", "footer"):
                _pdf_block(pdf, b, glyphs)
        pdf.output(str(path))


PDF_STYLE = {"plain": ("", 10.5), "bold": ("B", 10.5), "heading": ("B", 14), "large": ("", 16), "small": ("", 8)}


def _pdf_block(pdf, b: Block, glyphs: frozenset[int]) -> None:
    style, size = PDF_STYLE[b.style]
    pdf.set_font("Body", style, size)
    height = size * 0.5
    text = _in_font(b.text, glyphs)
    if b.right:  # two columns: the right one as wide as its text, the left one wraps in the rest
        right = _in_font(b.right, glyphs)
        pdf.set_font("Body", "", 10.5)
        right_width = pdf.get_string_width(right) + 2
        pdf.set_font("Body", style, size)
        x, y = pdf.get_x(), pdf.get_y()
        left_width = pdf.epw - right_width - 8
        pdf.multi_cell(left_width, height, text, align="L", new_x="LMARGIN", new_y="NEXT")
        bottom = pdf.get_y()
        pdf.set_xy(x + left_width + 8, y)
        pdf.set_font("Body", "", 10.5)
        pdf.multi_cell(right_width, height, right, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(bottom, pdf.get_y()))
    elif text:
        pdf.multi_cell(0, height, text, align="R" if b.align == "right" else "L", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.ln(height * 0.6)
    if b.gap:
        pdf.ln(5)


# ---------------------------------------------------------------------------------------------- checking


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def field_ok(field_name: str, labels: Labels, meta) -> bool:
    """Whether extracted ``meta`` has the labelled value, as tests/test_golden_extraction.py's ``_field_ok``:
    titles by difflib ratio >= 0.85 on casefolded text without punctuation; a Kreis as the district."""
    import difflib

    if field_name == "title":
        return difflib.SequenceMatcher(None, _norm(labels.title), _norm(meta.title)).ratio() >= 0.85
    if field_name == "municipality":
        want = _norm(labels.municipality)
        if meta.municipality:
            return _norm(meta.municipality.name) == want
        return bool(meta.district) and want.removeprefix("kreis ") == _norm(meta.district.name)
    if field_name == "state":
        return labels.state == meta.state
    return getattr(labels, field_name) == getattr(meta, field_name)


def shown(field_name: str, meta) -> object:
    """The extracted value of a field, for messages."""
    value = getattr(meta, field_name)
    if field_name == "municipality" and value is None and meta.district:
        return f"(district) {meta.district.name}"
    return value.name if hasattr(value, "name") else value
