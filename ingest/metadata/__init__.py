"""Metadata from a document's plain text: type, title, date, place, party, topics.

Pure functions over text, no I/O after ``prepare()``. The pipeline calls ``prepare()`` once in the parent
process (so forked workers share the built indexes) and ``extract_metadata`` once per document.
"""

from ingest.metadata import doctype as _doctype
from ingest.metadata import parties as _parties
from ingest.metadata import places as _places
from ingest.metadata import title_model as _title_model
from ingest.metadata import topics as _topics
from ingest.metadata.boilerplate import strip_boilerplate
from ingest.metadata.dates import find_date
from ingest.metadata.faction import extract_faction
from ingest.metadata.text import clean
from ingest.records import Emphasis, Metadata

MAX_CHARS = 200_000


def prepare() -> None:
    """Load reference data and build lookup structures once; safe to call again."""
    _places.prepare()
    _parties.prepare()
    _topics.prepare()


def normalise(text: str) -> str:
    """The text every extractor reads: cleaned, cut to MAX_CHARS, web-page chrome removed."""
    return strip_boilerplate(clean(text[:MAX_CHARS]))


def topic_evidence(text: str, title: str | None) -> dict[str, tuple[str, ...]]:
    """Topic slug -> the words that suggest it (title words first), strongest topic first."""
    prepare()
    return _topics.evidence(normalise(text), title)


def extract_metadata(text: str, emphasis: tuple[Emphasis, ...] = ()) -> Metadata:
    """All metadata fields the text supports; unknown fields stay None/empty. ``emphasis`` are the lines the file
    marks as prominent (headings, bold, large type), when its format has typography."""
    prepare()
    text = normalise(text)
    title, title_confidence = _title_model.choose(text, emphasis, _places.is_place_name)
    place = _places.extract_place(text)
    authors = _parties.extract_parties(text)
    doc_type, doc_type_confidence = _doctype.classify(text)
    date, date_confidence = find_date(text)
    topics = _topics.extract_topics(text, title)
    return Metadata(
        doc_type=doc_type,
        title=title,
        date=date,
        municipality=place.municipality,
        district=place.district,
        state=place.state,
        party=authors[0] if authors else None,
        parties=authors,
        faction=extract_faction(text),
        topics=topics,
        confidence={
            "doc_type": doc_type_confidence,
            "title": title_confidence,
            "date": date_confidence,
            "municipality": place.confidence,
            "party": _parties.confidence(authors),
            "topics": _topics.confidence(text, title, topics),
        },
    )
