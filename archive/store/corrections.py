"""Staff corrections of a document's metadata: typed form values in, a validated ``Correction`` out.

Staff confirm what was read from the file, or correct it. What they type is resolved against the same
vocabularies as the extraction: a Kommune by name or ARS (an ambiguous name such as "Brühl" needs its Kreis,
"Brühl (Rhein-Erft-Kreis)", or the key), parties by canonical name or alias, topics by slug. Kreis and
Bundesland follow from the Kommune, the Bundesland from the Kreis. Every problem is reported per field, in
German, all at once (``InvalidCorrection.errors``). Staff may also mark a document "Muster" (a template other
towns can reuse: ``muster:ja``), a judgement of their own that no parse of the file sets.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from archive import vocab
from archive.errors import BadRequest
from archive.store.rows import metadata_columns
from ingest import reference

# form field -> the SQLite columns it sets
FIELD_COLUMNS = {
    "title": ("title",),
    "doc_type": ("doc_type",),
    "date": ("date", "year"),
    "municipality": ("municipality", "municipality_ars"),
    "district": ("district", "district_ars"),
    "state": ("state",),
    "parties": ("party", "parties"),
    "faction": ("faction",),
    "topics": ("topics",),
    "muster": ("muster",),
}
# fields only staff set (no parse of the file reads them): neither refreshed by a parse nor counted as the
# extraction's errors in ``edited_fields``
STAFF_ONLY = frozenset({"muster"})
# what staff confirm: a new parse of a reviewed document's file refreshes its text, not these
REVIEWED_COLUMNS = frozenset(column for field, columns in FIELD_COLUMNS.items() if field not in STAFF_ONLY
                             for column in columns)
MAX_TITLE = 300
MAX_FACTION = 200
MAX_TOPICS = 3
FIRST_YEAR = 1949
_NAME_WITH_DISTRICT = re.compile(r"^(?P<name>.+?)\s*\((?P<district>[^()]+)\)$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
YES, NO = frozenset({"1", "ja", "true", "on", "yes"}), frozenset({"", "0", "nein", "false", "off", "no"})


class InvalidCorrection(BadRequest):
    """Some values cannot be stored; ``errors`` maps each form field to a German message."""

    user_message = "Bitte prüfen Sie die markierten Angaben."

    def __init__(self, errors: dict[str, str]):
        super().__init__(f"invalid correction: {sorted(errors)}")
        self.user_message = type(self).user_message  # BadRequest shows its message; this one is English
        self.errors = errors


@dataclass(frozen=True)
class Correction:
    """Metadata as staff confirmed it; ``None`` or ``()`` leaves a field empty."""

    title: str | None
    doc_type: str
    date: str | None
    municipality: reference.Municipality | None
    district: reference.District | None
    state: str | None
    parties: tuple[str, ...]
    faction: str | None
    topics: tuple[str, ...]
    muster: bool = False  # a template for other towns (staff's judgement)

    @property
    def party(self) -> str | None:
        return self.parties[0] if self.parties else None

    def row(self) -> dict:
        """The SQLite columns of ``FIELD_COLUMNS``, encoded as the store keeps them."""
        return {**metadata_columns(self), "muster": int(self.muster)}


def parse_correction(values: Mapping[str, str | list[str]], current: dict) -> Correction:
    """Validate form ``values`` (``topics`` a list of slugs) for the document ``current`` (a store row)."""
    errors: dict[str, str] = {}

    def checked(field: str, parse, *args):
        try:
            return parse(*args)
        except ValueError as exc:
            errors[field] = str(exc)
            return None

    text = {key: _single(values.get(key)) for key in FIELD_COLUMNS if key != "topics"}
    district = checked("district", _district, text["district"], current)
    municipality = checked("municipality", _municipality, text["municipality"], district, text["state"], current)
    if municipality is not None:
        district = reference.district_by_ars(municipality.district_ars)
    state = checked("state", _state, text["state"], municipality or district)
    correction = Correction(
        title=checked("title", _bounded, text["title"], MAX_TITLE, "Der Titel"),
        doc_type=checked("doc_type", _doc_type, text["doc_type"]),
        date=checked("date", _date, text["date"]),
        municipality=municipality,
        district=district,
        state=state,
        parties=checked("parties", _parties, text["parties"]) or (),
        faction=checked("faction", _bounded, text["faction"], MAX_FACTION, "Die Fraktion"),
        topics=checked("topics", _topics, _many(values.get("topics"))) or (),
        muster=bool(checked("muster", _yes_no, text["muster"])),
    )
    if errors:
        raise InvalidCorrection(errors)
    return correction


def form_values(doc: dict) -> dict:
    """The stored metadata as form values (the review form shows them; ``parse_correction`` reads them)."""
    return {"title": doc["title"] or "", "doc_type": doc["doc_type"], "date": doc["date"] or "",
            "municipality": doc["municipality"] or "", "district": doc["district"] or "", "state": doc["state"] or "",
            "parties": ", ".join(doc["parties"] or ([doc["party"]] if doc["party"] else [])),
            "faction": doc["faction"] or "", "topics": list(doc["topics"] or []),
            "muster": "ja" if doc.get("muster") else ""}


def given_metadata(values: Mapping[str, str]) -> dict[str, str | list[str]]:
    """Metadata a client sends with an upload (``POST /api/documents`` form fields of ``FIELD_COLUMNS``,
    ``topics`` and ``parties`` comma-separated), checked as a correction of an empty document: raise
    ``InvalidCorrection`` for values that cannot be stored; only the fields sent are returned."""
    given: dict[str, str | list[str]] = {key: values[key].strip() for key in FIELD_COLUMNS if values.get(key)}
    if "topics" in given:
        given["topics"] = [slug.strip() for slug in str(given["topics"]).split(",") if slug.strip()]
    parse_correction({"doc_type": "sonstiges", **given}, {})
    return given


def changed_fields(current: dict, row: dict) -> list[str]:
    """Form fields whose columns differ between the stored ``current`` row and the corrected ``row``."""
    stored = {**current, "parties": json.dumps(current.get("parties") or [], ensure_ascii=False),
              "topics": json.dumps(current.get("topics") or [], ensure_ascii=False),
              "muster": int(bool(current.get("muster")))}
    return [field for field, columns in FIELD_COLUMNS.items()
            if any(stored.get(column) != row[column] for column in columns)]


def _single(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return (value or "").strip()


def _many(value) -> list[str]:
    if value is None:
        return []
    return [v.strip() for v in ([value] if isinstance(value, str) else value) if v and v.strip()]


def _yes_no(value: str) -> bool:
    """A checkbox or a form value: ``ja``/``1``/``on`` or ``nein``/``0``/empty."""
    folded = value.strip().lower()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError("Muster: bitte „ja“ oder „nein“.")


def _bounded(value: str, limit: int, what: str) -> str | None:
    if len(value) > limit:
        raise ValueError(f"{what} ist zu lang (höchstens {limit} Zeichen).")
    return " ".join(value.split()) or None


def _doc_type(value: str) -> str:
    slug = vocab.doc_type_value(value) if value else None
    if slug is None:
        raise ValueError("Bitte einen Dokumenttyp auswählen.")
    return slug


def _date(value: str) -> str | None:
    if not value:
        return None
    german = _GERMAN_DATE.match(value)
    iso = f"{german[3]}-{int(german[2]):02d}-{int(german[1]):02d}" if german else value
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        raise ValueError("Das Datum ist ungültig (TT.MM.JJJJ).") from None
    if not FIRST_YEAR <= day.year <= date.today().year + 1:
        raise ValueError(f"Das Datum muss zwischen {FIRST_YEAR} und {date.today().year + 1} liegen.")
    return day.isoformat()


def _district(value: str, current: dict) -> reference.District | None:
    if not value:
        return None
    if value == current.get("district") and current.get("district_ars"):
        return reference.district_by_ars(current["district_ars"])
    if value.isdigit():
        found = reference.district_by_ars(value)
        if found is None:
            raise ValueError(f"Keinen Kreis mit dem Schlüssel {value} gefunden.")
        return found
    return _one(reference.districts_by_name(value), value, "Kreis", lambda d: d.state)


def _municipality(value: str, district, state: str, current: dict) -> reference.Municipality | None:
    if not value:
        return None
    kept = reference.municipality_by_ars(current.get("municipality_ars") or "")
    if kept and value == current.get("municipality") and (district is None or district.ars == kept.district_ars):
        return kept  # unchanged (an ambiguous name keeps its key, unless staff chose another Kreis)
    if value.isdigit():
        found = reference.municipality_by_ars(value)
        if found is None:
            raise ValueError(f"Keine Kommune mit dem Schlüssel {value} gefunden.")
        return found
    named = _NAME_WITH_DISTRICT.match(value)
    if named:  # "Brühl (Rhein-Erft-Kreis)", as the ambiguity message offers it
        value, district = named["name"], _one(reference.districts_by_name(named["district"]), named["district"],
                                              "Kreis", lambda d: d.state)
    candidates = reference.municipalities_by_name(value)
    if district is not None:
        candidates = tuple(m for m in candidates if m.district_ars == district.ars) or candidates
    if len(candidates) > 1 and vocab.state_value(state or ""):
        candidates = tuple(m for m in candidates if m.state == vocab.state_value(state)) or candidates
    return _one(candidates, value, "Kommune", lambda m: _district_name(m.district_ars))


def _one(candidates: tuple, value: str, what: str, qualifier):
    if not candidates:
        raise ValueError(f"{what} „{value}“ nicht gefunden.")
    if len(candidates) > 1:
        options = ", ".join(f"{c.name} ({qualifier(c)})" for c in candidates[:6])
        raise ValueError(f"„{value}“ gibt es mehrfach: {options}. Bitte so eintragen oder den Schlüssel (ARS) angeben.")
    return candidates[0]


def _district_name(ars: str) -> str:
    found = reference.district_by_ars(ars)
    return found.name if found else ars


def _state(value: str, place) -> str | None:
    if place is not None:
        return place.state
    if not value:
        return None
    state = vocab.state_value(value)
    if state is None:
        raise ValueError(f"Bundesland „{value}“ nicht bekannt.")
    return state


def _parties(value: str) -> tuple[str, ...]:
    parties: list[str] = []
    for name in (part.strip() for part in value.split(",")):
        if not name:
            continue
        party = vocab.party_value(name)
        if party is None:
            raise ValueError(f"Partei „{name}“ nicht bekannt. Bekannt sind: {', '.join(reference.parties())}.")
        if party not in parties:
            parties.append(party)
    return tuple(parties)


def _topics(slugs: list[str]) -> tuple[str, ...]:
    known = {topic.slug for topic in reference.topics()}
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise ValueError(f"Unbekanntes Thema: {', '.join(unknown)}.")
    chosen = tuple(dict.fromkeys(slugs))
    if len(chosen) > MAX_TOPICS:
        raise ValueError(f"Höchstens {MAX_TOPICS} Themen.")
    return chosen
