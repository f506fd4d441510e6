"""Statistics over a whole search result: documents per year and type, the top topics per year, Kommunen and
parties, and the Kommunen's places for a map.

Everything is counted from the searcher's ``FacetTable`` (one code per document and facet, see
``archive.columns``) for the docnum mask of the request (``archive.search.matching``): a few ``np.bincount``
over the whole result, no stored document is read. The index holds only published documents, so drafts and
withdrawn documents never count.

    >>> stats = archive.statistics(SearchRequest(q="Sozialticket"))
    >>> stats.per_year_type[stats.years.index("2023")]
"""

import csv
import io
from dataclasses import dataclass

import numpy as np

from archive import vocab
from archive.columns import Column, FacetTable
from archive.exports import csv_cell
from ingest import reference

TOP_TOPICS = 6  # topics drawn over time


@dataclass(frozen=True)
class Count:
    value: str  # the facet value (type slug, topic slug, ARS, party)
    label: str
    count: int


@dataclass(frozen=True)
class Place:
    """A Kommune with documents and the centre the gazetteer gives it."""

    ars: str
    name: str
    state: str
    lat: float
    lon: float
    count: int


@dataclass(frozen=True)
class Statistics:
    total: int
    years: tuple[str, ...]  # every year from the first to the last that has a document (none left out)
    types: tuple[Count, ...]  # document types with documents, in the order of vocab.DOC_TYPES
    per_year_type: tuple[tuple[int, ...], ...]  # [year][type]
    undated: int  # documents without a year (in no year's bar)
    topics: tuple[Count, ...]  # the TOP_TOPICS topics with most documents, most first
    per_year_topic: tuple[tuple[int, ...], ...]  # [year][topic]
    municipalities: tuple[Count, ...]  # every Kommune with documents, most first
    parties: tuple[Count, ...]  # every party, most first (a document naming two parties counts for each)
    places: tuple[Place, ...]  # the Kommunen with documents and coordinates, most documents first
    without_place: int  # documents with no Kommune (a Kreis or Land only), or one without coordinates


def compute(table: FacetTable, mask: np.ndarray, top_topics: int = TOP_TOPICS) -> Statistics:
    """The statistics of the documents in ``mask`` (docnums of ``table``)."""
    year, doc_type = table["year"], table["doc_type"]
    years = _year_range(sorted(int(year.values[c]) for c in np.flatnonzero(year.counts(mask))
                               if year.values[c].isdigit()))
    row_of = _recode(year, years)  # year code -> row in ``years`` (-1: not a year)

    by_type = _cross(row_of, year, doc_type, mask, len(years))
    type_order = {slug: i for i, slug in enumerate(vocab.DOC_TYPES)}
    type_totals = doc_type.counts(mask)
    type_cols = sorted(np.flatnonzero(type_totals).tolist(),
                       key=lambda c: (type_order.get(doc_type.values[c], len(type_order)), doc_type.values[c]))
    types = tuple(Count(doc_type.values[c], vocab.DOC_TYPES.get(doc_type.values[c], doc_type.values[c]),
                        int(type_totals[c])) for c in type_cols)

    topic = table["topic"]
    topics = _ranked(topic, mask, vocab.topic_label)[:top_topics]
    by_topic = _cross(row_of, year, topic, mask, len(years))
    topic_code = {v: i for i, v in enumerate(topic.values)}

    municipalities = _ranked(table["municipality"], mask, vocab.place_name)
    places = _places(municipalities)
    return Statistics(
        total=int(mask.sum()),
        years=tuple(years),
        types=types,
        per_year_type=_table(by_type, type_cols),
        undated=int(mask.sum() - by_type.sum()),
        topics=tuple(topics),
        per_year_topic=_table(by_topic, [topic_code[t.value] for t in topics]),
        municipalities=tuple(municipalities),
        parties=tuple(_ranked(table["party"], mask, str)),
        places=places,
        without_place=int(mask.sum()) - sum(p.count for p in places),
    )


def _year_range(values: list[int]) -> list[str]:
    return [str(y) for y in range(values[0], values[-1] + 1)] if values else []


def _recode(year: Column, years: list[str]) -> np.ndarray:
    row = {y: i for i, y in enumerate(years)}
    return np.fromiter((row.get(v, -1) for v in year.values), dtype=np.int64, count=len(year.values))


def _cross(row_of: np.ndarray, year: Column, other: Column, mask: np.ndarray, rows: int) -> np.ndarray:
    """``[year row][code of other]``: documents of ``mask`` per year and value of ``other`` (single or multi)."""
    width = len(other.values)
    if not rows or not width:
        return np.zeros((rows, width), dtype=np.int64)
    docs = other.docs if other.docs is not None else np.arange(other.codes.size)
    keep = mask[docs] & (other.codes >= 0)
    docs, codes = docs[keep], other.codes[keep]
    year_codes = year.codes[docs]
    dated = year_codes >= 0
    year_rows = np.full(year_codes.size, -1, dtype=np.int64)
    year_rows[dated] = row_of[year_codes[dated]]
    ok = year_rows >= 0
    flat = year_rows[ok] * width + codes[ok]
    return np.bincount(flat, minlength=rows * width).reshape(rows, width)


def _table(counts: np.ndarray, columns: list[int]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(counts[r, c]) for c in columns) for r in range(counts.shape[0]))


def _ranked(column: Column, mask: np.ndarray, label) -> list[Count]:
    """The column's values among ``mask``, most documents first (ties by label)."""
    counts = column.counts(mask)
    found = [Count(column.values[c], label(column.values[c]), int(counts[c])) for c in np.flatnonzero(counts)]
    return sorted(found, key=lambda c: (-c.count, c.label, c.value))


def _places(municipalities: list[Count]) -> tuple[Place, ...]:
    where = reference.coordinates()
    places = []
    for count in municipalities:
        found = where.get(count.value)
        municipality = reference.municipality_by_ars(count.value)
        if found and municipality:
            places.append(Place(count.value, count.label, municipality.state, found[0], found[1], count.count))
    return tuple(places)


# -- the numbers of each chart as a table (the page's data tables and the CSV files) --------------------------

@dataclass(frozen=True)
class Table:
    name: str  # the CSV's name: /statistik/<name>.csv
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]  # str, int or float cells


def tables(stats: Statistics) -> dict[str, Table]:
    """The numbers behind each chart, by CSV name, in the order the page shows them."""
    found = [by_year(stats), topics_by_year(stats), municipalities(stats), parties(stats), places(stats)]
    return {table.name: table for table in found}


def by_year(stats: Statistics) -> Table:
    rows = [(year, *counts, sum(counts)) for year, counts in zip(stats.years, stats.per_year_type, strict=True)]
    if stats.undated:
        dated = [sum(column) for column in zip(*stats.per_year_type, strict=True)] or [0] * len(stats.types)
        rows.append(("ohne Jahr", *(t.count - n for t, n in zip(stats.types, dated, strict=True)), stats.undated))
    return Table("jahre", "Dokumente pro Jahr und Typ", ("Jahr", *(t.label for t in stats.types), "Summe"),
                 tuple(rows))


def topics_by_year(stats: Statistics) -> Table:
    rows = tuple((year, *counts) for year, counts in zip(stats.years, stats.per_year_topic, strict=True))
    return Table("themen", f"Dokumente pro Jahr der {len(stats.topics)} häufigsten Themen",
                 ("Jahr", *(t.label for t in stats.topics)), rows)


def municipalities(stats: Statistics) -> Table:
    state = {p.ars: p.state for p in stats.places}
    rows = tuple((c.label, c.value, state.get(c.value, _state(c.value)), c.count) for c in stats.municipalities)
    return Table("kommunen", "Dokumente pro Kommune", ("Kommune", "ARS", "Bundesland", "Dokumente"), rows)


def parties(stats: Statistics) -> Table:
    return Table("parteien", "Dokumente pro Partei", ("Partei", "Dokumente"),
                 tuple((c.label, c.count) for c in stats.parties))


def places(stats: Statistics) -> Table:
    rows = tuple((p.name, p.ars, p.state, p.lat, p.lon, p.count) for p in stats.places)
    return Table("karte", "Kommunen auf der Karte", ("Kommune", "ARS", "Bundesland", "Breite", "Länge", "Dokumente"),
                 rows)


def _state(ars: str) -> str:
    municipality = reference.municipality_by_ars(ars)
    return municipality.state if municipality else ""


def write_csv(table: Table, sep: str = ";") -> bytes:
    """UTF-8 CSV with CRLF line ends as the exports write it (``archive.exports.write_csv``): with ``;`` for German
    Excel, a BOM first and decimal commas; with ``,`` for scripts, no BOM and decimal points."""
    buffer = io.StringIO()
    if sep == ";":
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_cell(value, sep) for value in row])
    return buffer.getvalue().encode("utf-8")


def _cell(value, sep: str) -> str:
    if isinstance(value, float):
        text = f"{value:.5f}"
        return text.replace(".", ",") if sep == ";" else text
    return csv_cell(value)


def gazetteer_points() -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Every Kommune's centre (ARS -> (lat, lon)) and its Land (ARS -> state), for drawing the land of the map:
    the web layer reads the reference data through here, never from ``ingest`` directly."""
    return reference.coordinates(), {m.ars: m.state for m in reference.municipalities()}

