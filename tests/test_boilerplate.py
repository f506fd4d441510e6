"""Page chrome of web copies is removed from the head and the end; content, prose and real titles stay."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import extract_metadata, prepare
from ingest.metadata.boilerplate import is_chrome_line, is_noise_line, join_letter_spacing, strip_boilerplate
from ingest.metadata.text import clean


@pytest.fixture(scope="module", autouse=True)
def _prepared():
    prepare()


# A faction's WordPress page copied with Ctrl+A: skip links, menu, breadcrumb, cookie banner, byline, credit,
# share buttons and the footer around the press release.
WORDPRESS_COPY = """Zum Hauptinhalt springen
Seite wählen
Menü
Startseite
Fraktion
Aktuelles
Start » Aktuelles » Pressemitteilungen
Wir verwenden Cookies, um Ihnen die bestmögliche Nutzung unserer Website zu ermöglichen.
Alle akzeptieren
Nur notwendige Cookies
Einstellungen

Sozialticket muss bleiben: Fraktion legt Finanzierungsvorschlag vor
Veröffentlicht am 12. März 2024 von Redaktion
Kategorie: Pressemitteilungen, Verkehr
Lesezeit 3 Minuten
© pixabay, geralt

BOCHUM. Die SPD-Fraktion kritisiert die Pläne des Verkehrsverbunds, das Sozialticket zum Jahresende abzuschaffen.
„Wer wenig Geld hat, darf nicht abgehängt werden“, sagt Fraktionschefin Anna Beispiel.
Die Fraktion schlägt vor, den Eigenanteil der Stadt aus den Mehreinnahmen der Parkgebühren zu decken.

Teilen
Facebook Twitter WhatsApp E-Mail
Drucken
Schlagwörter: Sozialticket, ÖPNV
Nach oben
Impressum Datenschutz Kontakt Barrierefreiheit
© 2024 SPD-Fraktion Bochum
"""

# An association's page with a breadcrumb in ">" style and credits below the heading.
ASSOCIATION_COPY = """Direkt zum Inhalt
Suche
Home > Presse > Mitteilungen
Bürgerverein Nordstadt e. V.
Neue Bänke für den Stadtpark
Foto: privat
Bild: Bürgerverein Nordstadt
Teilen auf Facebook
Der Bürgerverein hat gemeinsam mit dem Grünflächenamt zwölf neue Bänke im Stadtpark aufgestellt.
Die Bänke wurden aus Spenden der Anwohnerinnen und Anwohner finanziert.
Zurück zur Übersicht
"""


def _lines(text):
    return [line for line in text.split("\n") if line]


def test_wordpress_copy_loses_its_chrome_and_keeps_its_body():
    stripped = strip_boilerplate(clean(WORDPRESS_COPY))
    assert _lines(stripped) == [
        "Fraktion",  # a site-specific menu item: no general pattern knows it, and it is a harmless line
        "Sozialticket muss bleiben: Fraktion legt Finanzierungsvorschlag vor",
        "12. März 2024",  # the byline keeps its date
        "BOCHUM. Die SPD-Fraktion kritisiert die Pläne des Verkehrsverbunds, das Sozialticket zum Jahresende "
        "abzuschaffen.",
        "„Wer wenig Geld hat, darf nicht abgehängt werden“, sagt Fraktionschefin Anna Beispiel.",
        "Die Fraktion schlägt vor, den Eigenanteil der Stadt aus den Mehreinnahmen der Parkgebühren zu decken.",
    ]


def test_association_copy_loses_its_chrome():
    stripped = strip_boilerplate(clean(ASSOCIATION_COPY))
    assert _lines(stripped) == [
        "Bürgerverein Nordstadt e. V.",
        "Neue Bänke für den Stadtpark",
        "Der Bürgerverein hat gemeinsam mit dem Grünflächenamt zwölf neue Bänke im Stadtpark aufgestellt.",
        "Die Bänke wurden aus Spenden der Anwohnerinnen und Anwohner finanziert.",
    ]


def test_removed_chrome_leaves_a_paragraph_break_between_title_and_body():
    stripped = strip_boilerplate("Neue Bänke für den Stadtpark\nFoto: privat\nDer Verein hat Bänke aufgestellt.")
    assert stripped == "Neue Bänke für den Stadtpark\n\nDer Verein hat Bänke aufgestellt."


def test_web_copy_metadata_reads_the_real_heading_and_date():
    meta = extract_metadata(WORDPRESS_COPY)
    assert meta.title == "Sozialticket muss bleiben: Fraktion legt Finanzierungsvorschlag vor"
    assert meta.date == "2024-03-12"
    assert meta.doc_type == "pressemitteilung"  # by its form: dateline and an attributed quote


def test_a_document_without_chrome_is_unchanged():
    motion = clean("SPD-Fraktion im Rat der Stadt Bochum\n\nAntrag\n\nBetreff: Mehr Bänke\n\nDer Rat möge beschließen:"
                   "\n1. Die Verwaltung stellt zehn Bänke auf.\n\n")
    assert strip_boilerplate(motion) == motion


@pytest.mark.parametrize(
    "line",
    [
        "Zum Inhalt springen", "Zum Hauptinhalt springen", "Skip to content", "Seite wählen", "Menü", "Suche",
        "Startseite", "Navigation umschalten", "Sie sind hier: Startseite > Presse",
        "Start » Aktuelles » Pressemitteilungen", "Home > Presse > Sozialticket für alle",
        "Wir verwenden Cookies, um unsere Website für Sie optimal zu gestalten und fortlaufend zu verbessern.",
        "Diese Website verwendet Cookies.", "Alle akzeptieren", "Akzeptieren", "Ablehnen",
        "Cookie-Einstellungen", "Nur notwendige Cookies akzeptieren", "Teilen", "Beitrag teilen",
        "Facebook Twitter WhatsApp E-Mail", "Facebook | X | LinkedIn", "Drucken", "© pixabay, geralt",
        "Foto: privat", "Bild: Stadt Bochum", "Bildquelle: Adobe Stock", "Fotos: SPD Bochum",
        "Veröffentlicht am 12. März 2024 von Redaktion", "Veröffentlicht in: Aktuelles",
        "von Redaktion | 12.03.2024 | Pressemitteilungen", "Kategorie: Allgemein", "Schlagwörter: Verkehr, Klima",
        "Tags: Radverkehr", "Lesezeit 3 Minuten", "Lesezeit: ca. 4 Min.", "#Radverkehr #Klimaschutz",
        "Nach oben", "Zurück nach oben", "Impressum Datenschutz Kontakt",
        "Impressum | Datenschutz | Cookie-Einstellungen",
        "© 2024 SPD-Fraktion Bochum", "Alle Rechte vorbehalten", "Powered by WordPress", "Keine Kommentare",
    ],
)
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Keine Tracking-Cookies auf den Websites der Stadt",  # a real title that names cookies
        "Antrag: Verzicht auf Cookies bei der städtischen Website",
        "Datenschutz im Rathaus stärken",
        "Suche nach einem neuen Standort für die Feuerwache",
        "Start der Sanierung am Hallenbad",
        "Teilen statt besitzen: Ein Leihladen für die Nordstadt",
        "Foto-Ausstellung im Rathaus eröffnet",
        "Bildung ist der Schlüssel",
        "Radverkehr | Sicherheit | Klima",
        "Kontaktbereichsbeamte für jeden Stadtteil",
        "Pressemitteilung",
        "Newsletter",
        "Die Fraktion begrüßt, dass die Stadt ihre Website ohne Cookies betreibt und auf Tracking verzichtet.",
        "Menü-Plan der Schulmensa soll regional und saisonal werden",
    ],
)
def test_content_lines_are_not_chrome(line):
    assert not is_chrome_line(line)


def test_a_single_menu_word_is_chrome_only_before_the_content():
    text = "Aktuelles\nPresse\nNeue Bänke für den Stadtpark\nPresse\nDer Verein hat Bänke aufgestellt."
    assert _lines(strip_boilerplate(text)) == [
        "Neue Bänke für den Stadtpark", "Presse", "Der Verein hat Bänke aufgestellt."
    ]


def test_chrome_in_the_middle_of_a_long_body_stays():
    body = [f"Absatz {n}: Die Fraktion fordert mehr Mittel für die Sanierung der Schulen im Stadtgebiet." for n in
            range(30)]
    text = "\n".join([*body[:20], "Teilen", *body[20:]])
    assert "Teilen" in strip_boilerplate(text).split("\n")


@pytest.mark.parametrize(
    ("line", "noise"),
    [
        ("Eingang 12. MRZ 2024", True), ("Eingegangen am 03.04.2023", True), ("|__|__|__|", True),
        ("I l 1 . ,", True), ("[ ] [ ]", True), ("- 2 -", True), ("_____", True),
        ("A n t r a g", False), ("12.03.2024", False), ("Fax 0234 910-0", False), ("Antraq", False),
        ("SPD", False), ("Stadt Bochum", False),
    ],
)
def test_noise_lines(line, noise):
    assert is_noise_line(line) is noise


def test_letter_spacing_is_joined():
    assert join_letter_spacing("A n t r a g der Fraktion") == "Antrag der Fraktion"
    assert join_letter_spacing("A N F R A G E") == "ANFRAGE"
    assert join_letter_spacing("Am 3. 5. a b") == "Am 3. 5. a b"  # two single letters are no letter spacing


# --- properties ---------------------------------------------------------------------------------------------

WORD = st.sampled_from(
    ["Die", "Fraktion", "fordert", "mehr", "Bänke", "im", "Stadtpark", "und", "der", "Rat", "soll", "die", "Mittel",
     "für", "Schulen", "bereitstellen", "Verwaltung", "prüft", "seit", "Jahren", "einen", "Radweg", "an", "Straße",
     "Kinder", "brauchen", "sichere", "Wege", "zur", "Schule", "Stadt", "Bochum", "2024", "Euro", "neue", "Kita"]
)
PROSE = st.lists(WORD, min_size=8, max_size=30).map(lambda words: " ".join(words).capitalize() + ".")
CHROME = st.sampled_from(
    ["Zum Inhalt springen", "Menü", "Suche", "Startseite", "Start » Aktuelles » Presse", "Alle akzeptieren",
     "Wir verwenden Cookies, um unsere Website zu verbessern.", "Teilen", "Facebook Twitter WhatsApp E-Mail",
     "© pixabay, geralt", "Foto: privat", "Veröffentlicht am 12. März 2024 von Redaktion", "Kategorie: Presse",
     "Lesezeit 3 Minuten", "Nach oben", "Impressum Datenschutz Kontakt", "", "Aktuelles", "Presse"]
)
SHORT = st.sampled_from(["Neue Bänke für den Stadtpark", "SPD-Fraktion Bochum", "Radweg jetzt!", "12.03.2024", ""])
PAGES = st.lists(st.one_of(PROSE, CHROME, SHORT), max_size=40).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(PAGES)
def test_prose_is_never_removed(page):
    kept = strip_boilerplate(page).split("\n")
    for line in page.split("\n"):
        if len(line.split()) >= 8 and "Cookies" not in line:
            assert line in kept


@settings(max_examples=300, deadline=None)
@given(st.one_of(PAGES, st.text(max_size=400)))
def test_strip_is_idempotent(page):
    page = clean(page)
    once = strip_boilerplate(page)
    assert strip_boilerplate(once) == once


@settings(max_examples=200, deadline=None)
@given(PAGES)
def test_strip_only_drops_lines(page):
    """Every kept line is a line of the page (or a byline's date), in order."""
    original = page.split("\n")
    position = 0
    for line in strip_boilerplate(page).split("\n"):
        if not line:
            continue
        while position < len(original) and line not in original[position]:
            position += 1
        assert position < len(original), line
        position += 1
