"""Property test: extract_metadata never raises and always returns valid vocabulary."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import reference
from ingest.metadata import extract_metadata, prepare
from ingest.metadata.doctype import DOC_TYPES
from ingest.records import Metadata

prepare()
TOPICS = {t.slug for t in reference.topics()}
PARTIES = set(reference.parties())
STATES = set(reference.states())
WORDS = st.sampled_from(
    ["Antrag", "Anfrage", "PM", "SPD", "GRÜNE", "Kreistag", "Wesel", "Brühl", "den", "12.03.2023", "Betreff:",
     "hier:", "Stand:", "März 2021", "\n", " ", "Köln-Ehrenfeld", "Fraktion", "Wohnungsbau", "Radweg", "31.02.2023",
     "SPD-Fraktion", "im", "Rat", "der", "Stadt", "Bochum", "Gruppe", "in", "Vorlage", "Nr.", "wird", "fordert",
     "Gemeinsamer", "Fraktionen", "und", "DIE LINKE.", ".", ","]
)
TEXTS = st.one_of(st.text(max_size=3000), st.lists(WORDS, max_size=200).map(" ".join))


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_extract_metadata_total(text):
    meta = extract_metadata(text)
    assert isinstance(meta, Metadata)
    assert meta.doc_type in DOC_TYPES
    assert meta.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date)
    assert set(meta.topics) <= TOPICS and len(meta.topics) <= 3
    assert meta.party is None or meta.party in PARTIES
    assert set(meta.parties) <= PARTIES and (meta.parties[:1] == ((meta.party,) if meta.party else ()))
    assert meta.state is None or meta.state in STATES
    if meta.municipality:
        assert reference.municipality_by_ars(meta.municipality.ars) is not None
    if meta.district:
        assert reference.district_by_ars(meta.district.ars) is not None

    if meta.faction is not None:  # as printed: a piece of the letterhead, never run-on text
        assert meta.faction in " ".join(unicodedata.normalize("NFC", text).split()) and len(meta.faction) <= 120
        assert re.search(r"[Ff]raktion|[Gg]ruppe", meta.faction)
        assert not meta.faction.endswith((" Vorlage", " Nr", " im", " der", " und"))
