"""Unit tests for the metadata extractors on small handwritten German snippets."""

import pytest

from ingest import topic_evidence
from ingest.metadata import extract_metadata, prepare
from ingest.metadata.dates import extract_date
from ingest.metadata.doctype import extract_doc_type
from ingest.metadata.faction import extract_faction
from ingest.metadata.parties import extract_parties
from ingest.metadata.places import extract_place
from ingest.metadata.titles import extract_title
from ingest.metadata.topics import extract_topics


@pytest.fixture(scope="module", autouse=True)
def _prepared():
    prepare()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SPD-Fraktion\nDüsseldorf, den 3.4.23\nAntrag: Mehr Bänke", "2023-04-03"),
        ("Datum: 12.03.2023\nAnfrage", "2023-03-12"),
        ("DIE LINKE – Bochum\nBochum, den 12. März 2023\nBetreff: Sozialticket", "2023-03-12"),
        ("Kommunalwahlprogramm\nStand: März 2021\n", "2021-03-01"),
        ("Antrag zur Sitzung am 05.05.2022\nKarlsruhe, 01.04.2022", "2022-04-01"),
        ("Antrag\nKeine Zahlen hier", None),
        ("Datum: 31.02.2023", None),
    ],
)
def test_date(text, expected):
    assert extract_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SPD-Fraktion\nAntrag: Mehr Bänke am Markt", "antrag"),
        ("CDU\nÄnderungsantrag zu TOP 5", "aenderungsantrag"),
        ("Anfrage gem. § 17 GeschO\nBetreff: Schulbau", "anfrage"),
        ("Kleine Anfrage der FDP-Fraktion", "anfrage"),
        ("PM: Radweg jetzt!", "pressemitteilung"),
        ("Pressemitteilung\nDIE LINKE", "pressemitteilung"),
        ("Resolution des Rates zur Ukraine", "resolution"),
        ("Haushaltsrede 2024\nEs gilt das gesprochene Wort", "rede"),
        ("Stellungnahme des Beirats zum Bebauungsplan", "stellungnahme"),
        ("GRÜNE\nBetreff: Tempo 30\nDer Rat möge beschließen: Tempo 30 überall.", "antrag"),
        ("Kommunalwahlprogramm 2020\nUnsere Ziele", "sonstiges"),
    ],
)
def test_doc_type(text, expected):
    assert extract_doc_type(text) == expected


def test_motion_quoting_an_inquiry_is_a_motion():
    text = "SPD-Fraktion\nAntrag: Schulwegsicherung\nUnsere Anfrage vom 3.3.2023 blieb unbeantwortet."
    assert extract_doc_type(text) == "antrag"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SPD – Karlsruhe\nBetreff: Mehr Grün\nKarlsruhe, den 1. März 2024", "Mehr Grün"),
        ("DIE LINKE\nWiesbaden, 21.11.2020\nPressemitteilung: Aartalbahn reaktivieren!", "Aartalbahn reaktivieren!"),
        ("ANTRAG\nSPD\nDatum: 26.05.2023\n\nKostenlose Toiletten für alle\n\nText", "Kostenlose Toiletten für alle"),
        ("Antrag\nhier: Odenwaldallee öffentliche Flächen\n\nSehr geehrter", "Odenwaldallee öffentliche Flächen"),
    ],
)
def test_title(text, expected):
    assert extract_title(text) == expected


def test_title_after_a_long_letterhead():
    letterhead = [
        "UBL-Fraktion im Rat der Stadt Herzogenrath",
        "Rathausplatz 1, 52134 Herzogenrath",
        "UBL Rathaus R105",
        "Tel. 02406 - 83 125",
        "Herzogenrath, 13.01.2025",
        "UBL - 510/2025",
        "Stadt Herzogenrath",
        "Der Bürgermeister",
        "14. Jan. 2025",
        "An den",
        "Bürgermeister der Stadt Herzogenrath",
        "Herrn Dr. Max Muster",
        "Im Hause",
        "Sehr geehrter Herr Bürgermeister,",
        "Die Fraktion bittet um Weiterleitung des nachfolgenden Antrages an den dafür",
        "zuständigen Fachausschuss.",
    ]
    motion = ["Antrag: Beseitigung der Glasstelen in der Bahnhofstraße", "Die Fraktion beantragt."]
    text = "\n\n".join([*letterhead, *motion])
    assert extract_title(text) == "Beseitigung der Glasstelen in der Bahnhofstraße"


@pytest.mark.parametrize("label", ["Antrag: Schimmelbefall im Jugendtreff", "Antrag:"])
def test_doc_type_from_a_labelled_line_after_a_long_letterhead(label):
    letterhead = [f"Zeile {n} des Briefkopfs" for n in range(1, 16)]
    text = "\n".join([*letterhead, label, "Die Fraktion bittet um eine Aussprache im Fachausschuss."])
    assert extract_doc_type(text) == "antrag"
    assert extract_doc_type("\n".join([*letterhead, "Die Fraktion bittet um eine Aussprache."])) == "sonstiges"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Für die Bürger - mit den\n\nBürgern", "Für die Bürger - mit den Bürgern"),
        (
            "Betreff: Gemeinsame Presseerklärung der CDU Walzbachtal und der\nBürgerinitiative Pro Jöhlingen e. V.",
            "Gemeinsame Presseerklärung der CDU Walzbachtal und der Bürgerinitiative Pro Jöhlingen e. V.",
        ),
        (
            "Rückbau der Hundefreilauffläche in\nMühlburg, die der Oberbürgermeister zugesagt hatte",
            "Rückbau der Hundefreilauffläche in Mühlburg, die der Oberbürgermeister zugesagt hatte",
        ),
        (
            "Betreff: IQ-Leitprojekt Sanierung Innenstadt Ost:\nEntwicklung ehemaliges Postgiroareal",
            "IQ-Leitprojekt Sanierung Innenstadt Ost: Entwicklung ehemaliges Postgiroareal",
        ),
    ],
)
def test_title_that_dangles_goes_on_in_the_next_line(head, expected):
    body = "\n".join(["Dies ist ein langer Satz im Text des Antrags, der umbricht und weiter geht."] * 8)
    assert extract_title(f"{head}\n\n{body}") == expected


def test_a_title_with_a_colon_is_not_a_form_field():
    text = (
        "ANTRAG\nSPD\nDatum: 15.11.2025\n\n"
        "Periodengerechtigkeit jetzt: Kostenlose Menstruationsartikel gesetzlich verankern\n\n"
        "Antragsteller: KDV Friedrichshain-Kreuzberg\nAntragstext\nDie Mitglieder werden aufgefordert."
    )
    assert extract_title(text) == "Periodengerechtigkeit jetzt: Kostenlose Menstruationsartikel gesetzlich verankern"


def test_a_programme_title_naming_the_party_is_not_a_sender_line():
    assert extract_title("FDP\n\nKommunalwahlprogramm FDP Münster 2014\n\nFDP\n\nVorwort\n\nLiebe Leserin,") == (
        "Kommunalwahlprogramm FDP Münster 2014"
    )
    assert extract_title("fdp-ms.de\n\nAm 25. Mai wählen gehen\n\nText.") == "Am 25. Mai wählen gehen"


def test_title_joins_wrapped_lines():
    body = "\n".join(["Dies ist ein langer Satz im Text des Antrags, der umbricht und weiter geht."] * 8)
    text = "DIE LINKE – Karlsruhe\n\nBetreff: Einführung eines Bürgerhaushalts als\nBeteiligungsinstrument\n\n" + body
    assert extract_title(text) == "Einführung eines Bürgerhaushalts als Beteiligungsinstrument"


def test_municipality_from_letterhead():
    place = extract_place("SPD-Fraktion im Gemeinderat Kämpfelbach\nAntrag: Neue Sitzbänke\nText.")
    assert place.municipality.name == "Kämpfelbach"
    assert len(place.municipality.ars) == 12
    assert place.state == "Baden-Württemberg"
    assert place.district.ars == place.municipality.ars[:5]


def test_letterhead_outweighs_body():
    text = "DIE LINKE – Herne\nHerne, den 3.4.2023\nAntrag\n" + "Wie die Bochumer Linksfraktion fordern wir ...\n" * 2
    assert extract_place(text).municipality.name == "Herne"


def test_adjective_form_in_body():
    place = extract_place("Pressemitteilung\nDie Bochumer Linksfraktion fordert ein Sozialticket.")
    assert place.municipality.name == "Bochum"


def test_kreistag_gives_district_only():
    place = extract_place("SPD-Fraktion im Kreistag Wesel\nAntrag: Kreisumlage senken")
    assert place.municipality is None
    assert place.district.ars == "05170"
    assert place.state == "Nordrhein-Westfalen"


def test_bezirksvertretung_gives_city():
    place = extract_place("Grüne in der Bezirksvertretung Köln-Ehrenfeld\nAnfrage: Radweg Venloer Straße")
    assert place.municipality.name == "Köln"


@pytest.mark.parametrize(("district", "city"), [("Marzahn-Hellersdorf", "Berlin"), ("Wandsbek", "Hamburg")])
def test_city_state_district_gives_city(district, city):
    place = extract_place(f"FDP-Fraktion {district}\nRede zur Aktuellen Stunde")
    assert place.municipality.name == city
    assert place.state == city


def test_ambiguous_name_prefers_larger_population():
    assert extract_place("CDU Brühl\nAntrag: Parken").state == "Nordrhein-Westfalen"


def test_ambiguous_name_uses_printed_state():
    text = "CDU Brühl\nAntrag: Parken\nDie Gemeinde Brühl in Baden-Württemberg braucht mehr Parkplätze."
    assert extract_place(text).state == "Baden-Württemberg"


def test_no_place():
    place = extract_place("Antrag: Mehr Bänke\nWir beantragen mehr Bänke.")
    assert (place.municipality, place.district, place.state) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SPD-Fraktion im Rat der Stadt Bochum\nAntrag", ("SPD",)),
        ("BÜNDNIS 90/DIE GRÜNEN\nAntrag", ("GRÜNE",)),
        ("Gemeinsamer Antrag der Fraktionen CDU, SPD und FDP\nBetreff: Schulen", ("CDU", "SPD", "FDP")),
        ("Linksfraktion Bochum\nPressemitteilung", ("DIE LINKE",)),
        (
            "Kreistagsfraktion BÜNDNIS 90/DIE GRÜNEN im Rhein-Sieg-Kreis\nSiegburg, den 3.4.23\n"
            "Gemeinsamer Antrag der Kreistagsfraktionen von GRÜNEN und SPD\nRadschnellweg",
            ("GRÜNE", "SPD"),
        ),
        ("SPD-Fraktion Bochum\nAntrag der Ratsfraktionen SPD, CDU und FDP\nBetreff: Bänke", ("SPD", "CDU", "FDP")),
        ("SPD-Fraktion Bochum\nAn die Fraktionen von CDU und FDP\nAntrag: Bänke", ("SPD",)),
        ("FREIE WÄHLER Karlsruhe\nAnfrage", ("Freie Wähler",)),
        ("Bürgerinitiative Pro Umgehung e. V.\nStellungnahme zur Haltung der CDU", ()),
        ("Unabhängige Wählergemeinschaft Velen\nAntrag", ()),
    ],
)
def test_parties(text, expected):
    assert extract_parties(text) == expected


def test_topics_precise():
    text = "Antrag: Sozialer Wohnungsbau\nDie Mieten steigen. Wir fordern mehr Sozialwohnungen und Wohnungsbau."
    assert extract_topics(text, "Sozialer Wohnungsbau") == ("wohnen",)
    assert extract_topics("Sehr geehrte Damen und Herren, vielen Dank.", "Einladung") == ()


def test_topics_ignore_words_in_passing():
    text = (
        "Die sozialdemokratische Fraktion beantragt: Die Verwaltung wird beauftragt, an der Kreuzung Hauptstraße "
        "eine Ampel zu bauen, damit Kinder sicher über die Straße kommen. Der Verkehr ist dort gefährlich.\n"
        "Gedruckt auf 100 % Recyclingpapier."
    )
    assert extract_topics(text, "Ampel an der Kreuzung Hauptstraße") == ("verkehr",)


def test_topics_sharp_s_and_longest_stem():
    text = "Fussgänger und Fußgängerinnen brauchen breite Gehwege. Das Sozialticket gilt auch im Bus."
    assert "verkehr" in extract_topics(text, "Mehr Platz für Fußgänger")
    text = "Das Sozialticket kostet 19 Euro. Berechtigt sind alle, die Bürgergeld oder Grundsicherung beziehen."
    assert set(extract_topics(text, "Sozialticket für alle")) == {"soziales", "verkehr"}


def test_extract_metadata_full():
    text = (
        "SPD-Fraktion im Gemeinderat Kämpfelbach\nKämpfelbach, den 12. März 2023\n\n"
        "Antrag: Sichere Radwege zur Grundschule\n\nDer Gemeinderat möge beschließen: Radwege und Schulwege sichern."
    )
    meta = extract_metadata(text)
    assert meta.doc_type == "antrag"
    assert meta.title == "Sichere Radwege zur Grundschule"
    assert meta.date == "2023-03-12"
    assert meta.municipality.name == "Kämpfelbach"
    assert meta.party == "SPD"
    assert meta.faction == "SPD-Fraktion im Gemeinderat Kämpfelbach"
    assert "verkehr" in meta.topics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SPD-Fraktion im Gemeinderat Kämpfelbach\nAntrag", "SPD-Fraktion im Gemeinderat Kämpfelbach"),
        (
            "Gruppe DIE LINKE in der Landschaftsversammlung Westfalen-Lippe\nAntrag",
            "Gruppe DIE LINKE in der Landschaftsversammlung Westfalen-Lippe",
        ),
        ("CSU-Stadtratsfraktion Erlangen, Rathausplatz 1, 91052 Erlangen\nAntrag", "CSU-Stadtratsfraktion Erlangen"),
        ("DIE LINKE. Ratsfraktion Bochum\nAntrag", "Ratsfraktion Bochum"),
        (
            "Kreistagsfraktion BÜNDNIS 90/DIE GRÜNEN im Rhein-Sieg-Kreis",
            "Kreistagsfraktion BÜNDNIS 90/DIE GRÜNEN im Rhein-Sieg-Kreis",
        ),
        ("AfD-Gemeinderatsfraktion Vorlage Nr.: 2019/1070", "AfD-Gemeinderatsfraktion"),
        ("SPD-OR-Fraktion Gremien Termin TOP Ö / N Ortschaftsrat Durlach 24.09.2025", "SPD-OR-Fraktion"),
        ("Redebeitrag der Fraktion Grüne Future. Ja, wir stimmen zu.", "Fraktion Grüne Future"),
        ("Die SPD-Fraktion im Abgeordnetenhaus wird aufgefordert, ...", None),
        ("Die SPD-Fraktion im Abgeordnetenhaus und die Senatsmitglieder werden aufgefordert", None),
        (
            "Die Linksfraktion im Rat der Stadt Bochum fordert ein Sozialticket.",
            "Linksfraktion im Rat der Stadt Bochum",
        ),
        ("Das von der SPD-Fraktion beschlossene Gesetz", None),
        ("Wir fordern die SPD-Fraktion des Abgeordnetenhauses auf, zu handeln", None),
        ("Der Antrag soll in der Fraktion behandelt werden.", None),
        ("Wir sind eine Gruppe engagierter Menschen\nAntrag", None),
        ("Bürgerinitiative Pro Umgehung\nStellungnahme", None),
    ],
)
def test_faction_as_printed(text, expected):
    assert extract_faction(text) == expected


def test_topic_evidence_names_the_words_as_written_title_first():
    text = ("Antrag: Sozialticket für alle\nDer Preis im ÖPNV sinkt. Straßenbahn, Straßenbahn und Busse fahren "
            "öfter. Die Mieten steigen.")
    found = topic_evidence(text, "Sozialticket für alle")
    assert found["verkehr"][:2] == ("Sozialticket", "Straßenbahn")
    assert set(found["verkehr"]) <= {"Sozialticket", "Straßenbahn", "ÖPNV", "Busse"}
    assert found["wohnen"] == ("Mieten",)
    assert next(iter(found)) == "verkehr"  # strongest topic first
    assert topic_evidence("Sehr geehrte Damen und Herren, vielen Dank.", None) == {}
