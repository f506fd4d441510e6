"""Train the title line scorer (ingest/metadata/title_model.json) on the labelled dev corpus.

    .venv/bin/python tools/train_titles.py                 # train on every dev document, write the weights
    .venv/bin/python tools/train_titles.py --no-write      # print the weights only
    .venv/bin/python tools/train_titles.py --generated 0   # the dev documents only, no rendered letterheads

Uses the parses cached by tools/eval_metadata.py. Besides the dev documents it trains on each of them rendered
under random letterheads (tools/generated_titles.py); a rendering counts for its document's source, and each
source weighs 1/sqrt(its documents).
tools/eval_metadata.py reports the scorer leave-one-source-out (trained without the source it is scored on).
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.metadata import prepare, title_model  # noqa: E402
from tools.eval_metadata import CORPUS, load_texts, title_examples  # noqa: E402
from tools.generated_titles import generated_examples  # noqa: E402

GENERATED = 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.jsonl")
    ap.add_argument("--no-write", action="store_true", help="print the weights, do not write the model file")
    ap.add_argument("--generated", type=int, default=GENERATED, metavar="K",
                    help="also train on K renderings of each dev document under random letterheads "
                    f"(default {GENERATED})")
    args = ap.parse_args()
    labels = [json.loads(line) for line in (args.corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    texts = load_texts(labels, args.corpus, 2)
    prepare()
    examples, groups = title_examples(labels, texts)
    if args.generated:
        more, more_groups = generated_examples(labels, args.corpus, args.generated)
        examples, groups = examples + more, groups + more_groups
    weights = title_model.train(examples, groups)
    for name, value in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"{value:+8.3f}  {name}")
    if not args.no_write:
        model = {"trained": date.today().isoformat(), "documents": len(examples), "sources": len(set(groups)),
                 "weights": weights}
        title_model.MODEL_PATH.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {title_model.MODEL_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
