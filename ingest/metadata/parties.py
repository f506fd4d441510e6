"""Authoring parties from the letterhead, canonical as in parties.csv."""

import re

from ingest import reference
from ingest.metadata.text import head_lines

# Extra spellings beyond parties.csv (general German usage), as regex fragments.
EXTRA_PATTERNS = {
    "DIE LINKE": [r"Linken?-?(?:fraktion|Fraktion)", r"Die Linke", r"LINKEN?", r"Linken"],
    "GRÜNE": [r"Grünen?", r"GRÜNEN?", r"Bündnis ?90", r"BÜNDNIS ?90", r"B ?90"],
    "SPD": [r"SPD"],
    "CDU": [r"CDU"],
    "CSU": [r"CSU"],
    "FDP": [r"FDP", r"F\.D\.P\."],
    "AfD": [r"AfD", r"AFD"],
    "Freie Wähler": [r"Freie[n]? Wähler", r"FREIE[N]? WÄHLER", r"FW", r"FWG"],
    "Piraten": [r"Piraten", r"PIRATEN", r"Piratenpartei"],
    "ÖDP": [r"ÖDP", r"ödp"],
    "Volt": [r"Volt"],
    "BSW": [r"BSW"],
    "Die PARTEI": [r"Die PARTEI", r"DIE PARTEI"],
    "Tierschutzpartei": [r"Tierschutzpartei", r"Tierschutz hier!?"],
}
# Organisations that are not parties: their documents have no party even if parties are named.
NON_PARTY = re.compile(
    r"^keine\b|Bürgerinitiative|\bBI\b|Stadtteilbeirat|Beirat\b|Wählergemeinschaft|Wählervereinigung|"
    r"Bürgerliste|Bürgerverein|Verwaltung\b|Oberbürgermeister(?:in)?\b(?!\s*Dr)|Bürgermeister(?:in)?\b|"
    r"\be\.\s?V\.|Initiative\b|Blog\b|Elternbeirat|Landratsamt|Stadt\s+\w+\s*$",
    re.IGNORECASE,
)
# A line that names the co-authors of a joint motion ("Gemeinsamer Antrag der Fraktionen von GRÜNEN und SPD").
# A line merely addressed to factions ("An die Fraktionen von CDU und SPD") names no co-authors.
JOINT = re.compile(
    r"gemeinsam|interfraktionell|\b(?:Antrag|Anfrage|Resolution|Pressemitteilung|Erklärung)\w*\s+der\s+\w*(?:fraktionen|gruppen)\b",
    re.IGNORECASE,
)
JOINT_LINES = 20
JOINT_MAX_CHARS = 160  # a heading, not a paragraph that mentions "gemeinsam" in passing
_BOUNDARY_L = r"(?<![A-Za-zÄÖÜäöüß])"
_BOUNDARY_R = r"(?![a-zäöüß])"

_pattern: re.Pattern | None = None
_group_party: dict[str, str] = {}


def prepare() -> None:
    """Build the one alternation regex over all party spellings."""
    global _pattern
    if _pattern is not None:
        return
    alternatives = []
    for index, party in enumerate(reference.parties()):
        spellings = {re.escape(party)} | {re.escape(a) for a in reference.party_aliases()[party]}
        spellings |= set(EXTRA_PATTERNS.get(party, []))
        group = f"p{index}"
        _group_party[group] = party
        body = "|".join(sorted(spellings, key=len, reverse=True))
        alternatives.append(f"(?P<{group}>{_BOUNDARY_L}(?:{body}){_BOUNDARY_R})")
    _pattern = re.compile("|".join(alternatives))


def parties_in(line: str) -> list[str]:
    """Canonical parties named in a line, in order of appearance, without repeats."""
    prepare()
    found: list[str] = []
    for m in _pattern.finditer(line):
        party = _group_party[m.lastgroup]
        if party not in found:
            found.append(party)
    return found


# Lines addressed to someone: the parties they name are the addressees ("An die Fraktionen von CDU und SPD").
ADDRESSED = re.compile(r"^(?:An\s+(?:die|den|das|alle)\b|Herrn?\b|Frau\b|z\.\s?Hd\.|zu Händen|Sehr geehrte)",
                       re.IGNORECASE)
# A faction named as such: "SPD-Fraktion", "Fraktion BÜNDNIS 90/DIE GRÜNEN", "CDU-Ratsfraktion", "Gruppe Volt".
FACTION = re.compile(r"(?:\w*fraktion|\bGruppe)\b", re.IGNORECASE)
HEAD_LINES = 8
FACTION_LINES = 25
SIGNATURE_LINES = 12


def extract_parties(text: str) -> tuple[str, ...]:
    """Authoring parties, first-named first, then co-authors of a joint motion; () when the author is no party.

    The letterhead decides; without a party there, a faction named near the top ("Die SPD-Fraktion fordert ...")
    or in the signature at the end ("Für die CDU-Fraktion") is the author."""
    for line in head_lines(text, HEAD_LINES):
        if ADDRESSED.match(line):
            continue
        named = parties_in(line)
        if NON_PARTY.search(line) and not named:
            return ()
        if named:
            return tuple(named + [p for p in _co_authors(text) if p not in named])
    return tuple(_named_faction(head_lines(text, FACTION_LINES)[HEAD_LINES:] + _last_lines(text)))


def _last_lines(text: str) -> list[str]:
    return [line for line in text[-2000:].split("\n") if line][-SIGNATURE_LINES:]


def _named_faction(lines: list[str]) -> list[str]:
    """The party of the first line that names a faction of a party (not an addressed line)."""
    for line in lines:
        if not ADDRESSED.match(line) and FACTION.search(line):
            named = parties_in(line)
            if named:
                return named[:1]
    return []


def _co_authors(text: str) -> list[str]:
    """Parties named on the first line of the head that announces a joint motion, if any."""
    for line in head_lines(text, JOINT_LINES):
        if len(line) <= JOINT_MAX_CHARS and JOINT.search(line):
            named = parties_in(line)
            if named:
                return named
    return []


def confidence(authors: tuple[str, ...]) -> float:
    """One party named as the author is sure; several (a joint motion, or a letterhead naming more than one) less;
    none gives 0."""
    if not authors:
        return 0.0
    return 0.85 if len(authors) == 1 else 0.65
