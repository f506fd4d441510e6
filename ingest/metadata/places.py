"""Municipality, district and state from place names in the letterhead and body, resolved with the gazetteer.

Every capitalised phrase that is a name variant of a municipality scores for that name, weighted by where it
stands (a place-and-date line, the letterhead, the body) and what stands before it ("Stadt X" counts double,
"Ortsteil X" a tenth). Two rules keep words and parts of towns from winning:

- a name that is also a German word (ingest/reference/homonyms.csv: "Essen", "Wissen", "Lage") counts only as far
  as its context says it means the town (``place_context.classify``); unsure mentions count a quarter, and a
  homonym without a single mention for it is dropped, unless the Kreis of one of its towns (or, with a mention in
  a letterhead-like line, its Land) is printed in the text; the confidence falls with the share of its unsure
  mentions;
- the sender's town, named as a municipality in the letterhead ("Stadt Erlangen", "Erlangen, den 3. Mai 2024"),
  beats a much smaller namesake in another Kreis that the text names without such evidence (an Ortsteil that is
  also a municipality elsewhere: "Büchenbach" in an Erlangen letter).
"""

import math
import re
from dataclasses import dataclass, field

from ingest import reference
from ingest.metadata import place_context
from ingest.metadata.place_context import Evidence
from ingest.metadata.text import head_lines
from ingest.records import Place

# City districts of the city states; the gazetteer has only the city. A district that is also a municipality
# elsewhere ("Lichtenberg", "Schöneberg", "Harburg") keeps it as a smaller namesake.
CITY_DISTRICTS = {
    "Berlin": (
        "Friedrichshain-Kreuzberg", "Pankow", "Charlottenburg-Wilmersdorf", "Spandau", "Steglitz-Zehlendorf",
        "Tempelhof-Schöneberg", "Neukölln", "Treptow-Köpenick", "Marzahn-Hellersdorf", "Reinickendorf",
        "Lichtenberg", "Berlin-Mitte", "Kreuzberg", "Friedrichshain", "Charlottenburg", "Schöneberg",
        "Prenzlauer Berg",
    ),
    "Hamburg": ("Altona", "Eimsbüttel", "Hamburg-Nord", "Hamburg-Mitte", "Wandsbek", "Bergedorf", "Harburg"),
}
# Institutions that exist only in one city state.
CITY_INSTITUTIONS = {
    "Berlin": re.compile(r"\bBVV\b|Bezirksverordnetenversammlung|Abgeordnetenhaus|Berliner Senat"),
    "Hamburg": re.compile(r"Bezirksversammlung|Hamburgische Bürgerschaft"),
}
STATE_ALIASES = {"NRW": "Nordrhein-Westfalen", "BW": "Baden-Württemberg", "RLP": "Rheinland-Pfalz"}
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
UNSURE_WEIGHT = 0.25  # a homonym mention that its context does not decide
PART_FACTOR = 0.1  # a part of a town ("Ortsteil X") or a namesake of one
SMALLER = 10  # a namesake at least this many times smaller than the sender's town loses to it


@dataclass
class _Index:
    by_name: dict[str, tuple[reference.Municipality, ...]]
    upper: dict[str, str]  # "KARLSRUHE" -> "Karlsruhe"
    adjective: dict[str, str]  # "Bochumer" -> "Bochum"
    district_by_name: dict[str, tuple[reference.District, ...]]
    max_words: int
    multi_first: frozenset[str]  # first words of the names with several words ("Frankfurt", "Bad")
    homonyms: frozenset[str]  # names that are also words ("Essen", "Wald"): they need context


_index: _Index | None = None


def name_variants(name: str) -> set[str]:
    """The forms of a municipality's name that the text may use: "Weil am Rhein" is also "Weil", "Lage (Lippe)"
    also "Lage"."""
    variants = {name}
    bare = re.sub(r"\s*\(.*?\)", "", name).strip()
    variants.add(bare)
    variants.add(name.replace("/ ", "/"))
    for joiner in (" am ", " an der ", " in ", " im ", " bei ", " a. ", " a.d. "):
        if joiner in bare and bare.split(joiner)[0].count(" ") == 0:
            variants.add(bare.split(joiner)[0])
    return {v for v in variants if v}


def prepare() -> None:
    """Build name dictionaries once (a dict lookup per capitalised token, no scan over all names)."""
    global _index
    if _index is not None:
        return
    by_name: dict[str, list[reference.Municipality]] = {}
    adjective: dict[str, str] = {}
    for m in reference.municipalities():
        for variant in name_variants(m.name):
            by_name.setdefault(variant, []).append(m)
        if m.population >= 50000 and " " not in m.name and "(" not in m.name:
            adjective.setdefault(m.name + ("r" if m.name.endswith("e") else "er"), m.name)
    for city in CITY_DISTRICTS:
        m = reference.municipalities_by_name(city)[0]
        for part in CITY_DISTRICTS[city]:
            by_name[part] = [m, *by_name.get(part, [])]
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
        homonyms=frozenset(reference.homonyms()) & frozenset(ranked),
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


@dataclass
class _Tally:
    """The scores of one document, and the evidence behind the names that need it."""

    muni: dict[str, float] = field(default_factory=dict)
    dist: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[float]] = field(default_factory=dict)  # homonym -> weights [for, unsure, against]
    unsure_in_head: set[str] = field(default_factory=set)
    strong_in_head: set[str] = field(default_factory=set)  # named as a municipality in the letterhead
    strong: set[str] = field(default_factory=set)  # named as a municipality anywhere

    def note(self, key: str, evidence: Evidence, weight: float) -> None:
        slot = {Evidence.FOR: 0, Evidence.UNSURE: 1, Evidence.AGAINST: 2}[evidence]
        self.evidence.setdefault(key, [0.0, 0.0, 0.0])[slot] += weight


def _resolve(phrase: str) -> tuple[str | None, float, int]:
    """(municipality key, bonus, length of the name in the phrase) for a capitalised phrase."""
    if phrase in _index.by_name:
        return phrase, 1.0, len(phrase)
    if phrase.isupper() and phrase in _index.upper:
        return _index.upper[phrase], 1.0, len(phrase)
    if "-" in phrase and " " not in phrase:
        head = phrase.split("-")[0]
        if head in _index.by_name and _index.by_name[head][0].population >= MIN_POPULATION_HYPHEN:
            return head, 0.8, len(head)
    if phrase in _index.adjective:
        return _index.adjective[phrase], 0.5, 0
    return None, 0.0, 0


def _is_other_place(word: str) -> bool:
    """A name of a municipality, district or state that is no word ("Bochum" next to "Essen")."""
    return (word in _index.by_name and word not in _index.homonyms) or word in _index.district_by_name \
        or word in reference.states()


def _scan_line(line: str, weight: float, tally: _Tally, parts: frozenset = frozenset(), prev: str = "",
               head: bool = False) -> None:
    named_at: dict[int, str] = {}  # start -> the longest name found there ("Weil am Rhein" before "Weil")
    for start, phrase in _phrases(line):
        before = line[max(0, start - 40):start]
        named_kreis = phrase.endswith(("-Kreis", "-Kreises"))
        if phrase in _index.district_by_name and (named_kreis or KREIS_WORDS.search(before)):
            _add(tally.dist, phrase, weight * (3 if weight > BODY_WEIGHT else 1))
            continue
        key, bonus, length = _resolve(phrase)
        if key is None:
            continue
        if key in parts or PART_CONTEXT.search(before):
            bonus *= PART_FACTOR
        elif CITY_CONTEXT.search(before):
            bonus *= 2
        if length and place_context.strong(line, start, start + length):
            tally.strong.add(key)
            if head:
                tally.strong_in_head.add(key)
        if key in _index.homonyms:
            evidence = _homonym_evidence(key, line, start, length, named_at.get(start), prev, head)
            tally.note(key, evidence, weight)
            if evidence == Evidence.AGAINST:
                continue
            if evidence == Evidence.UNSURE:
                bonus *= UNSURE_WEIGHT
                if head and len(line) <= 60 and not line.rstrip().endswith((".", "!", "?", ",", ";")):
                    tally.unsure_in_head.add(key)  # a letterhead-like line, no sentence
        named_at.setdefault(start, phrase)
        _add(tally.muni, key, weight * bonus)


def _homonym_evidence(key: str, line: str, start: int, length: int, longer: str | None, prev: str,
                      head: bool) -> Evidence:
    if longer is not None:  # part of a longer name: "Weil" of "Weil am Rhein"
        return Evidence.FOR
    if not length:  # an adjective ("Essener") says the place but is no mention of the name
        return Evidence.UNSURE
    noun = reference.homonyms()[key].noun
    return place_context.classify(line, start, start + length, prev, head, _is_other_place, noun)


def _settle_homonyms(tally: _Tally, text: str) -> None:
    """Drop the homonyms that no mention confirms, unless the text prints the Kreis (or, for a mention in a
    letterhead-like line, the Land) of one of their towns."""
    states = _states_in(text)
    for key in [k for k in tally.muni if k in _index.homonyms]:
        if tally.evidence.get(key, [0.0])[0] > 0:
            continue
        if not _region_named(key, text, tally.dist, states if key in tally.unsure_in_head else set()):
            del tally.muni[key]


def _region_named(key: str, text: str, district_scores: dict, states: set[str]) -> bool:
    for m in _index.by_name[key]:
        if m.state in states:
            return True
        d = reference.district_by_ars(m.district_ars)
        if d is None or d.kind not in ("Kreis", "Landkreis") or key in d.name:
            continue
        short = re.sub(r"^(?:Landkreis|Kreis)\s+|\s*\(.*?\)", "", d.name)  # "Altenkirchen (Westerwald)"
        if d.name in district_scores or re.search(rf"\b{re.escape(short)}\b", text):
            return True
    return False


def _homonym_certainty(key: str, tally: _Tally) -> float:
    """1 for a name that is no word; for a homonym, lower the larger the share of its mentions that the context
    leaves open (0.5 when none says it is the town and only its Kreis or Land made it count). Mentions that are
    plainly the word ("Weil wir ...") say nothing about the town and do not count."""
    if key not in _index.homonyms:
        return 1.0
    confirmed, unsure, _against = tally.evidence.get(key, [0.0, 0.0, 0.0])
    return 0.5 + 0.5 * (confirmed / (confirmed + unsure) if confirmed + unsure else 0.0)


def _demote_namesakes(tally: _Tally, parts: set[str], text: str) -> None:
    """The sender's town, named as a municipality in the letterhead, beats a much smaller namesake in another Kreis
    that is named without such evidence: a part of the town that is a municipality elsewhere."""
    senders = [k for k in tally.strong_in_head if k in tally.muni and k not in parts]
    if not senders:
        return
    sender = max(senders, key=tally.muni.get)
    town = _pick(sender, text, tally.dist)
    for key in list(tally.muni):
        if key == sender or key in tally.strong or tally.muni[key] <= tally.muni[sender]:
            continue
        namesakes = _index.by_name[key]
        if all(m.population * SMALLER <= town.population and m.district_ars != town.district_ars for m in namesakes):
            tally.muni[key] *= PART_FACTOR
            parts.add(key)


def _pick(name: str, text: str, district_scores: dict) -> reference.Municipality:
    candidates = _index.by_name[name]
    if len(candidates) == 1:
        return candidates[0]
    states = _states_in(text)
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


def _states_in(text: str) -> set[str]:
    return {STATE_ALIASES.get(s, s) for s in re.findall(r"\b(?:" + "|".join(_state_words()) + r")\b", text)}


def _tally(text: str, parts: frozenset) -> _Tally:
    tally = _Tally()
    head = head_lines(text, 14)
    for i, line in enumerate(head):
        _scan_line(line, _line_weight(i, line), tally, parts, head[i - 1] if i else "", head=True)
    body_start = text.find(head[-1]) + len(head[-1]) if head else 0
    prev = head[-1] if head else ""
    for line in text[body_start:body_start + 20000].split("\n"):
        _scan_line(line, BODY_WEIGHT, tally, parts, prev)
        prev = line
    if tally.dist and KREIS_BODY.search("\n".join(head[:6])):
        for name in tally.dist:
            tally.dist[name] *= 4
    for city, pattern in CITY_INSTITUTIONS.items():
        hits = len(pattern.findall(text[:20000]))
        if hits:
            _add(tally.muni, city, min(hits, 5) * 0.6)
    return tally


def _runner_up(winner: reference.Municipality, tally: _Tally, text: str) -> float:
    """The best score of another place: names that resolve to the winner too ("Weil" beside "Weil am Rhein",
    "Lichtenberg" in Berlin) are no competitors."""
    others = sorted(tally.muni.items(), key=lambda kv: -kv[1])
    for key, score in others[:6]:
        if _pick(key, text, tally.dist).ars != winner.ars:
            return max(score, max(tally.dist.values(), default=0.0))
    return max(tally.dist.values(), default=0.0)


def extract_place(text: str) -> PlaceResult:
    """Municipality (or only a district for Kreis documents), its district and state."""
    prepare()
    parts = set(_part_names(text))
    tally = _tally(text, frozenset(parts))
    _settle_homonyms(tally, text[:20000])
    _demote_namesakes(tally, parts, text[:20000])
    muni, dist = tally.muni, tally.dist
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
    second = _runner_up(m, tally, text[:20000])
    confidence = _confidence(muni[best_muni], second, len(_index.by_name[best_muni]) > 1)
    confidence = round(confidence * _homonym_certainty(best_muni, tally), 3)
    return PlaceResult(Place(m.name, m.ars), Place(d.name, d.ars) if d else None, m.state, confidence)


def is_place_name(line: str) -> bool:
    """Whether a whole line is just a municipality name (a letterhead line, not a title)."""
    prepare()
    return line.strip(" .,") in _index.by_name
