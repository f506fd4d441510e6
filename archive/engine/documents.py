"""What every engine indexes of one ``documents`` row: the searchable values and the packed facet values.

Facet values travel packed in one string per document (``pack``) and are decoded once per index state into
a ``FacetTable`` (``archive.columns``), so that facet counts and filters never touch stored documents.
"""

from archive.facets import MUSTER

FIELD_SEP, VALUE_SEP = "\x1f", "\x1e"
# Order of the packed values. Multi-valued ones are tuples.
PACKED = ("id", "doc_type", "municipality", "district", "state", "party", "faction", "topic", "year", "date",
          "muster")
MULTI = frozenset({"party", "topic"})


def parties(row: dict) -> list[str]:
    return row.get("parties") or ([row["party"]] if row.get("party") else [])


def pack(row: dict, parties: list[str]) -> bytes:
    values = {
        "id": str(row["id"]),
        "doc_type": row["doc_type"],
        "municipality": row.get("municipality_ars") or "",
        "district": row.get("district_ars") or "",
        "state": row.get("state") or "",
        "party": VALUE_SEP.join(parties),
        "faction": row.get("faction") or "",
        "topic": VALUE_SEP.join(row.get("topics") or []),
        "year": str(row["year"]) if row.get("year") else "",
        "date": (row.get("date") or "").replace("-", ""),
        "muster": MUSTER if row.get("muster") else "",
    }
    return FIELD_SEP.join(values[name] for name in PACKED).encode("utf-8")


def unpack(raw: bytes) -> tuple:
    parts = raw.decode("utf-8").split(FIELD_SEP) if raw else [""] * len(PACKED)
    out = []
    for name, value in zip(PACKED, parts, strict=True):
        if name in MULTI:
            out.append(tuple(v for v in value.split(VALUE_SEP) if v))
        elif name in ("id", "date"):
            out.append(int(value) if value else 0)
        else:
            out.append(value or None)
    return tuple(out)


def index_fields(row: dict) -> dict:
    """The indexed values of one ``documents`` row, by index field (comma-joined lists where several)."""
    found = parties(row)
    return {
        "id": str(row["id"]),
        "title": row.get("title") or "",
        "body": row.get("text") or "",
        "title_parts": row.get("title") or "",
        "body_parts": row.get("text") or "",
        "faction": row.get("faction") or "",
        "doc_type": row["doc_type"],
        "municipality": row.get("municipality_ars") or "",
        "municipality_name": row.get("municipality") or "",
        "district": row.get("district_ars") or "",
        "district_name": row.get("district") or "",
        "state": row.get("state") or "",
        "party": ",".join(found),
        "topic": ",".join(row.get("topics") or []),
        "year": str(row["year"]) if row.get("year") else "",
        "muster": MUSTER if row.get("muster") else "",
        "facets": pack(row, found),
    }
