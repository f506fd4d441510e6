"""Topic classifier: one-vs-rest logistic regression over word stems and lexicon evidence.

The weights live in ``topic_model.json`` next to this module; ``tools/train_topics.py`` trains them offline from
the labelled dev corpus plus the scope words of topics.csv. Inference is pure Python: a few hundred dict lookups.

Features of a document (all sparse, name -> value):
- ``L:<slug>`` / ``LT:<slug>``: evidence of the keyword lexicon (``topics.LEXICON``) in the body / the title,
- ``B:<stem>``: a Snowball stem occurs in the body (first BODY_CHARS characters), binary,
- ``T:<stem>``: a stem occurs in the title.
"""

import json
import math
import re
from functools import cache
from pathlib import Path

import Stemmer

MODEL_PATH = Path(__file__).with_name("topic_model.json")
BODY_CHARS = 6000
MIN_TOKEN = 4
_TOKEN = re.compile(rf"[a-zäöüß]{{{MIN_TOKEN},}}")
_STEMMER = Stemmer.Stemmer("german")
STOPWORDS = frozenset(
    "aber alle allen aller alles also auch auf aus bei beim bereits bitte damit dann darf dass daher denn derzeit "
    "dessen dies diese diesem diesen dieser dieses doch durch eine einem einen einer eines einige etwa etwas "
    "gegen habe haben hatte hier ihre ihren ihrer immer indem jedoch jetzt kann keine können könnte mehr muss "
    "müssen nach nicht noch oder ohne sehr seit sich sind soll sollen sollte sowie über unter unsere unserer "
    "viele vom von vor wäre warum weil welche werden wird wurde wurden zwischen zudem sein seine seiner wenn "
    "wird wieder wollen wir uns nur schon sowohl einfach deshalb dabei dazu darüber dort".split()
)


def stems(text: str) -> set[str]:
    """Distinct Snowball stems of the content words of ``text`` (casefolded)."""
    words = {w for w in _TOKEN.findall(text.casefold()) if w not in STOPWORDS}
    return set(_STEMMER.stemWords(sorted(words)))


def features(body: str, title: str | None, lexicon_hits: dict[str, tuple[int, int]]) -> dict[str, float]:
    """The sparse feature vector; ``lexicon_hits`` maps slug -> (body hits, title hits)."""
    words = max(len(body.split()), 50)
    feats: dict[str, float] = {}
    for slug, (body_hits, title_hits) in lexicon_hits.items():
        if body_hits:
            feats["L:" + slug] = math.log1p(body_hits * 300 / words) * min(body_hits, 4) / 4
        if title_hits:
            feats["LT:" + slug] = min(title_hits, 2)
    for stem in stems(body[:BODY_CHARS]):
        feats["B:" + stem] = 1.0
    for stem in stems(title or ""):
        feats["T:" + stem] = 1.0
    return feats


@cache
def model() -> dict:
    """{"bias": {slug: b}, "weights": {feature: {slug: w}}, "threshold", "top_threshold", "max_topics"}."""
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def probabilities(feats: dict[str, float], params: dict | None = None) -> dict[str, float]:
    """slug -> probability that the document is about the topic."""
    params = params or model()
    scores = dict(params["bias"])
    weights = params["weights"]
    for name, value in feats.items():
        for slug, w in weights.get(name, {}).items():
            scores[slug] += w * value
    return {slug: 1 / (1 + math.exp(-max(min(s, 30), -30))) for slug, s in scores.items()}


def decide(probs: dict[str, float], params: dict | None = None) -> tuple[str, ...]:
    """Topics whose probability passes the threshold (the best one at a lower bar), strongest first."""
    params = params or model()
    ranked = sorted(probs, key=lambda s: (-probs[s], s))
    chosen = [s for s in ranked[: params["max_topics"]] if probs[s] >= params["threshold"]]
    if not chosen and ranked and probs[ranked[0]] >= params["top_threshold"]:
        chosen = ranked[:1]
    return tuple(chosen)
