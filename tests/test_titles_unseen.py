"""Titles of letterheads unlike the dev corpus's: type-and-date lines, place | sender, printer's notes, addressees,
bare names, agenda and reference numbers, titles broken over two paragraphs, form-box headers joined to the title."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import extract_metadata, prepare
from ingest.metadata.titles import first_names, is_person_name

BODY = ("Der Rat möge beschließen:\nDie Verwaltung wird beauftragt, bis zum Ende des Jahres ein Konzept vorzulegen "
        "und die Kosten im Haushalt darzustellen.")
CASES = {
    "type and date line": ("SPD-Fraktion im Rat der Stadt Musterhausen\nAntrag vom 3.5.2024\nMehr Grün auf Schulhöfen",
                           "Mehr Grün auf Schulhöfen"),
    "press release and date": ("Pressemitteilung vom 9.11.2023\nGrüne fordern sichere Radwege in Bochum",
                               "Grüne fordern sichere Radwege in Bochum"),
    "press release number": ("DIE LINKE. Ratsfraktion Herne\nPressemitteilung Nr. 12/2023\nHerne, 04.05.2023\n"
                             "Bezahlbarer Wohnraum statt Leerstand", "Bezahlbarer Wohnraum statt Leerstand"),
    "place | sender": ("Wesel | Bürgerliste für Wesel\nWesel, 12.03.2024\nAnfrage\nZustand der Rheinpromenade",
                       "Zustand der Rheinpromenade"),
    "printer's note": ("gedruckt auf Recyclingpapier\nCDU-Fraktion Bonn\nBonn, den 1.2.2023\nAntrag\n"
                       "Sanierung der Beethovenhalle beschleunigen", "Sanierung der Beethovenhalle beschleunigen"),
    "addressee block": ("FDP-Fraktion im Rat der Stadt Köln\nFrau Oberbürgermeisterin Henriette Reker\nRathaus\n"
                        "50667 Köln\nKöln, 3. März 2024\nAnfrage\nDigitale Schulen in Köln",
                        "Digitale Schulen in Köln"),
    "bare name": ("DIE LINKE. Ratsfraktion Herne\nMaria Musterfrau\nHerne, 04.05.2022\nMehr Sozialwohnungen für Herne",
                  "Mehr Sozialwohnungen für Herne"),
    "name with party": ("Dr. Jörg Berens (FDP)\nRatsmitglied\nKitaplätze schneller schaffen",
                        "Kitaplätze schneller schaffen"),
    "agenda and reference": ("Fraktion BÜNDNIS 90/DIE GRÜNEN\nTOP 4.1\nDrucksache Nr. 2024/123\nAntrag\n"
                             "Klimaschutzkonzept fortschreiben", "Klimaschutzkonzept fortschreiben"),
    "two paragraphs": ("CDU-Fraktion Wesel\nWesel, 12.03.2024\nAntrag\nEinrichtung eines Jugendparlaments für\n"
                       "die Stadt Wesel", "Einrichtung eines Jugendparlaments für die Stadt Wesel"),
    "form header joined": ("Antrag\nFraktion DIE LINKE\nÖffentlicher Nahverkehr für alle Gremium Termin TOP\n"
                           "Gemeinderat 12.04.2024 5", "Öffentlicher Nahverkehr für alle"),
}


@pytest.fixture(scope="module", autouse=True)
def _prepared():
    prepare()


@pytest.mark.parametrize("name", CASES)
def test_title_of_unseen_letterhead(name):
    head, want = CASES[name]
    assert extract_metadata(f"{head}\n{BODY}").title == want


def test_person_names():
    assert is_person_name("Maria Musterfrau")
    assert is_person_name("Dr. Jörg Berens (FDP)")
    assert is_person_name("Anna Muster, Fraktionsvorsitzende")
    assert not is_person_name("Mehr Sozialwohnungen für Herne")
    assert not is_person_name("Klimaschutzkonzept fortschreiben")
    assert not is_person_name("Kostenloses Schulessen")


@settings(max_examples=60, deadline=None)
@given(first=st.sampled_from(sorted(first_names())), last=st.sampled_from(["Muster", "Schmidt", "Yilmaz", "Berens"]),
       title=st.sampled_from([want for _, want in CASES.values()]))
def test_a_name_line_is_never_the_title(first, last, title):
    text = f"Ratsfraktion Musterstadt\n{first} {last}\nMusterstadt, 04.05.2022\n{title}\n{BODY}"
    assert extract_metadata(text).title == title


def test_a_title_line_ending_in_a_verb_of_its_clause_goes_on():
    """A line that ends in an auxiliary or modal verb ("… wird") or a possessive ("… seiner") is cut: the next line is
    the rest of the title, even when it begins with a capital."""
    text = "\n".join([
        "SPD-Fraktion im Rat der Stadt Musterstadt", "Musterstadt, 24. Januar 2019", "Resolution",
        "Musterstadt wird", "Sicherer Hafen", "Der Rat möge beschließen:",
        "Die Stadt erklärt sich zum Sicheren Hafen für Menschen, die aus Seenot gerettet wurden. Die Verwaltung "
        "wird beauftragt, dies umzusetzen.",
    ])
    assert extract_metadata(text).title == "Musterstadt wird Sicherer Hafen"
