"""Scores of the metadata extraction on the labelled dev corpus (skipped when ../shared/corpus is missing).

Mirrors ../shared/tools/score-extraction: title by difflib ratio >= 0.85 on normalised text, municipality by ARS
(or district ARS for 5-digit labels), topics micro F1, exact match for the rest. The floors sit a little below the
scores reached when they were set, so regressions fail.
"""

import difflib
import json
import re
import unicodedata
from pathlib import Path

import pytest

from ingest import IngestError, parse_many
from ingest.metadata import prepare

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
FLOORS = {
    "doc_type": 0.96, "municipality": 0.95, "state": 0.96, "date": 0.98, "party": 0.97, "title": 0.91, "topics": 0.70,
}


def _norm(text):
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _labels():
    lines = (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _metadata(labels):
    """file -> Metadata, by parsing every file with a text layer (2 workers); nothing is cached on disk."""
    prepare()
    to_parse = [CORPUS / lab["file"] for lab in labels if not lab.get("scanned") and not lab["file"].endswith(".doc")]
    found = {}
    for path, result in parse_many(to_parse, workers=2):
        if not isinstance(result, IngestError):
            found[str(Path(path).relative_to(CORPUS))] = result.metadata
    return found


def _judge(field, lab, meta):
    if field == "municipality":
        want = lab.get("ars")
        if not want:
            return None
        got_m = meta.municipality.ars if meta.municipality else None
        got_d = meta.district.ars if meta.district else None
        return got_m == want or (len(want) == 5 and not got_m and got_d == want)
    want = lab.get(field)
    if want in (None, "", []):
        return None
    got = getattr(meta, field)
    if field == "title":
        return difflib.SequenceMatcher(None, _norm(want), _norm(got)).ratio() >= 0.85
    if field in ("party", "state", "doc_type"):
        return _norm(want) == _norm(got)
    return want == got


def _scores(labels, found):
    counts = {f: [0, 0] for f in FLOORS if f != "topics"}
    tp = fp = fn = 0
    for lab in labels:
        meta = found.get(lab["file"])
        if meta is None:
            continue
        for field in counts:
            ok = _judge(field, lab, meta)
            if ok is not None:
                counts[field][0] += 1
                counts[field][1] += bool(ok)
        if lab.get("topics"):
            want, got = set(lab["topics"]), set(meta.topics)
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    scores = {f: ok / n for f, (n, ok) in counts.items() if n}
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    scores["topics"] = 2 * precision * recall / max(precision + recall, 1e-9)
    return scores


def test_dev_corpus_scores():
    if not (CORPUS / "manifest.jsonl").is_file():
        pytest.skip("../shared/corpus/dev is not available")
    labels = _labels()
    found = _metadata(labels)
    assert len(found) >= 300
    scores = _scores(labels, found)
    below = {f: round(scores[f], 3) for f, floor in FLOORS.items() if scores[f] < floor}
    assert not below, f"below the floor: {below} (all: { {f: round(s, 3) for f, s in scores.items()} })"
