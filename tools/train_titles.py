"""Train the title line scorer (ingest/metadata/title_model.json) on the labelled dev corpus.

    .venv/bin/python tools/train_titles.py                 # train on every dev document, write the weights
    .venv/bin/python tools/train_titles.py --no-write      # print the weights only

Uses the parses cached by tools/eval_metadata.py (run that first). Each source weighs 1/sqrt(its documents).
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.jsonl")
    ap.add_argument("--no-write", action="store_true", help="print the weights, do not write the model file")
    args = ap.parse_args()
    labels = [json.loads(line) for line in (args.corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    texts = load_texts(labels, args.corpus, 2)
    prepare()
    examples, groups = title_examples(labels, texts)
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
