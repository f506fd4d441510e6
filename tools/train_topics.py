"""Train the topic classifier (ingest/metadata/topic_model.json) on the labelled dev corpus.

    .venv/bin/python tools/train_topics.py --corpus ../shared/corpus/dev            # CV report + write the model
    .venv/bin/python tools/train_topics.py --texts /tmp/texts --no-write            # CV report only, cached texts

One-vs-rest logistic regression (AdaGrad, L2) over the features of ``ingest.metadata.topic_model``. Training data:
the dev documents with topic labels plus one pseudo-document per topic made of its label and scope words from
topics.csv. Only word features seen in at least MIN_SOURCES different source repositories are kept, so the model
cannot learn the boilerplate of one publisher. Generalisation is measured by k-fold cross-validation grouped by
``source_repo`` (every repository is held out as a whole); the decision thresholds are chosen on the
out-of-fold predictions, and the in-sample score is printed next to it.
"""

import argparse
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import reference  # noqa: E402
from ingest.metadata import places, topic_model, topics  # noqa: E402
from ingest.metadata.text import clean  # noqa: E402
from ingest.metadata.titles import extract_title  # noqa: E402

MIN_SOURCES = 2
WORDS = True
EPOCHS = 40
RATE = 0.3
L2 = 0.004
FOLDS = 5
MAX_TOPICS = 3
SLUGS = [t.slug for t in reference.topics()]


def load_texts(corpus: Path, cache: Path | None) -> tuple[list[dict], dict[str, str]]:
    labels = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    texts = {}
    for lab in labels:
        cached = cache / (Path(lab["file"]).name + ".txt") if cache else None
        if cached and cached.is_file():
            texts[lab["file"]] = cached.read_text(encoding="utf-8")
            continue
        from ingest import IngestError, read_text

        try:
            texts[lab["file"]] = read_text(corpus / lab["file"])[1].text
        except (IngestError, OSError) as exc:
            print(f"skipped {lab['file']}: {exc}", file=sys.stderr)
            continue
        if cache:
            cache.mkdir(parents=True, exist_ok=True)
            cached.write_text(texts[lab["file"]], encoding="utf-8")
    return labels, texts


def examples(labels: list[dict], texts: dict[str, str]) -> list[tuple[str, dict[str, float], set[str]]]:
    """(group, features, topics) for every labelled document with text, plus the topics.csv pseudo-documents."""
    places.prepare()
    topics.prepare()
    out = []
    for lab in labels:
        if lab["file"] not in texts or lab.get("topics") is None:
            continue
        text = clean(texts[lab["file"]][:200_000])
        title = extract_title(text, places.is_place_name)
        feats = topic_model.features(text, title, topics.lexicon_hits(text, title))
        out.append((lab["source_repo"], feats, set(lab["topics"])))
    for t in reference.topics():
        body = f"{t.label}. {t.scope}."
        out.append(("topics.csv", topic_model.features(body, t.label, topics.lexicon_hits(body, t.label)), {t.slug}))
    return out


def vocabulary(train: list) -> set[str]:
    sources: dict[str, set[str]] = {}
    for group, feats, _ in train:
        for name in feats:
            sources.setdefault(name, set()).add(group)
    return {n for n, g in sources.items() if n.startswith("L") or (WORDS and len(g) >= MIN_SOURCES)}


def fit(train: list) -> dict:
    vocab = vocabulary(train)
    data = [({n: v for n, v in feats.items() if n in vocab}, gold) for _, feats, gold in train]
    bias = {s: 0.0 for s in SLUGS}
    weights: dict[str, dict[str, float]] = {}
    g2: dict[tuple[str, str], float] = {}
    rng = random.Random(7)
    for _ in range(EPOCHS):
        rng.shuffle(data)
        for feats, gold in data:
            probs = topic_model.probabilities(feats, {"bias": bias, "weights": weights})
            for slug in SLUGS:
                err = probs[slug] - (slug in gold)
                if abs(err) < 0.02:  # already right: skip the update (and its L2 shrinkage) for speed
                    continue
                for name, value in feats.items():
                    row = weights.setdefault(name, {})
                    w = row.get(slug, 0.0)
                    grad = err * value + L2 * w
                    key = (name, slug)
                    g2[key] = g2.get(key, 0.0) + grad * grad
                    row[slug] = w - RATE * grad / math.sqrt(g2[key])
                g2[("", slug)] = g2.get(("", slug), 0.0) + err * err
                bias[slug] -= RATE * err / math.sqrt(g2[("", slug)])
    pruned = {n: {s: round(w, 4) for s, w in row.items() if abs(w) >= 0.002} for n, row in weights.items()}
    return {"bias": {s: round(b, 4) for s, b in bias.items()}, "weights": {n: r for n, r in pruned.items() if r}}


def score(pairs: list[tuple[set[str], tuple[str, ...]]]) -> tuple[float, float, float]:
    tp = sum(len(gold & set(got)) for gold, got in pairs)
    fp = sum(len(set(got) - gold) for gold, got in pairs)
    fn = sum(len(gold - set(got)) for gold, got in pairs)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return 2 * p * r / max(p + r, 1e-9), p, r


def choose_thresholds(scored: list[tuple[set[str], dict[str, float]]]) -> dict:
    best = None
    for threshold in [x / 100 for x in range(15, 80, 5)]:
        for top in [x / 100 for x in range(0, 55, 5)]:
            if top > threshold:
                continue
            params = {"threshold": threshold, "top_threshold": top, "max_topics": MAX_TOPICS}
            f1 = score([(gold, topic_model.decide(probs, params)) for gold, probs in scored if gold])[0]
            if best is None or f1 > best[0]:
                best = (f1, params)
    return best[1]


def folds(groups: list[str]) -> list[set[str]]:
    """Source repositories dealt into FOLDS folds, largest first, each to the currently smallest fold."""
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    buckets: list[tuple[int, set[str]]] = [(0, set()) for _ in range(FOLDS)]
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        i = min(range(FOLDS), key=lambda i: buckets[i][0])
        buckets[i] = (buckets[i][0] + sizes[g], buckets[i][1] | {g})
    return [b[1] for b in buckets]


def cross_validate(data: list) -> tuple[dict, list]:
    scored: list[tuple[set[str], dict[str, float]]] = []
    docs = [d for d in data if d[0] != "topics.csv"]
    for held in folds([d[0] for d in docs]):
        model = fit([d for d in data if d[0] not in held])
        scored += [(gold, topic_model.probabilities(feats, model)) for g, feats, gold in docs if g in held]
    return choose_thresholds(scored), scored


def main() -> None:
    global L2, EPOCHS, RATE, MIN_SOURCES, WORDS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    ap.add_argument("--texts", type=Path, help="cache folder of extracted texts (<file name>.txt), filled if empty")
    ap.add_argument("--no-write", action="store_true", help="report only, keep the shipped model")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--rate", type=float, default=RATE)
    ap.add_argument("--min-sources", type=int, default=MIN_SOURCES)
    ap.add_argument("--lexicon-only", action="store_true")
    args = ap.parse_args()
    L2, EPOCHS, RATE, MIN_SOURCES, WORDS = args.l2, args.epochs, args.rate, args.min_sources, not args.lexicon_only
    labels, texts = load_texts(args.corpus, args.texts)
    data = examples(labels, texts)
    pseudo = sum(1 for d in data if d[0] == "topics.csv")
    print(f"{len(data) - pseudo} labelled documents, {pseudo} topic pseudo-documents")

    rules = []
    for lab in labels:
        if lab["file"] in texts and lab.get("topics"):
            text = clean(texts[lab["file"]][:200_000])
            rules.append((set(lab["topics"]), topics.extract_topics_by_rules(text, extract_title(text))))
    print("keyword rules (no training):        F1 {:.3f}  P {:.3f}  R {:.3f}".format(*score(rules)))

    params, scored = cross_validate(data)
    cv = score([(gold, topic_model.decide(probs, params)) for gold, probs in scored if gold])
    print(f"CV by source_repo ({FOLDS} folds), thresholds {params}: F1 {cv[0]:.3f}  P {cv[1]:.3f}  R {cv[2]:.3f}")

    model = fit(data)
    model.update(params)
    insample = [(gold, topic_model.decide(topic_model.probabilities(feats, model), params))
                for g, feats, gold in data if g != "topics.csv" and gold]
    print("in-sample:                          F1 {:.3f}  P {:.3f}  R {:.3f}".format(*score(insample)))
    print(f"{len(model['weights'])} features")
    if not args.no_write:
        topic_model.MODEL_PATH.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                                          encoding="utf-8")
        print(f"wrote {topic_model.MODEL_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
