"""Reference data: municipalities, districts, states, parties, topics, and the names that are also words.

The CSV files next to this module are loaded lazily, once per process, and cached. All functions return
plain immutable values, so callers (the archive's facet labels, filter resolution) may share them freely.

    >>> from ingest import reference
    >>> reference.municipality_by_ars("059110000000").name
    'Bochum'
    >>> [m.ars for m in reference.municipalities_by_name("Bochum")]
    ['059110000000']
"""

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Municipality:
    """One political municipality (Gemeinde) of the gazetteer."""

    ars: str  # 12-digit Amtlicher Regionalschlüssel
    name: str  # short name, e.g. "Kerpen"
    official_name: str  # e.g. "Kerpen, Kolpingstadt"
    kind: str  # Gemeinde, Stadt, Markt, kreisfreie Stadt, Stadtkreis, Große Kreisstadt
    district_ars: str  # 5-digit Kreis key
    state: str
    population: int


@dataclass(frozen=True)
class District:
    """One Kreis-level unit (Kreis, Landkreis, kreisfreie Stadt, Stadtkreis, Regionalverband)."""

    ars: str  # 5 digits
    name: str  # short name, e.g. "Wesel", "Rhein-Sieg-Kreis", "Essen"
    official_name: str
    kind: str
    state: str


@dataclass(frozen=True)
class Homonym:
    """A municipality name that is also a common German word (homonyms.csv, built by tools/build_homonyms.py)."""

    name: str  # the name as places.py indexes it: "Weil" (of "Weil am Rhein"), "Essen"
    zipf: float  # wordfreq Zipf frequency of the word (town and word together)
    town_zipf: float  # what a town of that size alone would reach
    lower_word: bool  # the lowercase form is a word: "essen", "wissen", "weil"
    noun: bool  # the capitalised form is a common noun: "Wald", "Lage"


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str
    scope: str


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def fold(name: str) -> str:
    """Normalise a place or party name for lookups: NFKC, casefolded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@cache
def municipalities() -> tuple[Municipality, ...]:
    """All municipalities, sorted by ARS."""
    return tuple(
        Municipality(
            ars=row["ars"],
            name=row["name_short"],
            official_name=row["name"],
            kind=row["kind"],
            district_ars=row["district_ars"],
            state=row["state"],
            population=int(row["population"] or 0),
        )
        for row in _read_csv("municipalities.csv")
    )


@cache
def districts() -> tuple[District, ...]:
    """All districts (Kreise and kreisfreie Städte), sorted by ARS."""
    return tuple(
        District(
            ars=row["ars"], name=row["name_short"], official_name=row["name"], kind=row["kind"], state=row["state"]
        )
        for row in _read_csv("districts.csv")
    )


@cache
def _municipality_index() -> tuple[dict[str, Municipality], dict[str, tuple[Municipality, ...]]]:
    by_ars = {m.ars: m for m in municipalities()}
    by_name: dict[str, list[Municipality]] = {}
    for m in municipalities():
        for key in {fold(m.name), fold(m.official_name)}:
            by_name.setdefault(key, []).append(m)
    ranked = {k: tuple(sorted(v, key=lambda m: -m.population)) for k, v in by_name.items()}
    return by_ars, ranked


@cache
def _district_index() -> tuple[dict[str, District], dict[str, tuple[District, ...]]]:
    by_ars = {d.ars: d for d in districts()}
    by_name: dict[str, list[District]] = {}
    for d in districts():
        for key in {fold(d.name), fold(d.official_name)}:
            by_name.setdefault(key, []).append(d)
    return by_ars, {k: tuple(v) for k, v in by_name.items()}


def municipality_by_ars(ars: str) -> Municipality | None:
    """The municipality with this 12-digit ARS, or None."""
    return _municipality_index()[0].get(ars)


@cache
def coordinates() -> dict[str, tuple[float, float]]:
    """ARS -> (lat, lon) of each municipality's centre (GV-ISys, decimal degrees; added to municipalities.csv by
    tools/add_coordinates.py): where the map of /statistik draws its dot."""
    return {row["ars"]: (float(row["lat"]), float(row["lon"]))
            for row in _read_csv("municipalities.csv") if row.get("lat") and row.get("lon")}


def municipalities_by_name(name: str) -> tuple[Municipality, ...]:
    """Municipalities whose short or official name equals ``name`` (case-insensitive), largest population first.

    ``municipalities_by_name("Brühl")`` returns Brühl (NRW) before Brühl (Baden-Württemberg).
    """
    return _municipality_index()[1].get(fold(name), ())


def district_by_ars(ars: str) -> District | None:
    """The district with this 5-digit ARS, or None."""
    return _district_index()[0].get(ars)


def districts_by_name(name: str) -> tuple[District, ...]:
    """Districts whose short or official name equals ``name`` (case-insensitive); "Kreis"/"Landkreis" prefixes are
    ignored, so "Kreis Wesel" and "Wesel" both find Wesel."""
    index = _district_index()[1]
    key = fold(name)
    for prefix in ("landkreis ", "kreis "):
        if key.startswith(prefix) and key not in index:
            key = key[len(prefix):]
    return index.get(key, ())


def place_by_ars(ars: str) -> Municipality | District | None:
    """A municipality (12-digit ARS) or a district (5-digit ARS), or None."""
    if len(ars) == 5:
        return district_by_ars(ars)
    return municipality_by_ars(ars)


def resolve_place(value: str) -> str | None:
    """Resolve a filter value to an ARS: an ARS is returned as is if known, a name gives the most populous
    municipality of that name, else the district of that name; None if nothing matches."""
    value = value.strip()
    if value.isdigit():
        return value if place_by_ars(value) else None
    found = municipalities_by_name(value)
    if found:
        return found[0].ars
    found_districts = districts_by_name(value)
    return found_districts[0].ars if found_districts else None


@cache
def states() -> tuple[str, ...]:
    """The 16 Bundesland names as used in the data, ordered by their ARS key (Schleswig-Holstein first)."""
    seen: dict[str, None] = {}
    for m in municipalities():
        seen.setdefault(m.state, None)
    return tuple(seen)


@cache
def homonyms() -> dict[str, Homonym]:
    """Municipality names that are also German words, by name: ``homonyms()["Essen"].lower_word`` is True."""
    return {
        row["name"]: Homonym(row["name"], float(row["zipf"]), float(row["town_zipf"]), row["lower_word"] == "1",
                             row["noun"] == "1")
        for row in _read_csv("homonyms.csv")
    }


@cache
def topics() -> tuple[Topic, ...]:
    """The topic vocabulary in file order: (slug, label, scope)."""
    return tuple(Topic(row["slug"], row["label"], row["scope"]) for row in _read_csv("topics.csv"))


def topic_label(slug: str) -> str | None:
    """The display label of a topic slug, or None if unknown."""
    return next((t.label for t in topics() if t.slug == slug), None)


@cache
def parties() -> tuple[str, ...]:
    """Canonical party names in file order, e.g. ("DIE LINKE", "SPD", "GRÜNE", ...)."""
    return tuple(row["party"] for row in _read_csv("parties.csv"))


@cache
def party_aliases() -> dict[str, tuple[str, ...]]:
    """Canonical party name -> its aliases from parties.csv (the canonical name itself not included)."""
    return {row["party"]: tuple(a for a in row["aliases"].split("|") if a) for row in _read_csv("parties.csv")}
