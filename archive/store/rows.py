"""The metadata columns of a ``documents`` row, from anything shaped like ``ingest.Metadata``."""

import json


def metadata_columns(meta) -> dict:
    """Columns for ``meta`` (title, doc_type, date, municipality/district with ``name`` and ``ars``, state,
    party, parties, faction, topics); ``parties`` falls back to ``[party]``."""
    parties = list(meta.parties or ([meta.party] if meta.party else []))
    return {
        "title": meta.title,
        "doc_type": meta.doc_type,
        "date": meta.date,
        "year": int(meta.date[:4]) if meta.date else None,
        "municipality": meta.municipality.name if meta.municipality else None,
        "municipality_ars": meta.municipality.ars if meta.municipality else None,
        "district": meta.district.name if meta.district else None,
        "district_ars": meta.district.ars if meta.district else None,
        "state": meta.state,
        "party": meta.party,
        "parties": json.dumps(parties, ensure_ascii=False),
        "faction": meta.faction,
        "topics": json.dumps(list(meta.topics), ensure_ascii=False),
    }
