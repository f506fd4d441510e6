"""Municipalities whose names are also German words (Essen, Wissen, Lage, Weil ...): context decides.

Texts in the style of real letterheads and web-page copies of council groups, written for these tests; a property
test over every name in ingest/reference/homonyms.csv; the rule that the sender's town beats a much smaller
namesake elsewhere.
"""

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import reference
from ingest.metadata import places
from ingest.metadata.place_context import Evidence, classify, strong
from ingest.metadata.places import extract_place

places.prepare()
HOMONYMS_CSV = Path(reference.__file__).parent / "homonyms.csv"
HOMONYMS = sorted(reference.homonyms())


def town(text: str) -> str | None:
    place = extract_place(text)
    return place.municipality.name if place.municipality else None


def arses(name: str) -> set[str]:
    return {m.ars for m in places._index.by_name[name]}


# --- the list -------------------------------------------------------------------------------------------------


def test_homonym_list_is_data_not_a_hand_list():
    with HOMONYMS_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and list(rows[0]) == ["name", "zipf", "town_zipf", "lower_word", "noun"]
    names = [r["name"] for r in rows]
    assert names == sorted(names) and len(names) == len(set(names))
    for row in rows:
        assert float(row["zipf"]) >= 3.0
        assert "1" in (row["lower_word"], row["noun"])
        assert places._index.by_name.get(row["name"]), row["name"]  # a name variant that places.py indexes
    h = reference.homonyms()
    assert h["Essen"].lower_word and h["Wissen"].lower_word and h["Laufen"].lower_word and h["Weil"].lower_word
    assert h["Wald"].noun and h["Lage"].noun and h["Hof"].noun
    for name in ("Berlin", "Bochum", "Karlsruhe", "Erlangen-Höchstadt", "Kämpfelbach", "Herne"):
        assert name not in h
    assert not hasattr(places, "COMMON_WORDS")


# --- letterheads of towns whose names are words -----------------------------------------------------------------

LETTERHEADS = [
    ("SPD-Fraktion im Rat der Stadt Essen\nRathaus, Porscheplatz 1, 45127 Essen\n\nAntrag zur Sitzung des Rates am "
     "12.06.2024\nSozialticket für alle\n\nDer Rat der Stadt möge beschließen: Das Sozialticket wird eingeführt. "
     "Essen ist eine Stadt mit vielen Menschen, die wenig Geld haben.", "Essen", "Nordrhein-Westfalen"),
    ("CDU-Stadtratsfraktion Wissen\nWissen, den 3. Mai 2024\n\nAntrag: Sanierung des Marktplatzes\n\nWissen ist "
     "Macht, heißt es. Wir wissen aber auch, dass der Marktplatz marode ist.", "Wissen", "Rheinland-Pfalz"),
    ("Bündnis 90/Die Grünen Weil am Rhein\nHauptstraße 12\n79576 Weil am Rhein\n\nAnfrage: Tram nach Basel\n\n"
     "Weil die Verlängerung der Tram seit Jahren geplant ist, fragen wir die Verwaltung ...", "Weil am Rhein",
     "Baden-Württemberg"),
    ("FDP Lage\nLage, 03.05.2024\n\nPressemitteilung\nDie Lage am Bahnhof ist unhaltbar\n\nDie Lage der Pendler "
     "verschlechtert sich. In guter Lage wären neue Parkplätze möglich.", "Lage", "Nordrhein-Westfalen"),
    ("SPD Senden\n\nAntrag an den Rat der Gemeinde Senden\nBürgerbüro länger öffnen\n\nWir senden Ihnen unseren "
     "Antrag mit der Bitte um Beratung. Die Gemeinde Senden im Kreis Coesfeld wächst.", "Senden",
     "Nordrhein-Westfalen"),
    ("SPD Senden\nAntrag an den Stadtrat\nHallenbad erhalten\n\nSehr geehrte Damen und Herren,\nwir beantragen:\n"
     "1. Das Hallenbad wird saniert.\n2. Die Öffnungszeiten werden verlängert.\n\nBegründung:\nDas Bad ist das "
     "einzige im Umkreis, Schulen und Vereine nutzen es täglich. Die Sanierung ist überfällig, Fördermittel stehen "
     "bereit. Senden liegt im Landkreis Neu-Ulm an der Iller und wächst.", "Senden", "Bayern"),
    ("Freie Wähler Laufen\nLaufen, den 14.02.2024\n\nAntrag an den Stadtrat\nLaufen ist gesund: ein Laufpfad an der "
     "Salzach\n\nBeim Laufen erholen sich die Menschen.", "Laufen", "Bayern"),
    ("Stadtratsfraktion Selb\nAntrag: Porzellanmuseum erhalten\n\nDas Museum in Selb braucht Hilfe.", "Selb",
     "Bayern"),
    ("Gemeinde Lehre\nGemeinderat Lehre\n\nAntrag: Ausbildungsmesse\n\nDie Lehre im Handwerk ist wichtig. Eine "
     "Lehre dauert drei Jahre.", "Lehre", "Niedersachsen"),
    ("DIE LINKE Kirchen (Sieg)\n57548 Kirchen\n\nAnfrage zur Kita-Versorgung\n\nViele Kirchen in der Region ...",
     "Kirchen (Sieg)", "Rheinland-Pfalz"),
    ("Stadt Hof\nHof, 12.11.2023\n\nBeschlussvorlage\nDer Hof des Rathauses wird neu gestaltet.", "Hof", "Bayern"),
    ("GRÜNE Halle (Saale)\nStadtratsfraktion\n\nAntrag: Mehr Bäume\n\nDie Halle am Markt soll begrünt werden.",
     "Halle (Saale)", "Sachsen-Anhalt"),
    ("Piraten im Kreistag? Nein: Piratenpartei Norden\nNorden, 2. Juni 2024\n\nAntrag: Hafen\n\nIm Norden der Stadt "
     "liegt der Hafen.", "Norden", "Niedersachsen"),
]


@pytest.mark.parametrize(("text", "name", "state"), LETTERHEADS, ids=[c[1] for c in LETTERHEADS])
def test_letterhead_of_a_town_named_like_a_word(text, name, state):
    place = extract_place(text)
    assert place.municipality is not None and place.municipality.name == name
    assert place.state == state


WEB_PAGES = [
    # a web-page copy: menu, breadcrumb, the text; the town appears only with context
    ("Startseite | Über uns | Termine | Kontakt\nSie sind hier: Aktuelles\n\nSommerfest im Stadtpark\n\n"
     "Am Samstag feiern wir in Essen unser Sommerfest. Für Essen und Trinken ist gesorgt. Die Bürgerinnen und "
     "Bürger aus Essen sind herzlich eingeladen.\n\nSPD Essen-Rüttenscheid · Impressum · Datenschutz", "Essen"),
    ("Home > Presse\n\nMehr Wissen über die Kommunalpolitik\n\nDie Bürgerinnen und Bürger in Wissen erfahren auf "
     "unserer Seite, was im Stadtrat Wissen beschlossen wurde.\n\n© 2024 CDU Wissen", "Wissen"),
    ("Aktuelles\n\nRadverkehr in Laufen\n\nWir fordern für Laufen einen sicheren Radweg an der Salzach. Laufen "
     "und Radfahren sollen sicher sein.\n\nFreie Wähler Laufen – Impressum", "Laufen"),
]


@pytest.mark.parametrize(("text", "name"), WEB_PAGES, ids=[c[1] for c in WEB_PAGES])
def test_web_page_names_the_town_in_context(text, name):
    assert town(text) == name


WORD_USES = [
    "Wissen ist Macht. Deshalb fordern wir mehr Geld für die Stadtbibliothek.",
    "Antrag: Gesundes Schulessen\n\nDas Essen in den Kitas soll gesünder werden. Essen ist ein Grundbedürfnis, "
    "zum Essen gehört auch Trinken.",
    "Pressemitteilung\nWeil die Brücke marode ist, beantragen wir eine Sanierung. Weil es eilt, bitten wir um "
    "schnelle Beratung.",
    "Anfrage\nDie aktuelle Lage auf dem Wohnungsmarkt ist angespannt. Wie schätzt die Verwaltung die Lage ein?",
    "Antrag\nWir wollen in Wald und Flur mehr Artenschutz. Der Wald leidet unter der Trockenheit; im Wald fehlen "
    "junge Bäume.",
    "Pressemitteilung\nLaufen ist gesund. Beim Laufen im Stadtpark erholen sich viele Menschen.",
    "Sehr geehrte Damen und Herren,\nwir senden Ihnen unseren Antrag. Senden Sie uns bitte Ihre Stellungnahme.",
    "Antrag\nDie Lehre im Handwerk braucht Unterstützung. Eine Lehre muss attraktiver werden.",
    "Stellungnahme\nViele Kirchen stehen leer. Die Kirchen und Gemeindehäuser sollen geöffnet werden.",
    "WISSEN IST MACHT\nEine Veranstaltungsreihe der Volkshochschule.",
    "Antrag\nDer Hof der Grundschule wird neu gestaltet. Auf dem Hof fehlen Bänke.",
    "Meine Damen und Herren,\nmeine Fraktion beantragt einen Zuschuss. Meine Kollegin wird das begründen.",
    "Anfrage\nOhne Kita-Plätze können Eltern nicht arbeiten. Ohne Geld geht es nicht.",
    "Antrag\nWir fordern Wissen und Bildung für alle. Mehr Wissen hilft.",
    "Rede\nDie Stelle ist ausgeschrieben. An dieser Stelle danke ich der Verwaltung.",
]


@pytest.mark.parametrize("text", WORD_USES, ids=range(len(WORD_USES)))
def test_word_uses_give_no_town(text):
    place = extract_place(text)
    assert place.municipality is None, place.municipality


def test_homonym_only_without_positive_context_gives_no_municipality():
    # "Lage" mid-sentence, not after an article, not decided either way: no guess
    assert town("Anfrage\nWir fragen nach Stand und Lage und Kosten der Maßnahme.") is None
    assert town("Wir brauchen Wald, Wiesen und Wasser.") is None


def test_non_homonym_names_keep_todays_behaviour():
    assert town("Antrag\nIn Bochum fehlen Radwege.") == "Bochum"
    assert town("Wir fordern das für Herne.") == "Herne"
    assert town("Bochum hat ein Problem mit Radwegen.") == "Bochum"


def test_kreis_of_the_town_printed_confirms_an_unsure_mention():
    text = "Pressemitteilung\n100 Jahre Laufen an der Salzach\nDas Jubiläum feiert das ganze Berchtesgadener Land."
    place = extract_place(text)
    assert place.municipality is not None and place.municipality.name == "Laufen"
    assert place.confidence < extract_place("Stadt Laufen\n100 Jahre an der Salzach").confidence
    assert town("Pressemitteilung\n100 Jahre Laufen an der Salzach\nDas Jubiläum feiert die ganze Region.") is None


def test_land_printed_confirms_only_a_letterhead_mention():
    assert town("Jugendtreff Laufen\nBayern fördert den Treff.") == "Laufen"
    assert town("Jugendtreff Laufen\nDer Treff wird gefördert.") is None
    assert town("Laufen und Schwimmen\nBayern fördert den Sport.") is None  # the word, joined to a noun
    assert town("Ortsverband\nMehr Bewegung, z.B. Laufen, fordern wir.\nBayern fördert den Sport.") is None


def test_ambiguous_homonym_evidence_lowers_confidence():
    clear = extract_place("Stadt Essen\nEssen, den 3.4.2024\nAntrag\nIn Essen fehlen Kitas.")
    mixed = extract_place("Stadt Essen\nAntrag\nEssen Kitas Essen Schulen Essen Sport")
    assert clear.municipality.name == mixed.municipality.name == "Essen"
    assert mixed.confidence < clear.confidence
    # mentions that are plainly the word say nothing against the town
    word_too = extract_place("Stadt Essen\nEssen, den 3.4.2024\nAntrag\nIn Essen fehlen Kitas. Das Essen ist gut.")
    assert word_too.confidence == clear.confidence


def test_longer_name_confirms_its_first_word():
    assert town("Antrag\nDer Gemeinderat von Weil am Rhein soll entscheiden.") == "Weil am Rhein"
    assert town("Lage (Lippe)\nAntrag") == "Lage"


def test_part_suffix_and_postcode_confirm():
    assert town("Bürgerverein Essen-Mitte\nAntrag: Bänke") == "Essen"
    assert town("Geschäftsstelle\nMarkt 1\n57537 Wissen") == "Wissen"


# --- the context rules one by one --------------------------------------------------------------------------------


def ev(line: str, name: str, prev: str = "", head: bool = False) -> Evidence:
    start = line.index(name)
    return classify(line, start, start + len(name), prev, head, lambda w: w in ("Bochum", "Dortmund"))


@pytest.mark.parametrize(("line", "name", "want"), [
    ("SPD-Fraktion im Rat der Stadt Essen", "Essen", Evidence.FOR),
    ("Gemeinderat Lehre", "Lehre", Evidence.FOR),
    ("Kreis Lage", "Lage", Evidence.FOR),
    ("45127 Essen", "Essen", Evidence.FOR),
    ("Essen, den 3. Mai 2024", "Essen", Evidence.FOR),
    ("Essen, 03.05.2024", "Essen", Evidence.FOR),
    ("Erlangen 19. April 2023", "Erlangen", Evidence.FOR),
    ("Essen-Nord", "Essen", Evidence.FOR),
    ("Wir wohnen in Essen.", "Essen", Evidence.FOR),
    ("Sie kommen aus Wissen und wollen helfen.", "Wissen", Evidence.FOR),
    ("Ein Radweg für Laufen wird geplant", "Laufen", Evidence.FOR),
    ("Städte wie Bochum und Essen", "Essen", Evidence.FOR),
    ("Sportamt Erlangen", "Erlangen", Evidence.FOR),
    ("Rathausplatz 1, Erlangen", "Erlangen", Evidence.FOR),
    ("SPD Wissen", "Wissen", Evidence.FOR),
    ("Wissen ist Macht.", "Wissen", Evidence.AGAINST),
    ("Gut so. Weil wir es wollen.", "Weil", Evidence.AGAINST),
    ("das Essen in der Mensa", "Essen", Evidence.AGAINST),
    ("Das gemeinsame Essen", "Essen", Evidence.AGAINST),
    ("im Wald", "Wald", Evidence.AGAINST),
    ("die aktuelle Lage", "Lage", Evidence.AGAINST),
    ("in Wald und Flur", "Wald", Evidence.AGAINST),
    ("Essen und Trinken", "Essen", Evidence.AGAINST),
    ("nach Lage der Dinge", "Lage", Evidence.AGAINST),
    ("WISSEN IST MACHT", "WISSEN", Evidence.AGAINST),
    ("Sport wie Laufen", "Laufen", Evidence.UNSURE),
    ("Meine Damen und Herren", "Meine", Evidence.UNSURE),
])
def test_classify(line, name, want):
    assert ev(line, name) == want


def test_classify_letterhead_line_and_wrapped_line():
    assert ev("Essen", "Essen", head=True) == Evidence.FOR
    assert ev("Essen", "Essen", head=False) == Evidence.UNSURE
    assert ev("Essen fordert mehr Geld", "Essen", prev="Die SPD im Rat der Stadt") == Evidence.FOR
    assert ev("Essen fordert mehr Geld", "Essen", prev="Das ist gut.") == Evidence.AGAINST


def test_strong_names_a_municipality_as_such():
    assert strong("Stadt Essen", 6, 11)
    assert strong("CDU Wissen", 4, 10)
    assert strong("Essen, den 3.4.2024", 0, 5)
    assert not strong("in Essen", 3, 8)


# --- property: every homonym ---------------------------------------------------------------------------------------

FILLER = [
    "Die Fraktion beantragt, die Verwaltung möge einen Bericht vorlegen.",
    "Begründung: Die Maßnahme ist seit Jahren überfällig.",
    "Wir bitten um Beratung in der nächsten Sitzung.",
    "Mit freundlichen Grüßen",
    "Der Ausschuss hat sich mehrfach mit dem Thema befasst.",
]
WORD_SENTENCES = [
    "{X} ist ein wichtiges Thema für uns.",  # sentence start, verb follows
    "Das ist klar. {X} wird oft unterschätzt.",
    "Wir sprechen über das {X} und die Folgen.",  # after an article
    "Beim {X} gibt es Probleme.",
    "Die neue {X} ist teuer.",
    "Wir haben {x} und wollen es nicht.",  # lowercase
    "{X} und Umgebung sind ein Thema.",  # joined to a noun
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(HOMONYMS), st.sampled_from(WORD_SENTENCES), st.lists(st.sampled_from(FILLER), max_size=4),
       st.integers(0, 4))
def test_word_use_of_any_homonym_never_yields_its_town(name, sentence, filler, at):
    lines = ["Antrag", *filler]
    lines.insert(min(at, len(lines)), sentence.format(X=name, x=name.lower()))
    place = extract_place("\n".join(lines))
    assert place.municipality is None or place.municipality.ars not in arses(name), (name, lines)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HOMONYMS), st.sampled_from(["Rat der Stadt {X}", "{X}, den 3.4.2024", "Gemeinde {X}"]),
       st.lists(st.sampled_from(FILLER), max_size=4))
def test_letterhead_of_any_homonym_yields_its_town(name, letterhead, filler):
    text = "\n".join([letterhead.format(X=name), "Antrag", *filler])
    place = extract_place(text)
    assert place.municipality is not None and place.municipality.ars in arses(name), (name, place)


# --- parts of the sender's town that are municipalities elsewhere -------------------------------------------------


def test_part_of_the_senders_town_does_not_win():
    body = "Die Eltern in Büchenbach wünschen sich einen Spielplatz. Büchenbach braucht mehr Grün.\n" * 12
    text = "Stadtratsfraktion Erlangen\nErlangen, den 3.4.2024\nAntrag: Spielplatz\n" + body
    assert town(text) == "Erlangen"


def test_city_state_district_that_is_a_municipality_elsewhere():
    text = "AntragstellerInnen: KDV Lichtenberg\nAntrag\n" + "In Berlin fehlen Radwege.\n" * 2
    place = extract_place(text)
    assert place.municipality.name == "Berlin"


def test_namesake_with_its_own_evidence_stays():
    # the smaller town is named as a municipality itself: no part of the sender's town
    text = "CDU Karlsruhe\nKarlsruhe, den 4.5.2023\nAntrag\n" + "Die Gemeinde Bruck und der Gemeinderat Bruck.\n" * 8
    assert town(text) == "Bruck"


def test_small_sender_keeps_its_town():
    text = "Gemeinde Kämpfelbach\nKämpfelbach, den 4.5.2023\nAntrag\nDas Landratsamt in Pforzheim prüft das."
    assert town(text) == "Kämpfelbach"
