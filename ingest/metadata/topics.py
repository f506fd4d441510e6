"""Topics from a keyword lexicon per topic (topics.csv scope words plus general German municipal-policy vocabulary).

A stem matches anywhere inside a word (German compounds: "Radweg" in "Schulradweg"), except stems written with a
leading "^", which must start a word. Stems are regular expressions, casefolded like the text ("ß" becomes "ss").
A stem written with a leading "~" is weak: a generic word ("Verwaltung", "Kinder", "sozial") that appears in passing
in many documents; it counts WEAK in the title and only when repeated WEAK_MIN_HITS times in the body.

Score of a topic = TITLE_WEIGHT per distinct title stem (at most TITLE_CAP) + BODY_WEIGHT * ln(1 + hits per 300 words) *
min(hits, HITS_CAP), the hits counted in the first BODY_CHARS characters: density, so that long documents (programmes
mentioning every topic) need proportionally more evidence, times the number of hits, so that one word in passing
is not enough. A topic is assigned when its score reaches MIN_SCORE and RELATIVE times the best topic's score; at
most MAX_TOPICS, strongest first.
The constants were tuned on the labelled dev corpus and checked leave-one-source-out (tuned on the other source
repositories, scored on the held-out one) and on the demo corpus.

An installation can replace these numbers and add or remove keywords per topic with a rules file (JSON, written by
``ingest.metadata.topic_tuning`` from documents staff reviewed): ``load_rules(path)`` makes extraction use it, in
this process and in the parse workers forked afterwards; without a file the built-in rules apply.
"""

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from ingest import reference
from ingest.metadata import topic_model

LEXICON: dict[str, tuple[str, ...]] = {
    "wohnen": (
        "wohnung", "wohnraum", "miete", "^mietpreis", "^mietspiegel", "^mietendeckel", "wohnungslos", "obdachlos",
        "leerstand", "kosten der unterkunft", "wohngeld", "vermiet", "milieuschutz", "^wohnen", "wohnbau",
        "sozialwohnung", "zweckentfremdung", "eigenheim", "~wohngebiet", "entmietung", "^eigenbedarf",
        "wohnungsgenossenschaft", "baugenossenschaft", "genossenschaftswohn", "belegungsbindung", "sozialbindung",
        "^wohnheim", "^verdrängung", "^gentrifizierung", "^spekulation", "^immobilie", "^vorkaufsrecht", "^untermiet",
        "^modernisierungsumlage", "^wohnungsnot", "^mietwohn", "^mietshaus", "^mietenstopp",
    ),
    "verkehr": (
        "verkehr", "öpnv", "^radweg", "fahrrad", "radfahr", "^rad\\b", "^radverkehr", "^radschnell", "fußgänger",
        "fußweg", "gehweg", "straßenbahn", "^tram", "^bus\\b", "^busse", "^buslinie", "^busspur", "haltestelle",
        "^parken", "parkplatz", "parkplätze", "parkraum", "parkhaus", "tempo 30", "tempo-30", "tempolimit",
        "geschwindigkeit", "^bahn\\b", "^bahnen", "s-bahn", "u-bahn", "bahnhof", "flughafen", "^ampel", "kreuzung",
        "mobilität", "^auto\\b", "^autos", "autofahr", "^pkw", "^lkw", "ortsumgehung", "umgehungsstraße", "^taxi",
        "carsharing", "lastenr", "sozialticket", "deutschlandticket", "^fahrplan", "zebrastreifen", "^stub\\b",
        "stadtbahn", "schulweg", "^kfz", "^e-scooter", "^scooter", "^straßenbau", "^fahrbahn", "^verkehrsberuhig",
        "^schulstraße", "^fahrverbot", "^durchgangsverkehr", "^nahverkehr", "^zugverbindung", "^regionalbahn",
        "^pendler", "^ladesäule", "^ladeinfrastruktur", "^elektromobil", "^e-mobil", "^fahrgäste", "^fahrgast",
        "^linienführung", "^trasse", "^fahrradstraße", "^autobahn", "^bundesstraße", "^landstraße", "^kreisstraße",
        "^ticket", "^nachtbus", "^rufbus", "^anruf-sammeltaxi",
    ),
    "klima-umwelt": (
        "klima", "umwelt", "energie", "^strom\\b", "^stromverbrauch", "photovoltaik", "solar", "windkraft", "windrad",
        "windenergie", "stadtwerke", "grünfläche", "grünanlage", "^baum\\b", "bäume", "^baumschutz", "^baumpflanz",
        "^baumbestand", "^baumfäll", "straßenbaum", "stadtbaum", "platane", "lärm", "luftqualität", "luftreinhalt",
        "feinstaub", "stickoxid", "^abfall", "^müll", "recycling(?!papier)", "tierschutz(?!partei|allianz)",
        "tierheim", "artenvielfalt", "artenschutz", "^natur", "co2", "co₂", "~emission", "~nachhaltig", "insekt",
        "biodiversität", "fernwärme", "wärmeplanung", "wärmewende", "wärmepumpe", "~heizung", "entsiegel",
        "versiegel", "hitze", "begrünung", "^pfand", "mehrweg", "einweg", "plastik", "gewässer", "hochwasser",
        "starkregen", "^wald", "^wälder", "stadtgrün", "^tiere\\b", "^ökolog", "erneuerbar", "energiewende",
        "wasserstoff", "kleingart", "kleingärt", "^parkanlage", "^grünzug", "^landschaftsschutz", "^trinkwasser",
        "^abwasser", "^kompost", "^verpackung", "^glyphosat", "pestizid", "^bienen", "^vögel", "^wildtier", "^zoo\\b",
        "^zoologisch", "^tierpark", "^hunde", "^lichtverschmutzung", "^schadstoff", "^umweltzone", "^wertstoff",
        "^sperrmüll", "^stadtsauberkeit", "^sauberkeit", "^vermüll", "^kohle", "^atom", "^dämmung", "^energetisch",
        "^regenwasser",
    ),
    "soziales": (
        "armut", "~^sozial(?!demokrat|versicherungspflicht|raum)", "sozialleistung", "^tafel", "sozialpass",
        "bürgergeld", "hartz", "senior", "inklusion", "behinder", "barrierefrei", "~^teilhabe", "grundsicherung",
        "pflegebedürftig", "bedürftig", "sozialamt", "einsamkeit", "^rente", "altersarmut", "sozialberatung",
        "wohlfahrt", "sozialhilfe", "sozialarbeit", "sozialpolitik", "sozialstaat", "^awo\\b", "diakonie", "caritas",
        "^leistungsberechtigt", "sgb ii", "sgb xii", "^transferleist", "^mittagstisch", "kältehilfe", "^kältebus",
        "^notunterkunft", "^einkommensschwach", "geringverdien", "^niedrigeinkommen", "^schuldnerberatung",
        "er pass\\b", "-pass\\b", "^ältere menschen", "^älteren menschen", "^rollstuhl", "^gehörlos", "^blinde",
        "sehbehindert", "^schwerbehindert", "^existenzminimum", "^sozialticket", "~^gerechtigkeit",
        "(?:gering|niedrig|klein|kleine[nr]? und mittler)\\w* einkommen", "^regelsatz", "^regelsätze", "obdachlos",
        "wohnungslos", "^sozialverträglich", "^sozialer arbeitsmarkt", "^sozialkaufhaus", "^sozialwohnung",
    ),
    "arbeit-wirtschaft": (
        "arbeitsmarkt", "~beschäftig", "tariftreue", "^tarif", "wirtschaftsförderung", "einzelhandel", "gewerbe",
        "^wirtschaft(?!lich)", "~^unternehmen", "arbeitsplätze", "^arbeitsplatz", "arbeitslos", "~ausbildung",
        "fachkräfte", "mindestlohn", "^handwerk", "^industrie", "arbeitnehmer", "gewerkschaft", "~befristet",
        "tourismus", "manufaktur", "arbeitsbedingung", "^betriebsrat", "outsourc", "^ausgliederung", "^mittelstand",
        "existenzgründ", "^gründer", "^start-up", "startup", "^spielhalle", "glücksspiel", "^ladenöffnung",
        "^sonntagsöffnung", "^wochenmarkt", "^leiharbeit", "^werkvertr", "^befristung", "sachgrundlos", "^lohn",
        "^löhne", "^niedriglohn", "^jobcenter", "^arbeitsagentur", "^ansiedlung", "^wirtschaftsstandort",
        "^gastronomie", "^einzelhändler", "^händler", "^kaufkraft", "^arbeitgeber", "^wertschöpfung", "^gute arbeit",
        "^prekär", "^minijob", "^arbeitszeit", "^erwerbs",
    ),
    "bildung": (
        "^schul", "schule", "schüler", "^lehrer", "lehrkräfte", "lehrkraft", "^bildung", "volkshochschule", "^vhs\\b",
        "bibliothek", "bücherei", "gymnasi", "grundschul", "gesamtschul", "gemeinschaftsschul", "^ogs\\b", "ganztag",
        "hochschul", "universität", "^studier", "^studium", "^studenten", "~^lernen", "unterricht", "^mensa",
        "^mensen", "^abitur", "^azubi", "auszubildend", "^berufsausbildung", "^weiterbildung", "~ausbildung",
        "^lernort", "^pädagog", "^klassenzimm", "^klassenraum", "^schulhof", "^wissenschaft", "^forschung",
        "^medienkompetenz", "^digitalpakt", "^bafög", "^lehramt", "^hausaufgab", "^förderschul", "^realschul",
        "^hauptschul", "^berufsschul", "^oberschul", "^sekundarschul",
    ),
    "kinder-jugend": (
        "^kita", "kindertages", "kindergarten", "kindergärten", "kinderbetreuung", "krippe", "~jugend", "spielplatz",
        "spielplätze", "~^kinder", "~familie", "~^eltern", "^hort\\b", "tagespflege", "kinderarmut", "jugendzentr",
        "jugendhilfe", "jugendarbeit", "jugendamt", "jugendliche", "jugendparlament", "jugendrat", "jugendclub",
        "jugendtreff", "jugendfreizeit", "jugendsozialarbeit", "kinderschutz", "kinderrecht", "kinder- und jugend",
        "kinderfreundlich", "familienfreundlich", "familienzentr", "familienförder", "familienpolitik", "elternbeitr",
        "kitaplatz", "kitaplätze", "kita-platz", "^frühkindlich", "^erzieher", "^heimerziehung", "^jugendschutz",
        "^kinderspiel", "spielgerät", "^babys", "^kleinkind", "^alleinerziehend", "^schwangere",
    ),
    "gesundheit": (
        "gesundheit", "krankenhaus", "krankenhäuser", "klinik", "^pflege(?!n\\b)", "pflegeheim", "rettungsdienst",
        "rettungswache", "notarzt", "^arzt", "ärzt", "pandemie", "corona", "covid", "^impf", "drogen", "^sucht",
        "medizin", "~hygien", "^virus", "viren", "^kranken", "hebamme", "psychisch", "~toilette", "^patient",
        "^notaufnahme", "^notfallversorgung", "^arztpraxis", "^arztpraxen", "^hausärzt", "^kinderärzt", "^psychiatr",
        "^psychotherap", "~^prävention", "^gesundheitsamt", "^erkrank", "^krankheit", "^infektion", "^alkohol",
        "^drogenkonsum", "^konsumraum", "^pflegekräfte", "^pflegekammer", "^versorgungszentr", "^mvz\\b", "^apothek",
        "^ersthelfer", "^reanimation", "^defibrillator", "^lebensretter", "^organspende", "^blutspende",
    ),
    "haushalt": (
        "haushalt(?!sgeräte)", "^etat", "~^steuer(?!ung|n\\b|t\\b)", "gewerbesteuer", "grundsteuer", "^gebühr",
        "^abgabe", "^schulden", "finanzen", "kommunalfinanz", "zuschuss", "zuschüsse", "beteiligungen",
        "~investition", "konsolidier", "^budget", "~kredit", "~förderm", "eintrittspreis", "entgelt", "^kämmer",
        "^einsparung", "^kürzung", "sparmaßnahme", "sparpaket", "^defizit", "^mehreinnahme", "~^einnahmen",
        "^mindereinnahme", "~^ausgaben", "^mehrkosten", "^kostensteigerung", "finanzausgleich", "schuldenbremse",
        "wirtschaftsplan", "^jahresabschluss", "^rücklage", "~^finanzier", "kofinanzier", "^zuwendung", "^haushälter",
        "^kassenkredit", "^steuermittel", "^steuergeld", "^steuereinnahm", "^hebesatz", "^hebesätze", "^finanzlage",
        "^finanzielle lage", "^überplanmäßig", "^außerplanmäßig", "^kosten senken", "^kostenbeteiligung",
        "~millionen euro", "~mio. euro", "~mio. €", "~^kosten\\b",
    ),
    "migration": (
        "geflüchtet", "flüchtling", "asyl", "~migration", "migrant", "~integration", "abschiebung", "einbürgerung",
        "rassismus", "ausländer", "zuwander", "aufenthaltstitel", "aufenthaltsstatus", "aufenthaltsrecht",
        "aufenthaltsgesetz", "^duldung", "^geduldet", "sprachkurs", "integrationsrat", "integrationskurs",
        "~unterbringung", "erstaufnahme", "~^herkunft", "^migrationshintergrund", "^einwander", "^staatsangehörig",
        "^staatsbürgerschaft", "^schutzsuchend", "^gemeinschaftsunterkunft", "^sammelunterkunft", "^ukrainer",
        "^willkommenskultur", "^kirchenasyl", "^sichere häfen", "^seenotrettung", "^drittstaat", "^interkulturell",
        "^muttersprach", "^sprachförder",
    ),
    "kultur": (
        "^kultur(?!en\\b)", "kulturell", "theater", "museum", "museen", "freie szene", "denkmal",
        "städtepartnerschaft", "partnerstadt", "^kunst", "künstler", "^musik", "konzert", "festival", "^oper\\b",
        "^opern", "^kino", "stadtfest", "volksfest", "majolika", "~^gedenk", "bibliothek", "~heimat", "^galerie",
        "^ausstellung", "^orchester", "^chor\\b", "^chöre", "^literatur", "^lesung", "^bühne", "^kreativ",
        "^soziokultur", "^atelier", "^proberäum", "^proberaum", "^feuerwerk", "^brauchtum", "^kirmes", "^karneval",
        "^fastnacht", "^fasching", "^weihnachtsmarkt", "^jubiläum", "^stadtgeschichte", "^archiv", "^kulturerbe",
        "^welterbe", "^provenienz",
    ),
    "sport": (
        "^sport", "sportstätte", "sporthalle", "sportplatz", "schwimmbad", "schwimmbäder", "hallenbad", "freibad",
        "^bäder", "~freizeit", "fußball", "turnhalle", "^stadion", "bolzplatz", "skate", "^schwimm", "^turnverein",
        "^vereinssport", "^sportverein", "^leichtathletik", "^kunstrasen", "^rasenplatz", "^laufstrecke", "^trimm",
        "^fitness", "^olympi", "^spielfeld", "^tennis", "^basketball", "^volleyball", "^handball", "^radsport",
        "^sportler", "^athlet", "^badesee", "~^naherholung", "~^erholung",
    ),
    "digitalisierung": (
        "digital", "breitband", "^wlan", "wifi", "wi-fi", "glasfaser", "open data", "it-sicherheit", "~^online",
        "~internet", "e-government", "software", "~^daten", "^app\\b", "^apps\\b", "~homepage", "^e-mail-",
        "onlinezugang", "onlinezugangsgesetz", "^ozg\\b", "^e-akte", "^elektronische akte", "^livestream",
        "^videokonferenz", "^video-konferenz", "^videotagung", "^hybride sitzung", "^hybrid-sitzung", "^5g\\b",
        "^mobilfunk", "^funkloch", "^cyber", "^open source", "^open-source", "^datenschutz", "^informationstechn",
        "^it-infrastruktur", "^tablet", "^laptop", "^smart city", "^künstliche intelligenz", "^ki\\b", "^chatbot",
        "^webseite", "^website", "~^plattform", "~^portal\\b",
    ),
    "demokratie": (
        "bürgerbeteiligung", "~beteiligung", "einwohnerantrag", "bürgerhaushalt", "ratsarbeit", "geschäftsordnung",
        "informationsfreiheit", "ehrenamt", "transparenz", "~^demokrat(?!ische[nr]? partei)", "bürgerentscheid",
        "bürgerbegehren", "partizipation", "~^wahl(?!programm|periode|kampf|versprechen)", "wahlrecht",
        "~stadtteilbeirat", "~ortsbeirat", "~bezirksbeirat", "mitbestimm", "volksentscheid", "volksbegehren",
        "antragsrecht", "rederecht", "livestream", "einwohnerversammlung", "bürgerversammlung",
        "einwohnerfragestunde", "bürgerfragestunde", "^bürgerrat", "~^bürgerinitiative", "^petition", "^bürgerdialog",
        "^anhörung", "^jugendparlament", "^kinder- und jugendparlament", "^akteneinsicht", "^lobby",
        "^wahlbeteiligung", "~^abstimmung", "^mitsprache", "^mitwirkung", "^bürgerforum", "^einwohnerbeteiligung",
        "^öffentlichkeitsbeteiligung", "^ratsinformationssystem", "^sitzungsöffentlich", "^öffentliche sitzung",
        "^nichtöffentlich", "^fraktionsstatus", "^fraktionsrecht", "~^mandat", "^bürgersprechstunde",
        "^bürgerbeauftragt", "^ombuds", "^zivilgesellschaft",
    ),
    "sicherheit": (
        "ordnungsamt", "polizei", "feuerwehr", "katastrophenschutz", "videoüberwach", "sperrstunde", "~^sicherheit",
        "kriminal", "~^gewalt", "^ordnung\\b", "^ordnungsdienst", "^ordnungsbehörd", "^ordnungsrecht", "vandalismus",
        "blackout", "zivilschutz", "bevölkerungsschutz", "~^brand", "^brandschutz", "^waffen", "messer", "diebstahl",
        "einbruch", "^sicherheitsdienst", "^sicherheitsgefühl", "^angstraum", "^angsträume", "^alkoholverbot",
        "^waffenverbot", "^pyrotechn", "^böller", "^sirene", "^warnsystem", "^warn-app", "^krisenstab",
        "^krisenvorsorge", "^notstrom", "^hochwasserschutz", "^straftat", "^täter", "^überfall", "^belästigung",
        "^vermüllung", "^graffiti", "^sachbeschädigung", "^melderecht", "^meldebehörde", "^auskunftssperre",
        "^rettungskräfte", "^einsatzkräfte", "^verfassungsschutz", "^extremis", "^poller", "^terror", "^razzia",
        "~^kontrolle", "^drogenhandel", "^dealer",
    ),
    "stadtentwicklung": (
        "bauleitplan", "bebauungsplan", "flächennutzung", "~quartier", "bodenpolitik", "innenstadt",
        "~stadtteil(?!beir)", "ländlich", "stadtentwicklung", "stadtplanung", "~^bauen", "^baugebiet", "bauvorhaben",
        "neubaugebiet", "~sanierung", "^ortskern", "ortsmitte", "städtebau", "nachverdichtung", "baugenehmigung",
        "stadtbild", "^isek\\b", "~grundstück", "^areal", "~^gelände", "^brache", "öffentlichen raum",
        "öffentlicher raum", "öffentlichen räume", "aufenthaltsqualität", "sanierungsgebiet", "^platzgestaltung",
        "stadtgestaltung", "^masterplan", "^rahmenplan", "ortsentwicklung", "dorfentwicklung", "dorferneuerung",
        "gemeindeentwicklung", "^konversion", "^liegenschaft", "^bauland", "^baulücke", "^stadtraum", "^wohnumfeld",
        "^stadtumbau", "soziale stadt", "entwicklungskonzept", "zentrenkonzept", "^bauprojekt", "^abriss",
        "^bauordnung", "^bauamt", "^bauaufsicht", "^stadtbaurat", "^fußgängerzone", "^wachsende stadt", "^marktplatz",
        "^stadtplatz", "^dorfplatz", "^ortsbild", "^flächenversiegelung", "^bebauung", "~^neubau", "^erbbau",
        "^bodenrichtwert", "^städtisches grundstück", "^städtische grundstücke", "~^infrastruktur", "^hochhaus",
        "~^gebäude", "^sitzbänke", "^bänke\\b",
    ),
    "gleichstellung": (
        "^frauen", "gleichstellung", "gewaltschutz", "frauenhaus", "frauenhäuser", "lsbti", "lgbt", "queer",
        "antidiskriminierung", "~diskriminierung", "^gender", "geschlecht", "sexualis", "~^vielfalt", "homosexuell",
        "transgender", "^trans\\*", "^trans-", "^inter\\*", "nicht-binär", "nichtbinär", "^gleichberechtig", "sexism",
        "^mädchen", "^istanbul-konvention", "istanbul konvention", "^femizid", "^häusliche gewalt",
        "^gleichstellungsbeauftragt", "^parität", "^gendergerecht", "^geschlechtergerecht", "^gerechte sprache",
        "^feminis", "^sexuelle identität", "^sexuelle orientierung", "^regenbogen", "^csd\\b", "^christopher street",
        "^schwul", "^lesb", "~^weiblich",
    ),
    "antifaschismus": (
        "rechtsextrem", "neonazi", "^nazi", "~gedenken", "erinnerungskultur", "straßenumbenennung", "umbenennung",
        "provenienz", "faschis", "nationalsozialis", "^ns-", "stolperstein", "holocaust", "antisemit", "gegen rechts",
        "^rechte szene", "gedenkort", "gedenkstätte", "rechtsradikal", "^shoah", "rechtspopulis", "^völkisch",
        "^reichsbürger", "^hanau\\b", "^nsu\\b", "^kolonial", "^erinnerungsort", "^mahnmal", "^opfer des",
        "^verfolgte", "^zwangsarbeit", "^deportation", "^menschenfeindlich", "^demokratiefeind", "^rechtsruck",
        "^extreme rechte", "^rechten gewalt",
    ),
    "verwaltung": (
        "~verwaltung", "~^personal", "bürgeramt", "bürgerämter", "bürgerbüro", "~vergabe", "rechnungsprüf",
        "kreisumlage", "interkommunal", "stellenplan", "stellenabbau", "stellenbesetz", "stellenausschreib",
        "^planstelle", "personalstelle", "~mitarbeitende", "~mitarbeiter", "~beschäftigte", "^dienststelle",
        "~^behörde", "ausländerbehörde", "beratungsleistung", "^amt\\b", "^ämter", "~zuständigkeit", "bürokratie",
        "verwaltungsreform", "verwaltungsstruktur", "verwaltungsmodernis", "^dezernat", "^dienstreise",
        "öffentlichen dienst", "öffentlicher dienst", "^bürgerservice", "^bearbeitungszeit", "^wartezeit",
        "^bezirksamt", "^bezirksämter", "^personalrat", "^ausschreibung", "^vergaberecht", "^verwaltungsverfahren",
        "^dienstwagen", "^beamt", "^dienstanweisung", "^organisationsuntersuchung", "^aufgabenkritik",
        "^zuständigkeiten", "^bezirksverwaltung", "^senatsverwaltung", "^eigenbetrieb", "^städtische gesellschaft",
        "^landesbetrieb", "^fachbereich", "^antragsverfahren", "^formular", "^sachbearbeit",
    ),
}
TITLE_WEIGHT = 8.0
TITLE_CAP = 2
BODY_WEIGHT = 1.5
HITS_CAP = 3
WEAK = 0.35
WEAK_MIN_HITS = 3
MIN_SCORE = 6.0
RELATIVE = 0.45
MAX_TOPICS = 3
BODY_CHARS = 30000

# the tunable numbers of a rules file: name -> type; "title_weight" stands for TITLE_WEIGHT and so on
PARAMETERS: dict[str, type] = {
    "title_weight": float, "title_cap": int, "body_weight": float, "hits_cap": int, "weak": float,
    "weak_min_hits": int, "min_score": float, "relative": float, "max_topics": int,
}
RULES_VERSION = 1


@dataclass(frozen=True)
class Rules:
    """The numbers of the scoring and per-topic keyword changes against LEXICON (slug -> stems, written as in
    LEXICON). ``Rules()`` are the built-in rules; ``source`` is the file others came from."""

    title_weight: float = TITLE_WEIGHT
    title_cap: int = TITLE_CAP
    body_weight: float = BODY_WEIGHT
    hits_cap: int = HITS_CAP
    weak: float = WEAK
    weak_min_hits: int = WEAK_MIN_HITS
    min_score: float = MIN_SCORE
    relative: float = RELATIVE
    max_topics: int = MAX_TOPICS
    added: dict[str, tuple[str, ...]] = field(default_factory=dict)
    removed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str | None = field(default=None, compare=False)

    def lexicon(self) -> dict[str, tuple[str, ...]]:
        """slug -> stems: LEXICON without the removed stems, with the added ones."""
        out = {}
        for slug, stems in LEXICON.items():
            removed = set(self.removed.get(slug, ()))
            out[slug] = tuple(s for s in stems if s not in removed) + tuple(self.added.get(slug, ()))
        return out

    def parameters(self) -> dict[str, float | int]:
        return {name: getattr(self, name) for name in PARAMETERS}

    def as_json(self) -> dict:
        """The ``parameters`` and ``keywords`` of a rules file."""
        return {
            "parameters": self.parameters(),
            "keywords": {
                "added": {slug: list(stems) for slug, stems in sorted(self.added.items()) if stems},
                "removed": {slug: list(stems) for slug, stems in sorted(self.removed.items()) if stems},
            },
        }


def rules_from_json(data: dict, source: str | None = None) -> Rules:
    """Rules from a rules file's JSON object (``parameters``, ``keywords``); missing numbers keep their built-in
    values. Raise ValueError on unknown names, impossible values, unknown slugs or stems that are no regex."""
    if not isinstance(data, dict):
        raise ValueError("a rules file holds a JSON object")
    params = data.get("parameters") or {}
    unknown = set(params) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"unknown topic rule parameters: {sorted(unknown)}")
    values = {}
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or not math.isfinite(value):
            raise ValueError(f"topic rule parameter {name} must be a number >= 0, not {value!r}")
        values[name] = PARAMETERS[name](value)
    if values.get("max_topics", MAX_TOPICS) < 1 or values.get("weak_min_hits", WEAK_MIN_HITS) < 1:
        raise ValueError("max_topics and weak_min_hits must be at least 1")
    keywords = data.get("keywords") or {}
    changes = {}
    for kind in ("added", "removed"):
        by_slug = keywords.get(kind) or {}
        unknown = set(by_slug) - set(LEXICON)
        if unknown:
            raise ValueError(f"topic rules name unknown topics: {sorted(unknown)}")
        for slug, stems in by_slug.items():
            for stem in stems:
                try:
                    re.compile(str(stem).removeprefix("~").removeprefix("^"))
                except re.error as exc:
                    raise ValueError(f"topic rules: {stem!r} ({slug}) is no regular expression: {exc}") from exc
        changes[kind] = {slug: tuple(str(s) for s in stems) for slug, stems in by_slug.items() if stems}
    return Rules(**values, **changes, source=source)


def read_rules(path: Path) -> Rules:
    """The rules of a rules file (written by ``topic_tuning``); ValueError when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read topic rules {path}: {exc}") from exc
    return rules_from_json(data, source=str(path))


@dataclass(frozen=True)
class _Stem:
    regex: re.Pattern
    word_start: bool
    weak: bool
    raw: str


def _compile(stems: tuple[str, ...]) -> tuple[re.Pattern, tuple[_Stem, ...]]:
    """Longest stems first, so that "sozialticket" is found rather than "sozial"."""
    parsed = []
    for raw in sorted(dict.fromkeys(stems), key=lambda s: -len(s.lstrip("~^"))):
        stem = raw.removeprefix("~").casefold()
        parsed.append(_Stem(re.compile(stem.removeprefix("^")), stem.startswith("^"), raw.startswith("~"), raw))
    return re.compile("|".join(stem.regex.pattern for stem in parsed)), tuple(parsed)


class Lexicon:
    """Rules compiled: per slug one alternation of all its stems and the stems in the same order. The alternation
    has no groups and no leading word boundaries so that the regex engine can skip cheaply over text that starts
    no stem (about 5 ms a document)."""

    def __init__(self, rules: Rules | None = None):
        self.rules = rules or Rules()
        self.topics = {slug: _compile(stems) for slug, stems in self.rules.lexicon().items()}

    def stem_counts(self, slug: str, folded: str) -> Counter:
        """stem index -> occurrences in ``folded`` (casefolded text)."""
        pattern, stems = self.topics[slug]
        counts: Counter = Counter()
        for match in pattern.finditer(folded):
            pos = match.start()
            for i, stem in enumerate(stems):
                if stem.regex.match(folded, pos) and (not stem.word_start or _word_start(folded, pos)):
                    counts[i] += 1
                    break
        return counts

    def score(self, title: Counter, body: Counter, stems: tuple[_Stem, ...], words: int) -> float:
        r = self.rules
        title_score = min(sum(r.weak if stems[i].weak else 1.0 for i in title), r.title_cap)
        hits = sum(n * (r.weak if stems[i].weak else 1.0) for i, n in body.items()
                   if not stems[i].weak or n >= r.weak_min_hits)
        return r.title_weight * title_score + r.body_weight * math.log1p(hits * 300 / words) * min(hits, r.hits_cap)

    def scores(self, text: str, title: str | None) -> dict[str, float]:
        """slug -> evidence score, for topics with at least one keyword in the body."""
        body = text[:BODY_CHARS].casefold()
        title_folded = (title or "").casefold()
        words = max(len(body.split()), 50)
        out = {}
        for slug, (_, stems) in self.topics.items():
            body_counts = self.stem_counts(slug, body)
            if body_counts:
                out[slug] = self.score(self.stem_counts(slug, title_folded), body_counts, stems, words)
        return out

    def choose(self, found: dict[str, float]) -> tuple[str, ...]:
        """The topics whose score reaches min_score and relative times the best one's, strongest first."""
        if not found:
            return ()
        top = max(found.values())
        r = self.rules
        chosen = [s for s in found if found[s] >= r.min_score and found[s] >= r.relative * top]
        return tuple(sorted(chosen, key=lambda s: (-found[s], s))[: r.max_topics])

    def extract(self, text: str, title: str | None) -> tuple[str, ...]:
        return self.choose(self.scores(text, title))


_rules = Rules()
_active: Lexicon | None = None
_loaded: tuple | None = None  # (path, mtime, size) of the rules file in effect


def prepare() -> None:
    """Compile the stems of every topic under the rules in effect; check the lexicon only uses known slugs."""
    global _active
    if _active is not None:
        return
    known = {t.slug for t in reference.topics()}
    unknown = set(LEXICON) - known
    if unknown:
        raise ValueError(f"topic lexicon has unknown slugs: {sorted(unknown)}")
    _active = Lexicon(_rules)


def use_rules(rules: Rules) -> None:
    """Extract with ``rules`` from now on in this process (and in workers forked later)."""
    global _rules, _active, _loaded
    compiled = Lexicon(rules)
    _rules, _active, _loaded = rules, compiled, None


def load_rules(path: Path | None) -> Rules:
    """Extract with the rules file at ``path`` when there is one, else with the built-in rules; cheap when the
    file is unchanged since the last call (a stat). The caller decides where the file lives: ingest knows no
    installation. Raise ValueError when the file is not a rules file (the rules in effect stay)."""
    global _loaded
    path = Path(path) if path is not None else None
    if path is None or not path.is_file():
        if _rules.source is not None:
            use_rules(Rules())
        return _rules
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key != _loaded:
        use_rules(read_rules(path))
        _loaded = key
    return _rules


def current_rules() -> Rules:
    """The rules extraction uses now: the built-in ones or those of a loaded rules file (``source``)."""
    return _rules


def _lexicon() -> Lexicon:
    prepare()
    return _active


def _word_start(text: str, pos: int) -> bool:
    return pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "_")


def scores(text: str, title: str | None) -> dict[str, float]:
    """slug -> evidence score, for topics with at least one keyword in the body."""
    return _lexicon().scores(text, title)


_WORD = re.compile(r"\w+(?:-\w+)*")


def evidence(text: str, title: str | None, limit: int = 4) -> dict[str, tuple[str, ...]]:
    """slug -> up to ``limit`` words of the title and text that matched the topic's keywords, as written,
    title words first and then the most frequent; for every topic with evidence, strongest topic first.
    What a person reviewing the topics sees as the reason for each."""
    lexicon = _lexicon()
    spelled: dict[str, str] = {}
    for word in _WORD.findall((title or "") + "\n" + text[:BODY_CHARS]):
        spelled.setdefault(word.casefold(), word)
    found = lexicon.scores(text, title)
    out = {}
    for slug in sorted(found, key=lambda s: (-found[s], s)):
        words: Counter = Counter()
        for weight, part in ((1000, (title or "").casefold()), (1, text[:BODY_CHARS].casefold())):
            for word in _matched_words(lexicon, slug, part):
                words[spelled.get(word, word)] += weight
        out[slug] = tuple(word for word, _ in words.most_common(limit))
    return out


def _matched_words(lexicon: Lexicon, slug: str, folded: str) -> list[str]:
    """The whole words of ``folded`` in which one of the topic's stems matched."""
    pattern, stems = lexicon.topics[slug]
    words = []
    for match in pattern.finditer(folded):
        pos = match.start()
        if any(stem.regex.match(folded, pos) and (not stem.word_start or _word_start(folded, pos)) for stem in stems):
            start = pos
            while start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "-"):
                start -= 1
            word = _WORD.match(folded, start)
            if word:
                words.append(word.group(0))
    return words


def lexicon_hits(body: str, title: str | None) -> dict[str, tuple[int, int]]:
    """slug -> (keyword hits in the body, hits in the title), only for topics with at least one hit."""
    lexicon = _lexicon()
    body_folded = body[:BODY_CHARS].casefold()
    title_folded = (title or "").casefold()
    hits = {}
    for slug in lexicon.topics:
        counts = (sum(lexicon.stem_counts(slug, body_folded).values()),
                  sum(lexicon.stem_counts(slug, title_folded).values()))
        if any(counts):
            hits[slug] = counts
    return hits


def extract_topics_by_rules(text: str, title: str | None) -> tuple[str, ...]:
    """Up to max_topics slugs by keyword evidence alone (the fallback without a trained model), strongest first."""
    return _lexicon().extract(text, title)


_recording: ContextVar[list | None] = ContextVar("topic_inputs", default=None)


@contextmanager
def recording() -> Iterator[list[tuple[str, str | None]]]:
    """Within the block, the ``(text, title)`` of every ``extract_topics`` call in this context is appended to the
    list it yields: exactly what the extraction feeds the topic rules, however it prepares them (for tuning)."""
    seen: list[tuple[str, str | None]] = []
    token = _recording.set(seen)
    try:
        yield seen
    finally:
        _recording.reset(token)


def extract_topics(text: str, title: str | None) -> tuple[str, ...]:
    """Topics the text is really about, strongest first: the trained classifier if shipped, else the keyword rules.

    No classifier is shipped: the one of tools/train_topics.py scored below the rules under leave-one-source-out.
    """
    prepare()
    seen = _recording.get()
    if seen is not None:
        seen.append((text, title))
    if not topic_model.MODEL_PATH.is_file():
        return extract_topics_by_rules(text, title)
    feats = topic_model.features(text, title, lexicon_hits(text, title))
    return topic_model.decide(topic_model.probabilities(feats))


def confidence(text: str, title: str | None, chosen: tuple[str, ...]) -> float:
    """How clearly the chosen topics stand out: the weakest chosen topic's score against min_score and against the
    strongest topic left out. 0 without topics."""
    if not chosen:
        return 0.0
    lexicon = _lexicon()
    found = lexicon.scores(text, title)
    weakest = min(found.get(slug, 0.0) for slug in chosen)
    left_out = max((v for s, v in found.items() if s not in chosen), default=0.0)
    margin = weakest / (weakest + left_out) if weakest + left_out else 0.0
    strength = min(weakest / (2 * lexicon.rules.min_score), 1.0)
    return round(margin * strength, 3)
