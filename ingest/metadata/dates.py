"""The document's own date: the one printed in the letterhead ("Düsseldorf, den 3.4.23", "Datum: 12.03.2023")."""

import re
from datetime import date

from ingest.metadata.text import head_lines

MONTHS = {
    "januar": 1, "jan": 1, "jänner": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?![\d])")
TEXTUAL = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s*({_MONTH})\.?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})(?!\d)", re.IGNORECASE)

# A date right after these words is the document's own date: "Düsseldorf, den", "Datum:", "Stand:", a line
# that is only the date.
OWN_MARKER = re.compile(
    r"(?:\bden|\bDatum|\bStand|(?:^|\|\s*)[A-ZÄÖÜ][\w .()/-]{1,40},|^[A-ZÄÖÜ][\w .()-]{1,40}\s[|/–-])\s*:?\s*$|"
    r"^\s*$",
    re.IGNORECASE,
)
# Weaker: "Antrag vom 3.5.2024", "beschlossen am ...": the document's date unless a letterhead date says otherwise
# (the same words inside a title refer to other documents: "Zum Beschluss des Stadtrates vom 23.04.2020").
DATED_MARKER = re.compile(r"(?:\bvom|\bbeschlossen\s+am|\bverabschiedet\s+am)\s*:?\s*$", re.IGNORECASE)
# A date right after these words belongs to something else (a meeting, a law, a deadline).
FOREIGN_MARKER = re.compile(
    r"(?:Sitzung|Termin|Gremium|Beschluss|Gesetz|Frist|bis|seit|ab|zum|Wahl|Eingang|Geburt|am|Uhr)\W{0,3}$",
    re.IGNORECASE,
)
MIN_YEAR, MAX_YEAR = 1990, 2035


def _year(raw: str) -> int:
    value = int(raw)
    if len(raw) == 2:
        value += 2000 if value < 50 else 1900
    return value


def _valid(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def dates_in(line: str) -> list[tuple[int, str]]:
    """All full dates in a line as (start offset, ISO date), in order."""
    found = []
    for m in NUMERIC.finditer(line):
        iso = _valid(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
    for m in TEXTUAL.finditer(line):
        iso = _valid(int(m.group(3)), MONTHS[m.group(2).casefold()], int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
    for m in ISO.finditer(line):
        iso = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            found.append((m.start(), iso))
    return sorted(found)


def _stand_date(line: str) -> str | None:
    """"Stand: März 2021" gives the first of that month."""
    m = re.search(r"\bStand\b\W*", line, re.IGNORECASE)
    if not m:
        return None
    my = MONTH_YEAR.match(line, m.end())
    return _valid(int(my.group(2)), MONTHS[my.group(1).casefold()], 1) if my else None


def extract_date(text: str) -> str | None:
    """The document's date in ISO form, from the letterhead; None if none is printed there."""
    return find_date(text)[0]


SURE, DATED, UNMARKED = 0.9, 0.75, 0.55
HEAD_DATE_LINES = 18
OWN_DATE_LINES = 30  # a long letterhead (address block, form boxes) may put "Ort, den ..." further down


def find_date(text: str) -> tuple[str | None, float]:
    """``(date, confidence)``: a date after "den", "Datum:", "Ort, " (or alone on its line) is sure and wins over
    one after "vom" in the letterhead, which wins over the first other letterhead date (not after "Sitzung",
    "bis", ...); no date gives ``(None, 0.0)``."""
    dated = fallback = None
    for n, line in enumerate(head_lines(text, OWN_DATE_LINES)):
        for start, iso in dates_in(line):
            before = line[:start]
            if OWN_MARKER.search(before):
                return iso, SURE
            if n >= HEAD_DATE_LINES:
                continue
            if dated is None and DATED_MARKER.search(before):
                dated = iso
            elif fallback is None and not FOREIGN_MARKER.search(before):
                fallback = iso
        stand = _stand_date(line) if n < HEAD_DATE_LINES else None
        if stand:
            return stand, SURE
    if dated:
        return dated, DATED
    return fallback, (UNMARKED if fallback else 0.0)
