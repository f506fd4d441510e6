"""Municipality, district and state from place names in the letterhead and body, resolved with the gazetteer."""

import math
import re
from dataclasses import dataclass

from ingest import reference
from ingest.metadata.text import head_lines
from ingest.records import Place

# City districts of the city states; the gazetteer has only the city.
CITY_DISTRICTS = {
    "Berlin": (
        "Friedrichshain-Kreuzberg", "Pankow", "Charlottenburg-Wilmersdorf", "Spandau", "Steglitz-Zehlendorf",
        "Tempelhof-Schöneberg", "Neukölln", "Treptow-Köpenick", "Marzahn-Hellersdorf", "Reinickendorf",
        "Berlin-Mitte", "Kreuzberg", "Friedrichshain", "Charlottenburg", "Schöneberg", "Prenzlauer Berg",
    ),
    "Hamburg": ("Altona", "Eimsbüttel", "Hamburg-Nord", "Hamburg-Mitte", "Wandsbek", "Bergedorf"),
}
# Institutions that exist only in one city state.
CITY_INSTITUTIONS = {
    "Berlin": re.compile(r"\bBVV\b|Bezirksverordnetenversammlung|Abgeordnetenhaus|Berliner Senat"),
    "Hamburg": re.compile(r"Bezirksversammlung|Hamburgische Bürgerschaft"),
}
STATE_ALIASES = {"NRW": "Nordrhein-Westfalen", "BW": "Baden-Württemberg", "RLP": "Rheinland-Pfalz"}
# Capitalised words that are also municipality names but mostly mean something else.
COMMON_WORDS = frozenset(
    "Weil Wald Lage Berg Ende Essen Au Hof Rain Laufen Mark Neuhaus Hagen Brück Linden Au Elend Tann Horn Lauf "
    "Loop Mitte Fahren Kirchen Bühl Höhe Ried Reute List Gern Glücks Grund Holz Heide Weiden Wiesen Garten Feld "
    "Tal Bach Dorf Weiler Zell Hausen Kappel Stein Pfalz Ahr Ems Main Rhein Marne Aue Burg Breitenbach Wangen "
    "Sand Hallen Rot Roth Senden Wittmund Damm Ohne Uder Zahna Moos Buch Lohne Polch Bergen Selb Sulz Baden "
    "Alt Neu Wiesbach Kirchberg Insel Bahn Schule Park Platz Lehre Rode Tiefenbach Hilter Grafing Teising "
    "Friedland Frieden Freiheit Heiligenhaus Wolken Glatt Thal Tiefen Amt Hohen Kreuz Brand Lichtenberg".split()
)
KREIS_WORDS = re.compile(
    r"\b(?:Kreistag(?:sfraktion)?|Kreistagsfraktion|Landkreis(?:es)?|Kreisverwaltung|Kreisausschuss|Kreis(?:es)?)"
    r"\s+(?:des\s+|im\s+)?$"
)
CITY_CONTEXT = re.compile(
    r"(?:\b(?:Stadt|Gemeinde|Markt|Stadtrat|Gemeinderat|Rat|Ortsgemeinderat|Stadtverordnetenversammlung|"
    r"Gemeindevertretung|Bezirksvertretung|Rathaus|Hansestadt|Landeshauptstadt|Magistrat\s+der|Bürgerschaft|Stadtverwaltung|in|im|für|aus)"
    r"(?:\s+der\s+(?:Stadt|Gemeinde))?\s+|\d{5}\s+)$"
)
# Names after these words are parts of a municipality (Ortsteile, Stadtteile), not the municipality itself.
PART_CONTEXT = re.compile(
    r"\b(?:Stadtteilbeirat|Ortsbeirat|Ortschaftsrat|Bezirksbeirat|Ortsteil|Stadtteil|Ortsteilen|Ortschaft|"
    r"Ortsvorsteher(?:in)?|Ortsverband|Ortsverein|OV|Dorf)(?:\s+\w+)?\s+$"
)
PART_NAME = re.compile(
    r"\b(?:Stadtteilbeirat|Ortsbeirat|Ortschaftsrat|Bezirksbeirat|Ortsteil|Stadtteil|Ortschaft|Ortsvorsteher(?:in)?)"
    r"(?:es|s)?\s+(?P<part>[A-ZÄÖÜ][\wäöüß]+(?:-[A-ZÄÖÜ][\wäöüß]+)?)"
)
CITY_PART = re.compile(r"\b(?P<city>[A-ZÄÖÜ][\wäöüß]+)(?:-| )(?P<part>[A-ZÄÖÜ][\wäöüß]+)\b")
PART_IN_CITY = re.compile(r"\b(?P<part>[A-ZÄÖÜ][\wäöüß-]+)\s*\((?P<city>[A-ZÄÖÜ][\wäöüß-]+)\)")
# The letterhead of a Kreis body: the district, not its seat, is the place.
KREIS_BODY = re.compile(r"Kreistag|\bLandrat\b|Kreishaus|Kreisausschuss")
PLACE_DATE_LINE = re.compile(r"^[A-ZÄÖÜ][^,]{1,40},?\s*(?:den\s+)?\d{1,2}\.")
MIN_POPULATION_HYPHEN = 10000
BODY_WEIGHT = 0.3


@dataclass
class _Index:
    by_name: dict[str, tuple[reference.Municipality, ...]]
    upper: dict[str, str]  # "KARLSRUHE" -> "Karlsruhe"
    adjective: dict[str, str]  # "Bochumer" -> "Bochum"
    district_by_name: dict[str, tuple[reference.District, ...]]
    max_words: int
    multi_first: frozenset[str]  # first words of the names with several words ("Frankfurt", "Bad")


_index: _Index | None = None


def _name_variants(name: str) -> set[str]:
    variants = {name}
    bare = re.sub(r"\s*\(.*?\)", "", name).strip()
    variants.add(bare)
    variants.add(name.replace("/ ", "/"))
    for joiner in (" am ", " an der ", " in ", " im ", " bei ", " a. ", " a.d. "):
        if joiner in bare and bare.split(joiner)[0].count(" ") == 0:
            variants.add(bare.split(joiner)[0])
    return {v for v in variants if v and v not in COMMON_WORDS}


def prepare() -> None:
    """Build name dictionaries once (a dict lookup per capitalised token, no scan over all names)."""
    global _index
    if _index is not None:
        return
    by_name: dict[str, list[reference.Municipality]] = {}
    adjective: dict[str, str] = {}
    for m in reference.municipalities():
        for variant in _name_variants(m.name):
            by_name.setdefault(variant, []).append(m)
        if m.population >= 50000 and " " not in m.name and "(" not in m.name:
            adjective.setdefault(m.name + ("r" if m.name.endswith("e") else "er"), m.name)
    for city in CITY_DISTRICTS:
        m = reference.municipalities_by_name(city)[0]
        for part in CITY_DISTRICTS[city]:
            by_name[part] = [m]
    district_by_name: dict[str, list[reference.District]] = {}
    for d in reference.districts():
        if d.kind in ("Kreis", "Landkreis", "Regionalverband"):
            variants = {d.name, re.sub(r"^(?:Landkreis|Kreis)\s+", "", d.name)}
            variants |= {v + "es" for v in variants if v.endswith("-Kreis")}  # "des Rhein-Sieg-Kreises"
            variants |= {v[: -len("-Kreis")] for v in variants if v.endswith("-Kreis")}  # "Kreistag Rhein-Sieg"
            for variant in variants:
                district_by_name.setdefault(variant, []).append(d)
    ranked = {k: tuple(sorted(v, key=lambda m: -m.population)) for k, v in by_name.items()}
    _index = _Index(
        by_name=ranked,
        upper={k.upper(): k for k in ranked if len(k) > 3},
        adjective={k: v for k, v in adjective.items() if k not in ranked},
        district_by_name={k: tuple(v) for k, v in district_by_name.items()},
        max_words=max(k.count(" ") + 1 for k in ranked),
        multi_first=_first_words([*ranked, *adjective, *district_by_name]),
    )


def _first_words(names: list[str]) -> frozenset[str]:
    firsts = {name.split(" ", 1)[0] for name in names if " " in name}
    return frozenset(firsts | {f.upper() for f in firsts})


@dataclass
class PlaceResult:
    municipality: Place | None = None
    district: Place | None = None
    state: str | None = None
    confidence: float = 0.0  # 0..1: how clearly the chosen place beats the others


def _confidence(best: float, second: float, ambiguous: bool) -> float:
    """The winner's share of the two best scores, damped when the evidence is thin or the name has namesakes
    that the text does not tell apart."""
    share = best / (best + second) if best + second else 0.0
    strength = 1 - math.exp(-best / 4)
    return round(share * strength * (0.7 if ambiguous else 1.0), 3)


def _phrases(line: str):
    """(start, phrase) for capitalised word sequences of 1..max_words words starting at each capitalised word."""
    words = list(re.finditer(r"[\wÄÖÜäöüß.)/'’-][\wÄÖÜäöüß.()/'’-]*", line))
    for i, w in enumerate(words):
        if not w.group()[0].isupper():
            continue
        longest = _index.max_words if w.group() in _index.multi_first else 1  # only these start longer names
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = line[w.start():words[i + n - 1].end()].rstrip(".,")
            if "(" not in phrase:
                phrase = phrase.rstrip(")")
            yield w.start(), phrase


def _add(scores: dict, key, weight: float) -> None:
    scores[key] = scores.get(key, 0.0) + weight


def _scan_line(line: str, weight: float, muni: dict, dist: dict, parts: frozenset = frozenset()) -> None:
    for start, phrase in _phrases(line):
        before = line[max(0, start - 40):start]
        named_kreis = phrase.endswith(("-Kreis", "-Kreises"))
        if phrase in _index.district_by_name and (named_kreis or KREIS_WORDS.search(before)):
            _add(dist, phrase, weight * (3 if weight > BODY_WEIGHT else 1))
            continue
        key = phrase if phrase in _index.by_name else None
        if key is None and phrase.isupper():
            key = _index.upper.get(phrase)
        bonus = 1.0
        if key is None and "-" in phrase and " " not in phrase:
            head = phrase.split("-")[0]
            if head in _index.by_name and _index.by_name[head][0].population >= MIN_POPULATION_HYPHEN:
                key, bonus = head, 0.8
        if key is None and phrase in _index.adjective:
            key, bonus = _index.adjective[phrase], 0.5
        if key is None:
            continue
        if key in parts or PART_CONTEXT.search(before):
            bonus *= 0.1
        elif CITY_CONTEXT.search(before):
            bonus *= 2
        _add(muni, key, weight * bonus)


def _pick(name: str, text: str, district_scores: dict) -> reference.Municipality:
    candidates = _index.by_name[name]
    if len(candidates) == 1:
        return candidates[0]
    states = {STATE_ALIASES.get(s, s) for s in re.findall(r"\b(?:" + "|".join(_state_words()) + r")\b", text)}
    named_districts = {d.ars for n in district_scores for d in _index.district_by_name[n]}
    for c in candidates:
        if c.district_ars in named_districts:
            return c
    for c in candidates:
        if c.state in states:
            return c
    return candidates[0]


def _state_words() -> list[str]:
    return [re.escape(s) for s in reference.states()] + list(STATE_ALIASES)


def _line_weight(index: int, line: str) -> float:
    if len(line) > 150:
        return BODY_WEIGHT
    if PLACE_DATE_LINE.search(line) and index < 14:
        return 15.0
    if index < 6:
        return 4.0
    if index < 14:
        return 2.0
    return 1.0


def _part_names(text: str) -> frozenset[str]:
    """Names the document itself uses as parts of a town: "Stadtteilbeirat Büchenbach", "Erlangen-Büchenbach",
    "Karlsruhe-Durlach", "Ortsteil Ersingen". Every mention of them counts as a part, not as a municipality."""
    found = set()
    for m in PART_NAME.finditer(text[:20000]):
        name = m.group("part")
        if name in _index.by_name:
            found.add(name)
    for m in CITY_PART.finditer(text[:20000]):
        city, part = m.group("city"), m.group("part")
        if part in _index.by_name and city in _index.by_name and city != part:
            if _index.by_name[city][0].population >= max(MIN_POPULATION_HYPHEN, 2 * _index.by_name[part][0].population):
                found.add(part)
    for m in PART_IN_CITY.finditer(text[:20000]):
        city, part = m.group("city"), m.group("part")
        if part in _index.by_name and city in _index.by_name and city != part:
            if _index.by_name[city][0].population >= 2 * _index.by_name[part][0].population:
                found.add(part)
    return frozenset(found)


def extract_place(text: str) -> PlaceResult:
    """Municipality (or only a district for Kreis documents), its district and state."""
    prepare()
    muni: dict[str, float] = {}
    dist: dict[str, float] = {}
    parts = _part_names(text)
    head = head_lines(text, 14)
    for i, line in enumerate(head):
        _scan_line(line, _line_weight(i, line), muni, dist, parts)
    body_start = text.find(head[-1]) + len(head[-1]) if head else 0
    for line in text[body_start:body_start + 20000].split("\n"):
        _scan_line(line, BODY_WEIGHT, muni, dist, parts)
    if dist and KREIS_BODY.search("\n".join(head[:6])):
        for name in dist:
            dist[name] *= 4
    for city, pattern in CITY_INSTITUTIONS.items():
        hits = len(pattern.findall(text[:20000]))
        if hits:
            _add(muni, city, min(hits, 5) * 0.6)
    best_muni = max(muni, key=muni.get, default=None)
    best_dist = max(dist, key=dist.get, default=None)
    ranked = [*sorted([*muni.values(), *dist.values()], reverse=True), 0.0, 0.0]
    if best_dist and (best_muni is None or dist[best_dist] >= muni[best_muni]):
        d = _index.district_by_name[best_dist][0]
        ambiguous = len(_index.district_by_name[best_dist]) > 1
        return PlaceResult(None, Place(d.name, d.ars), d.state, _confidence(ranked[0], ranked[1], ambiguous))
    if best_muni is None:
        return PlaceResult()
    if best_muni in parts:  # only a part of an unnamed town: no municipality; its namesakes are mostly nearby
        return PlaceResult(state=_pick(best_muni, text[:20000], dist).state)
    m = _pick(best_muni, text[:20000], dist)
    d = reference.district_by_ars(m.district_ars)
    confidence = _confidence(ranked[0], ranked[1], len(_index.by_name[best_muni]) > 1)
    return PlaceResult(Place(m.name, m.ars), Place(d.name, d.ars) if d else None, m.state, confidence)


def is_place_name(line: str) -> bool:
    """Whether a whole line is just a municipality name (a letterhead line, not a title)."""
    prepare()
    return line.strip(" .,") in _index.by_name
