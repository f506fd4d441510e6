"""The tantivy engine's schema and documents: our German analysis runs before tantivy sees a token.

Text fields get pre-tokenised text: the terms, positions and offsets of ``archive.analysis`` (the same terms the
Whoosh engine indexes, joined compounds and their parts at the same positions, so phrases match alike); facet
fields get their values as single raw tokens, split and lowercased as the Whoosh schema does.
"""

import tantivy

from archive.analysis import part_positions, positions
from archive.engine.documents import index_fields

ANALYSED = ("title", "body", "faction")  # positions: phrases
PARTS = ("title_parts", "body_parts")  # frequencies only, as Whoosh's ``phrase=False``
SINGLE = ("doc_type", "municipality", "district", "year", "muster")  # Whoosh ID: one value as it is
LISTED = ("municipality_name", "district_name", "state", "party")  # Whoosh KEYWORD(lowercase, commas)
LISTED_AS_IS = ("topic",)  # Whoosh KEYWORD(commas)
TEXT_FIELDS = frozenset(ANALYSED + PARTS)  # scored; the others are filters (no score, as in Whoosh)
FIELDS = frozenset(("id", *ANALYSED, *PARTS, *SINGLE, *LISTED, *LISTED_AS_IS))
# Each document's ``bit`` is 2 ** (id % BITS): summed over the matching documents of a bucket of BITS ids, the bits
# of its matches (``reader.matching_ids``). Sums of distinct powers of two below 2 ** 53 are exact in float64.
BITS = 52


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    builder.add_float_field("bit", stored=False, indexed=False, fast=True)
    for name in ANALYSED:
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
    for name in PARTS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="freq")
    for name in (*SINGLE, *LISTED, *LISTED_AS_IS):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    return builder.build()


def analysed(row: dict) -> tuple[int, dict, dict]:
    """What tantivy gets of one ``documents`` row, as plain data (picklable: ``rebuild`` analyses rows in worker
    processes): the id, each text field's ``(term, position, start, end)`` tokens, each facet field's values."""
    values = index_fields(row)
    tokens = {name: list(positions(values[name])) for name in ANALYSED}
    tokens.update({name: list(part_positions(values[name])) for name in PARTS})
    raw = {name: [values[name]] if values[name] else [] for name in SINGLE}
    for name in (*LISTED, *LISTED_AS_IS):
        found = (value.strip() for value in values[name].split(","))
        raw[name] = [value.lower() if name in LISTED else value for value in found if value]
    return int(row["id"]), tokens, raw


def build_document(analysis: tuple[int, dict, dict]) -> tantivy.Document:
    doc_id, tokens, raw = analysis
    doc = tantivy.Document()
    doc.add_unsigned("id", doc_id)
    doc.add_float("bit", float(2 ** (doc_id % BITS)))
    for name, found in tokens.items():
        doc.add_pre_tokenized_text(name, tantivy.PreTokenizedString("", [tantivy.Token(*token) for token in found]))
    for name, values in raw.items():
        for value in values:
            doc.add_text(name, value)
    return doc


def document(row: dict) -> tantivy.Document:
    """The tantivy document of one ``documents`` row."""
    return build_document(analysed(row))
