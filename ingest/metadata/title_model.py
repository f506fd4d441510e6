"""The title as a choice among candidate lines: a conditional-logit model over their features.

Each candidate of ``title_candidates`` gets the score ``sum(weight[f] * value)`` over its features, and the best
scoring one is the title; a softmax over the candidates of a document gives the confidence. The weights live in
``title_model.json`` beside this module and are trained by ``tools/train_titles.py`` on labelled documents (the
dev corpus and documents rendered with random letterheads), each source weighted alike so that no single
publisher's layout dominates. Without the weights file the hand-written rules of ``titles`` decide alone.
"""

import difflib
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ingest.metadata import places
from ingest.metadata import title_candidates as tc
from ingest.metadata import titles as rules
from ingest.records import Emphasis

MODEL_PATH = Path(__file__).with_name("title_model.json")
MATCH = 0.85  # a candidate is right when its difflib ratio to the labelled title reaches this (as the scorer)
L2 = 0.02
STEPS = 400
RATE = 0.5

_weights: dict[str, float] | None = None
_loaded = False


def weights() -> dict[str, float] | None:
    global _weights, _loaded
    if not _loaded:
        _loaded = True
        if _weights is None and MODEL_PATH.is_file():
            _weights = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["weights"]
    return _weights


@contextmanager
def trained_on(examples: Iterable[tuple], groups: Iterable[str] | None = None):
    """Use weights trained on ``examples`` inside the block (leave-one-source-out evaluation)."""
    global _weights, _loaded
    saved = (_weights, _loaded)
    _weights, _loaded = train(list(examples), list(groups) if groups is not None else None), True
    try:
        yield
    finally:
        _weights, _loaded = saved


def choose(text: str, emphasis: tuple[Emphasis, ...], is_place) -> tuple[str | None, float]:
    """``(title, confidence)``: the best scoring candidate and its softmax probability."""
    model = weights()
    if model is None:
        title = rules.extract_title(text, is_place)
        return title, 0.6 if title else 0.0
    ctx = tc.context(text, emphasis, is_place)
    cands = tc.candidates(text, emphasis, ctx.rule_pick)
    if not cands:
        return None, 0.0
    scores = [sum(model.get(name, 0.0) * value for name, value in tc.features(c, ctx).items()) for c in cands]
    best = max(range(len(cands)), key=scores.__getitem__)
    top = scores[best]
    total = sum(math.exp(s - top) for s in scores)
    return cands[best].text, round(1 / total, 3)


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _targets(cands: list[tc.Candidate], gold: str) -> list[float]:
    want = _norm(gold)
    ratios = [difflib.SequenceMatcher(None, want, _norm(c.text)).ratio() for c in cands]
    return [1.0 if r >= MATCH else 0.0 for r in ratios]


def _row(text: str, emphasis: tuple[Emphasis, ...], gold: str):
    """The feature dicts of a document's candidates and which of them match the labelled title, or None when
    none matches (no choice could be right)."""
    ctx = tc.context(text, emphasis, places.is_place_name)
    cands = tc.candidates(text, emphasis, ctx.rule_pick)
    targets = _targets(cands, gold)
    return ([tc.features(c, ctx) for c in cands], targets) if any(targets) else None


def train(examples: list[tuple], groups: list[str] | None = None) -> dict[str, float]:
    """Fit the weights: ``examples`` are ``(text, emphasis, gold title)``, ``groups`` their sources; a document
    weighs 1/sqrt(documents of its source), so that a large source does not decide alone."""
    rows, kept = [], []
    for k, (text, emphasis, gold) in enumerate(examples):
        row = _row(text, emphasis, gold)
        if row:
            rows.append(row)
            kept.append(groups[k] if groups else "all")
    counts: dict[str, int] = {}
    for g in kept:
        counts[g] = counts.get(g, 0) + 1
    return fit(rows, [1 / math.sqrt(counts[g]) for g in kept])


def fit(rows: list[tuple[list[dict[str, float]], list[float]]], doc_weights: list[float]) -> dict[str, float]:
    """Conditional logit by gradient descent with L2: maximise the probability of the matching candidates."""
    names = sorted({name for feats, _ in rows for f in feats for name in f})
    index = {name: i for i, name in enumerate(names)}
    matrices, targets = [], []
    for feats, target in rows:
        x = np.zeros((len(feats), len(names)))
        for r, f in enumerate(feats):
            for name, value in f.items():
                x[r, index[name]] = value
        matrices.append(x)
        targets.append(np.array(target))
    w = np.zeros(len(names))
    total = sum(doc_weights)
    for _ in range(STEPS):
        grad = L2 * w
        for x, t, dw in zip(matrices, targets, doc_weights, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * t
            q /= q.sum()
            grad += dw / total * (x.T @ (p - q))
        w -= RATE * grad
    return {name: round(float(v), 4) for name, v in zip(names, w, strict=True) if abs(v) > 1e-4}
