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


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in ANALYSED:
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
    for name in PARTS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="freq")
    for name in (*SINGLE, *LISTED, *LISTED_AS_IS):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _tokens(text: str, found) -> tantivy.PreTokenizedString:
    return tantivy.PreTokenizedString(text, [tantivy.Token(term, pos, start, end) for term, pos, start, end in found])


def document(row: dict) -> tantivy.Document:
    """The tantivy document of one ``documents`` row."""
    values = index_fields(row)
    doc = tantivy.Document()
    doc.add_unsigned("id", int(row["id"]))
    for name in ANALYSED:
        doc.add_pre_tokenized_text(name, _tokens(values[name], positions(values[name])))
    for name in PARTS:
        doc.add_pre_tokenized_text(name, _tokens(values[name], part_positions(values[name])))
    for name in SINGLE:
        if values[name]:
            doc.add_text(name, values[name])
    for name in (*LISTED, *LISTED_AS_IS):
        lower = name in LISTED
        for value in values[name].split(","):
            value = value.strip()
            if value:
                doc.add_text(name, value.lower() if lower else value)
    return doc
