"""Topics from a keyword lexicon per topic (topics.csv scope words plus common German vocabulary).

Stems match anywhere inside a word (German compounds: "Radweg" in "Schulradweg"), except stems written with a
leading "^", which must start a word. The title counts more than the body; a topic needs clear evidence.
"""

import math
import re

from ingest import reference
from ingest.metadata import topic_model

LEXICON: dict[str, tuple[str, ...]] = {
    "wohnen": (
        "wohnung", "wohnraum", "miete", "mieter", "^mietpreis", "wohnungsbau", "wohnungslos", "obdachlos",
        "leerstand", "kosten der unterkunft", "wohngeld", "vermiet", "milieuschutz", "^wohnen", "wohnbau",
        "sozialwohnung", "zweckentfremdung", "wohnungsbaugesellschaft", "eigenheim", "wohngebiet",
    ),
    "verkehr": (
        "verkehr", "öpnv", "^radweg", "radweg", "fahrrad", "radfahr", "^rad", "fußgänger", "fußweg", "straßenbahn",
        "^tram", "^bus", "buslinie", "haltestelle", "^parken", "parkplatz", "parkraum", "parkhaus", "tempo 30",
        "tempolimit", "geschwindigkeit", "^bahn", "s-bahn", "u-bahn", "bahnhof", "flughafen", "^ampel",
        "kreuzung", "mobilität", "^auto", "^pkw", "^lkw", "ortsumgehung", "umgehungsstraße", "^taxi", "carsharing",
        "lastenr", "sozialticket", "fahrplan", "zebrastreifen", "^stub", "stadtbahn", "schulweg", "^kfz",
    ),
    "klima-umwelt": (
        "klima", "umwelt", "energie", "^strom", "photovoltaik", "solar", "windkraft", "windrad", "stadtwerke",
        "grünfläche", "^baum", "^bäume", "baumschutz", "lärm", "luftqualität", "feinstaub", "^abfall", "^müll",
        "recycling", "tierschutz", "artenvielfalt", "^natur", "co2", "co₂", "emission", "nachhaltig", "insekt",
        "biodiversität", "fernwärme", "wärmeplanung", "heizung", "entsiegel", "versiegel", "hitze", "begrünung",
        "^pfand", "mehrweg", "plastik", "gewässer", "hochwasser", "^wald", "platanen", "stadtgrün", "^tiere",
    ),
    "soziales": (
        "armut", "^sozial", "sozialleistung", "^tafel", "sozialpass", "bürgergeld", "hartz", "senior",
        "inklusion", "behinder", "barrierefrei", "^teilhabe", "grundsicherung", "pflegebedürftig", "bedürftig",
        "sozialamt", "einsamkeit", "^rente", "altersarmut", "sozialberatung", "wohlfahrt",
    ),
    "arbeit-wirtschaft": (
        "arbeitsmarkt", "beschäftig", "tariftreue", "^tarif", "wirtschaftsförderung", "einzelhandel", "gewerbe",
        "^wirtschaft", "unternehmen", "arbeitsplätze", "arbeitslos", "ausbildung", "fachkräfte", "mindestlohn",
        "^handwerk", "^industrie", "arbeitnehmer", "gewerkschaft", "befristet", "tourismus",
        "manufaktur", ),
    "bildung": (
        "^schul", "schule", "schüler", "^lehrer", "^bildung", "volkshochschule", "^vhs", "bibliothek",
        "bücherei", "gymnasi", "grundschul", "gesamtschul", "gemeinschaftsschul", "^ogs", "ganztag",
        "hochschul", "universität", "^studier", "^lernen", "unterricht", "^mensa", "^abitur",
    ),
    "kinder-jugend": (
        "^kita", "kindertages", "kindergarten", "kinderbetreuung", "krippe", "jugend", "spielplatz", "spielplätze",
        "^kinder", "familie", "^eltern", "^hort", "tagespflege", "kinderarmut", "jugendzentr", "jugendhilfe",
        "spielgerät",
    ),
    "gesundheit": (
        "gesundheit", "krankenhaus", "klinik", "^pflege", "pflegeheim", "rettungsdienst", "rettungswache",
        "notarzt", "^arzt", "ärzt", "pandemie", "corona", "covid", "^impf", "drogen", "^sucht", "medizin",
        "hygien", "^virus", "viren", "^kranken", "hebamme", "psychisch", "toilette",
    ),
    "haushalt": (
        "haushalt", "^etat", "^steuer", "gewerbesteuer", "grundsteuer", "^gebühr", "^abgabe", "^schulden",
        "finanzen", "kommunalfinanz", "zuschuss", "zuschüsse", "beteiligungen", "investition",
        "konsolidier", "^budget", "kredit", "förderm", "eintrittspreis", "entgelt",
    ),
    "migration": (
        "geflüchtet", "flüchtling", "asyl", "migration", "migrant", "integration", "abschiebung", "einbürgerung",
        "rassismus", "ausländer", "zuwander", "aufenthalt", "sprachkurs", "integrationsrat", "unterbringung",
        "erstaufnahme", "^herkunft",
    ),
    "kultur": (
        "^kultur", "kulturell", "theater", "museum", "museen", "freie szene", "denkmal", "städtepartnerschaft",
        "^kunst", "künstler", "^musik", "konzert", "festival", "^oper", "^kino", "stadtfest", "majolika",
        "^gedenk", "bibliothek", "heimat",
    ),
    "sport": (
        "^sport", "sportstätte", "sporthalle", "sportplatz", "schwimmbad", "schwimmbäder", "^bad ", "hallenbad",
        "freibad", "freizeit", "fußball", "turnhalle", "^stadion", "bolzplatz", "skate",
    ),
    "digitalisierung": (
        "digital", "breitband", "^wlan", "wifi", "glasfaser", "open data", "it-sicherheit", "^online",
        "internet", "e-government", "software", "^daten", "^app\\b", "homepage", "^e-mail-", "onlinezugang",
    ),
    "demokratie": (
        "bürgerbeteiligung", "beteiligung", "einwohnerantrag", "bürgerhaushalt", "ratsarbeit", "geschäftsordnung",
        "informationsfreiheit", "ehrenamt", "transparenz", "^demokrat", "bürgerentscheid", "bürgerbegehren",
        "partizipation", "^wahl", "wahlrecht", "stadtteilbeirat", "ortsbeirat", "mitbestimm", "volksentscheid",
        "antragsrecht", "rederecht", "livestream",
    ),
    "sicherheit": (
        "ordnungsamt", "polizei", "feuerwehr", "katastrophenschutz", "videoüberwach", "sperrstunde",
        "^sicherheit", "kriminal", "^gewalt", "^ordnung", "vandalismus", "blackout", "zivilschutz", "^brand",
        "^waffen", "messer", "diebstahl",
    ),
    "stadtentwicklung": (
        "bauleitplan", "bebauungsplan", "flächennutzung", "quartier", "bodenpolitik", "innenstadt", "stadtteil",
        "ländlich", "stadtentwicklung", "stadtplanung", "^bauen", "^baugebiet", "bauvorhaben", "neubaugebiet",
        "sanierung", "^ortskern", "ortsmitte", "städtebau", "nachverdichtung", "baugenehmigung", "stadtbild",
        "^isek", "grundstück", "^areal", "^gelände", "^brache",
    ),
    "gleichstellung": (
        "^frauen", "gleichstellung", "gewaltschutz", "frauenhaus", "frauenhäuser", "lsbti", "lgbt", "queer",
        "antidiskriminierung", "diskriminierung", "^gender", "geschlecht", "sexualis", "^vielfalt", "homosexuell",
        "transgender", "^gleichberechtig", "sexism", "^mädchen",
    ),
    "antifaschismus": (
        "rechtsextrem", "neonazi", "^nazi", "gedenken", "erinnerungskultur", "straßenumbenennung", "umbenennung",
        "provenienz", "faschis", "nationalsozialis", "^ns-", "stolperstein", "holocaust", "antisemit", "^rechts",
        "gedenkort", "gedenkstätte", "rechtsradikal", "^shoah",
    ),
    "verwaltung": (
        "verwaltung", "^personal", "bürgeramt", "bürgerämter", "bürgerbüro", "vergabe", "rechnungsprüf",
        "kreisumlage", "interkommunal", "^stellen", "stellenplan", "mitarbeitende", "mitarbeiter", "beschäftigte",
        "^dienststelle", "^behörde", "ausländerbehörde", "beratungsleistung", "^amt\\b", "^ämter", "zuständigkeit",
        "bürokratie", "^verwaltungs",
    ),
}
TITLE_WEIGHT = 8.0
MIN_SCORE = 8.0
RELATIVE = 0.6
MAX_TOPICS = 3

_patterns: dict[str, re.Pattern] = {}


def prepare() -> None:
    """Compile one regex per topic; check the lexicon only uses known slugs."""
    if _patterns:
        return
    known = {t.slug for t in reference.topics()}
    unknown = set(LEXICON) - known
    if unknown:
        raise ValueError(f"topic lexicon has unknown slugs: {sorted(unknown)}")
    for slug, stems in LEXICON.items():
        parts = [r"\b" + stem[1:] if stem.startswith("^") else stem for stem in stems]
        _patterns[slug] = re.compile("|".join(parts))


def _count(slug: str, text: str) -> int:
    return len(_patterns[slug].findall(text))


def lexicon_hits(body: str, title: str | None) -> dict[str, tuple[int, int]]:
    """slug -> (keyword hits in the body, hits in the title), only for topics with at least one hit."""
    prepare()
    body_folded = body[:30000].casefold()
    title_folded = (title or "").casefold()
    hits = {}
    for slug in _patterns:
        counts = (_count(slug, body_folded), _count(slug, title_folded))
        if any(counts):
            hits[slug] = counts
    return hits


def extract_topics_by_rules(text: str, title: str | None) -> tuple[str, ...]:
    """Up to MAX_TOPICS slugs by keyword counting alone (the fallback without a trained model), strongest first."""
    body = text[:30000]
    words = max(len(body.split()), 50)
    scores = {}
    for slug, (hits, title_hits) in lexicon_hits(body, title).items():
        density = hits * 300 / words  # hits per 300 words
        score = TITLE_WEIGHT * min(title_hits, 2) + 2 * math.log1p(density) * min(hits, 4)
        if score > 0:
            scores[slug] = score
    if not scores:
        return ()
    top = max(scores.values())
    ranked = sorted((s for s in scores if scores[s] >= MIN_SCORE and scores[s] >= RELATIVE * top), key=scores.get,
                    reverse=True)
    return tuple(ranked[:MAX_TOPICS])


def extract_topics(text: str, title: str | None) -> tuple[str, ...]:
    """Topics the text is really about, strongest first: the trained classifier, else the keyword rules."""
    prepare()
    if not topic_model.MODEL_PATH.is_file():
        return extract_topics_by_rules(text, title)
    feats = topic_model.features(text, title, lexicon_hits(text, title))
    return topic_model.decide(topic_model.probabilities(feats))
