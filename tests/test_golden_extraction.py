"""Golden tests of the metadata extraction.

1. Real dev documents (../shared/corpus/dev, skipped when missing): every tests/golden/*.json pins the metadata
   extracted from one document (pdf, docx, txt and doc). Regenerate with ``tools/update_golden.py`` and review the
   diff. A document whose format has no parser here (e.g. .doc without antiword) is skipped.
2. The 50 fictional demo documents in data/sample/ (always present) against their labels in
   tools/sample_corpus/*.json, with a floor per field: a held-out check that the rules generalise.
"""

import dataclasses
import difflib
import json
import re
import unicodedata
from pathlib import Path

import pytest

from ingest import UnsupportedFormat, parse_in_process
from ingest.metadata import prepare

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))
SAMPLE = ROOT / "data" / "sample"
SAMPLE_LABELS = sorted((ROOT / "tools" / "sample_corpus").glob("*.json"))
SAMPLE_TYPES = {"Änderungsantrag": "aenderungsantrag"}
SAMPLE_FLOORS = {
    "doc_type": 0.96, "municipality": 0.96, "state": 0.96, "date": 0.96, "party": 0.96, "title": 0.80, "topics": 0.66,
}


def _as_json(metadata) -> dict:
    """The fields as tools/update_golden.py writes them (Places as dicts, tuples as lists)."""
    out = dataclasses.asdict(metadata)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


@pytest.fixture(scope="module", autouse=True)
def _prepared():
    prepare()


@pytest.mark.corpus
@pytest.mark.parametrize("golden", GOLDEN, ids=[g.name.removesuffix(".json") for g in GOLDEN])
def test_golden_dev_document(golden):
    if not (CORPUS / "manifest.jsonl").is_file():
        pytest.skip("../shared/corpus/dev is not available")
    want = json.loads(golden.read_text(encoding="utf-8"))
    path = CORPUS / want["file"]
    if not path.is_file():
        pytest.skip(f"{want['file']} is not in the corpus")
    try:
        doc = parse_in_process(path)
    except UnsupportedFormat as exc:
        pytest.skip(f"no parser for {want['format']} here: {exc}")
    if doc.sha256 != want["sha256"]:
        pytest.skip(f"{want['file']} changed since the golden file was written")
    got = _as_json(doc.metadata)
    diff = [
        f"  {field}:\n    golden:    {want['metadata'].get(field)!r}\n    extracted: {got.get(field)!r}"
        for field in want["metadata"]
        if want["metadata"].get(field) != got.get(field)
    ]
    assert not diff, f"{want['file']} differs from {golden.name} (tools/update_golden.py regenerates):\n" + "\n".join(
        diff
    )


def test_golden_files_cover_every_format():
    formats = {json.loads(g.read_text(encoding="utf-8"))["format"] for g in GOLDEN}
    assert len(GOLDEN) >= 30
    assert {"pdf", "docx", "txt"} <= formats


def _norm(text):
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _sample_labels() -> list[dict]:
    return [lab for path in SAMPLE_LABELS for lab in json.loads(path.read_text(encoding="utf-8"))]


def _municipality_ok(lab: dict, meta) -> bool:
    want = lab["municipality"]
    if meta.municipality:
        return _norm(meta.municipality.name) == _norm(want)
    return bool(meta.district) and _norm(want).removeprefix("kreis ") == _norm(meta.district.name)


def _field_ok(field: str, lab: dict, meta) -> bool:
    if field == "municipality":
        return _municipality_ok(lab, meta)
    if field == "doc_type":
        return SAMPLE_TYPES.get(lab["doc_type"], lab["doc_type"].casefold()) == meta.doc_type
    if field == "title":
        return difflib.SequenceMatcher(None, _norm(lab["title"]), _norm(meta.title)).ratio() >= 0.85
    if field == "party":
        want = lab["party"] if lab["party"] and "–" not in lab["party"] else None  # "– (Wählergemeinschaft UWG)"
        return want == meta.party
    return lab[field] == getattr(meta, field)


@pytest.fixture(scope="module")
def sample_results():
    return [(lab, parse_in_process(SAMPLE / lab["file"]).metadata) for lab in _sample_labels()]


def test_sample_corpus_is_complete(sample_results):
    assert len(sample_results) == 50


@pytest.mark.parametrize("field", [f for f in SAMPLE_FLOORS if f != "topics"])
def test_sample_corpus_field(sample_results, field):
    misses = [(lab["file"], lab[field], getattr(meta, field)) for lab, meta in sample_results
              if not _field_ok(field, lab, meta)]
    rate = 1 - len(misses) / len(sample_results)
    shown = "\n".join(f"  {f}: expected {w!r}, got {g!r}" for f, w, g in misses)
    assert rate >= SAMPLE_FLOORS[field], f"{field} {rate:.3f} < {SAMPLE_FLOORS[field]}; misses:\n{shown}"


def test_sample_corpus_topics(sample_results):
    tp = fp = fn = 0
    for lab, meta in sample_results:
        want, got = set(lab["topics"]), set(meta.topics)
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    assert f1 >= SAMPLE_FLOORS["topics"], f"topics F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f})"
