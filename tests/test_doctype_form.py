"""Document types as documents really arrive: press releases without the word, motions and inquiries that keep
their types, and OCR letterheads whose type word is garbled or sits among stamps and form boxes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import extract_metadata, prepare
from ingest.metadata.doctype import (
    BODY,
    DOC_TYPES,
    FORM_STRONG,
    FORM_WEAK,
    IN_HEAD,
    NOTHING,
    classify,
    distance,
    fuzzy_word,
    press_score,
    press_signals,
)
from ingest.metadata.text import clean


@pytest.fixture(scope="module", autouse=True)
def _prepared():
    prepare()


def _classify(text):
    return classify(clean(text))


# --- press releases recognised by their form ---------------------------------------------------------------------

LANDTAG_MPS = """Maria Muster MdL · Max Beispiel MdL
Land fördert Sportstätten in Bochum mit 1,2 Millionen Euro

Düsseldorf, 12. März 2024 – Die SPD-Landtagsabgeordneten Maria Muster und Max Beispiel begrüßen die Entscheidung
der Landesregierung, drei Bochumer Sportplätze aus dem Programm „Moderne Sportstätte 2022“ zu fördern. Vereine
können bis Ende Juni einen Antrag auf weitere Mittel stellen.

„Das ist ein gutes Signal für den Breitensport in unserer Stadt“, erklärt Maria Muster. „Jetzt kommt es darauf an,
dass die Mittel schnell bei den Vereinen ankommen.“

Max Beispiel ergänzt: „Wir haben uns in Düsseldorf lange für diese Förderung eingesetzt.“

Für Rückfragen: Wahlkreisbüro Maria Muster MdL, Telefon 0234 123456
"""

CAPS_DATELINE = """SPD-Fraktion im Rat der Stadt Bochum
Sozialticket muss bleiben

BOCHUM. Die SPD-Fraktion kritisiert die Pläne des Verkehrsverbunds, das Sozialticket zum Jahresende abzuschaffen.
„Wer wenig Geld hat, darf nicht vom Nahverkehr abgehängt werden“, sagt Fraktionschefin Anna Beispiel. Die Fraktion
will den Eigenanteil der Stadt aus den Mehreinnahmen der Parkgebühren decken.

V.i.S.d.P.: Anna Beispiel, Willy-Brandt-Platz 2, 44777 Bochum
"""

QUOTE_AND_CONTACT = """GRÜNE Kreistagsfraktion Wesel
Kreis muss beim Radwegebau nachlegen

Die Grünen im Kreistag fordern, die Mittel für Radwege an Kreisstraßen im nächsten Haushalt zu verdoppeln.
Bisher sei nur ein Bruchteil der geplanten Strecken gebaut worden.
Dazu erklärt der verkehrspolitische Sprecher Jonas Beispiel: „Wer Klimaschutz ernst meint, muss Radwege bauen,
und zwar jetzt.“

Pressekontakt: Geschäftsstelle der Kreistagsfraktion, presse@gruene-fraktion-wesel.example
"""

WEB_COPY = """Zum Inhalt springen
Menü
Startseite
Home > Presse > Aktuelles
Wir verwenden Cookies, um unsere Website für Sie optimal zu gestalten.
Alle akzeptieren
Neue Kita am Stadtpark: Bauarbeiten beginnen im Mai
Veröffentlicht am 4. April 2024 von Redaktion
© pixabay, geralt
Leipzig, 4. April 2024 – Die Linke im Stadtrat begrüßt den Baubeginn der Kita am Stadtpark.
„Nach drei Jahren Planung ist das eine gute Nachricht für die Familien im Viertel“, sagt Stadträtin Eva Muster.
Teilen
Facebook Twitter WhatsApp E-Mail
Nach oben
Impressum Datenschutz Kontakt
"""


@pytest.mark.parametrize("text", [LANDTAG_MPS, CAPS_DATELINE, QUOTE_AND_CONTACT, WEB_COPY],
                         ids=["landtag-mps", "caps-dateline", "quote-and-contact", "web-copy"])
def test_press_release_without_the_word(text):
    doc_type, confidence = _classify(text)
    assert doc_type == "pressemitteilung"
    assert FORM_WEAK <= confidence <= FORM_STRONG < IN_HEAD


def test_a_mention_of_a_motion_in_the_first_paragraph_does_not_make_a_release_a_motion():
    assert "Antrag" in LANDTAG_MPS.split("\n\n")[1]
    assert extract_metadata(LANDTAG_MPS).doc_type == "pressemitteilung"


def test_confidence_grows_with_the_evidence():
    weak = "Fraktion DIE LINKE\nBusse im Takt\n\nDie LINKE fordert einen dichteren Takt. „Das ist überfällig“, " \
           "sagt Eva Muster."
    assert press_score(clean(weak)) < press_score(clean(LANDTAG_MPS))
    assert _classify(weak)[1] < _classify(LANDTAG_MPS)[1]


def test_signals_of_the_landtag_release():
    signals = press_signals(clean(LANDTAG_MPS))
    assert set(signals) == {"dateline", "quotes", "reported", "contact"}


def test_quotes_alone_do_not_make_a_press_release():
    newsletter = """Für die Bürger – mit den Bürgern
Liebe Leserinnen und Leser, in diesem Heft berichten wir über unsere Arbeit im Bezirk.
„Wir wollen unsere Arbeit noch besser strukturieren“, sagt dazu Birgit Muster, „und noch mehr zuhören.“
„Es gab viele motivierende Rückmeldungen aus der Bevölkerung“, so die Fraktionsvorsitzende Birgit Muster.
"""
    assert press_score(clean(newsletter)) == 0
    assert _classify(newsletter)[0] != "pressemitteilung" or _classify(newsletter)[1] <= BODY


def test_a_letter_date_line_is_no_dateline():
    letter = """DIE LINKE – Wiesbaden
Betreff: Mobile Impfteams im Westend
Wiesbaden, den 10. Dezember 2021
Wiesbaden erweitert allmählich seine stationären Impfangebote, das ist löblich, doch das Westend fehlt.
"""
    assert "dateline" not in press_signals(clean(letter))


# --- motions and inquiries keep their types ----------------------------------------------------------------------

MOTION_WITH_QUOTES = """SPD-Fraktion im Rat der Stadt Bochum
Bochum, 12. März 2024 – Sozialticket sichern

Der Rat möge beschließen:
Die Verwaltung wird beauftragt, mit dem Verkehrsverbund über den Erhalt des Sozialtickets zu verhandeln.

Begründung:
Die SPD-Fraktion kritisiert die Pläne des Verkehrsverbunds. „Wer wenig Geld hat, darf nicht abgehängt werden“,
sagt Fraktionschefin Anna Beispiel.
"""

MOTION_BESCHLUSSVORSCHLAG = """Fraktion BÜNDNIS 90/DIE GRÜNEN im Kreistag
Radwege an Kreisstraßen
Beschlussvorschlag:
Der Kreistag beauftragt die Verwaltung, ein Radwegeprogramm vorzulegen.
Begründung:
Die Grünen fordern seit Jahren mehr Radwege. „Es ist höchste Zeit“, sagt Jonas Beispiel.
Für Rückfragen: Geschäftsstelle
"""

INQUIRY_QUESTIONS = """CDU-Fraktion im Stadtrat Dresden
Bürgerbüros: Termine online

Die CDU-Fraktion kritisiert die langen Wartezeiten in den Bürgerbüros. „Das ist nicht hinnehmbar“, sagt Max Muster.
Wir fragen die Verwaltung:
1. Wie lange warten Bürgerinnen und Bürger derzeit im Mittel auf einen Termin?
2. Wann wird die Online-Terminvergabe für alle Bürgerbüros freigeschaltet?
"""

INQUIRY_NUMBERED_ONLY = """Gruppe FREIE WÄHLER im Gemeinderat
Straßenbeleuchtung in der Nordstadt
Die Freien Wähler fordern eine rasche Reparatur. „Es ist seit Wochen dunkel“, so Eva Beispiel.
1. Wie viele Leuchten in der Nordstadt sind derzeit defekt?
2. Bis wann werden die defekten Leuchten ersetzt?
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MOTION_WITH_QUOTES, "antrag"),
        (MOTION_BESCHLUSSVORSCHLAG, "antrag"),
        (INQUIRY_QUESTIONS, "anfrage"),
        (INQUIRY_NUMBERED_ONLY, "anfrage"),
        ("Antrag der SPD-Fraktion\nBetreff: Sozialticket\nDie SPD-Fraktion kritisiert die Pläne. „Das geht nicht“, "
         "sagt Anna Beispiel.\nFür Rückfragen: Geschäftsstelle", "antrag"),
        ("Kleine Anfrage\nDüsseldorf, 12. März 2024 – Die Abgeordneten fragen die Landesregierung. „Wir wollen "
         "Klarheit“, sagt Max Muster.\nPressekontakt: Büro Muster", "anfrage"),
    ],
    ids=["motion-with-quotes", "motion-beschlussvorschlag", "inquiry-questions", "inquiry-numbered",
         "motion-type-word", "inquiry-type-word"],
)
def test_motions_and_inquiries_keep_their_types(text, expected):
    assert _classify(text)[0] == expected


def test_a_plain_text_stays_sonstiges():
    assert _classify("Sommerfest der Ortsgruppe\nAm Samstag feiern wir im Stadtpark mit Musik und Kuchen.") == (
        "sonstiges", NOTHING)


# --- OCR letterheads ---------------------------------------------------------------------------------------------

SCAN_HEAD = """|__|__|__|
Eingang 12. MRZ 2024
I l 1 .
Stadt Musterhausen
{type_line}
der Fraktion BÜNDNIS 90/DIE GRÜNEN
Betreff Sanierung der Turnhalle an der Schulstraße
Die Fraktion bittet die Verwaltung, die Turnhalle bis zum Schuljahresbeginn zu sanieren.
"""


@pytest.mark.parametrize(
    ("type_line", "expected"),
    [
        ("Antraq", "antrag"),
        ("A n t r a g", "antrag"),
        ("A N T R A G", "antrag"),
        ("ANTRAG:", "antrag"),
        ("Anfraqe", "anfrage"),
        ("Anfraqe gem. § 17 GeschO", "anfrage"),
        ("A n f r a g e", "anfrage"),
        ("Änderunqsantrag zu TOP 7", "aenderungsantrag"),
        ("Pressemitteilunq", "pressemitteilung"),
        ("PRESSEMITTEILUNQ", "pressemitteilung"),
        ("Stellunqnahme", "stellungnahme"),
        ("lAntragl", "antrag"),
        ("☒ Antrag ☐ Anfrage", "antrag"),
        ("☐ Antrag ☒ Anfrage", "anfrage"),
    ],
)
def test_ocr_letterhead_type_word(type_line, expected):
    assert _classify(SCAN_HEAD.format(type_line=type_line))[0] == expected


def test_stamp_lines_do_not_push_the_type_word_out_of_the_letterhead():
    stamps = "\n".join(["|__|__|", "Eingang 12. MRZ 2024", "I l .", "_____", "- 1 -"] * 3)
    assert _classify(f"{stamps}\nStadt Musterhausen\nAntrag\nBetreff: Turnhalle\n")[0] == "antrag"


@pytest.mark.parametrize(
    "type_line",
    [
        "Anfang März beginnt die Sanierung",  # "Anfang" is no garbled "Anfrage"
        "Revolution im Nahverkehr",  # nor "Revolution" a "Resolution"
        "Auftrag an die Verwaltung",
        "Eintrag ins Denkmalbuch",
        "Umfrage unter Eltern",
        "Unterstützung des Antrags der AG Wurmtal",  # an inflected word spelt right is a mention
    ],
)
def test_ocr_matching_does_not_hit_other_words(type_line):
    text = f"Unabhängige Bürgerliste\n{type_line}\nDie Fraktion berichtet über ihre Arbeit im Stadtrat."
    assert _classify(text)[0] == "sonstiges"


def test_ocr_matching_only_in_the_letterhead():
    body = "\n".join(f"Zeile {n} mit Inhalt über die Sanierung der Schule" for n in range(20))
    assert _classify(f"Stadt Musterhausen\n{body}\nAntraq\n")[0] == "sonstiges"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("antraq", "antrag", 1), ("anfang", "anfrage", 3), ("revolution", "resolution", 1), ("antrag", "antrag", 0)],
)
def test_distance(a, b, expected):
    assert distance(a, b, 3) == expected


def test_short_words_are_never_matched_fuzzily():
    assert fuzzy_word("Rede") is None and fuzzy_word("Redo") is None and fuzzy_word("PN") is None


# --- properties ---------------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_classify_is_total(text):
    doc_type, confidence = classify(clean(text))
    assert doc_type in DOC_TYPES and 0 < confidence <= 1


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([MOTION_WITH_QUOTES, MOTION_BESCHLUSSVORSCHLAG]),
       st.lists(st.sampled_from(["„Das ist gut“, sagt Max Muster.", "Für Rückfragen: Büro Muster",
                                 "Die SPD-Fraktion begrüßt den Plan.", "V.i.S.d.P.: Anna Beispiel"]), max_size=6))
def test_press_signals_never_turn_a_motion_into_a_press_release(motion, extra):
    assert _classify(motion + "\n".join(extra))[0] == "antrag"
