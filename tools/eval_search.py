"""Score the search ranking on judged queries over the dev corpus: the public ones and our held-back ones.

    .venv/bin/python tools/eval_search.py                 # the table, as `make eval-search` prints it
    .venv/bin/python tools/eval_search.py --per-query     # one line per query
    .venv/bin/python tools/eval_search.py --baseline      # also FTS5 BM25 on Snowball-stemmed text, terms ORed
    .venv/bin/python tools/eval_search.py --fresh         # ingest the dev files again into a new store
    .venv/bin/python tools/eval_search.py --json out.json # every figure, for machines

The dev files (../shared/corpus/dev/files) are ingested once with the product's CLI (`flask ingest --json`) into
the store (default .cache/search_eval/store); a reused store gets `flask reindex`, so that index changes in the code
take effect (parser or metadata changes need --fresh). Every query then goes through the real Flask app's
/api/search?per_page=20&q=... in-process, and is scored with exactly the formulas of ../shared/tools/score-search:
nDCG@10 with gains 2^grade-1 and the ideal ranking from all judged documents of the query (unjudged = 0), MRR and
recall@20 with grade >= 2 as relevant.

Query sets: "public" = the 17 queries of the dev corpus (queries.jsonl, judgments.jsonl there); "tune" and "test" =
the two halves of tools/search_eval/queries.jsonl (see tools/search_eval/README.md). Tune on "tune"; report "test".
"""

import argparse
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
OURS = ROOT / "tools" / "search_eval"
STORE = ROOT / ".cache" / "search_eval" / "store"
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "search_app"]
IDS = "eval_search_ids.json"  # id -> "files/<name>", written next to the store's archive.db
SETS = ("public", "tune", "test")
WORD = re.compile(r"\w+")


# ---- queries and judgments ---------------------------------------------------------------------------------------

def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_grades(path: Path) -> dict[str, dict[str, int]]:
    grades = defaultdict(dict)
    for row in read_jsonl(path):
        grades[row["qid"]][row["file"]] = row["grade"]
    return grades


def query_sets(corpus: Path, ours: Path) -> tuple[dict[str, list[dict]], dict[str, dict[str, int]]]:
    """The queries of each set (public, tune, test) and the grades of all of them by qid."""
    sets = {"public": read_jsonl(corpus / "queries.jsonl"), "tune": [], "test": []}
    for query in read_jsonl(ours / "queries.jsonl"):
        sets[query["split"]].append(query)
    grades = read_grades(corpus / "judgments.jsonl")
    grades.update(read_grades(ours / "judgments.jsonl"))
    return sets, grades


# ---- the store -----------------------------------------------------------------------------------------------------

def run_flask(args: list[str], store: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, ARCHIVE_DIR=str(store))
    return subprocess.run(FLASK + args, env=env, capture_output=True, text=True, cwd=ROOT)


def ingest(store: Path, files: Path) -> dict[str, str]:
    """Ingest ``files`` into a new ``store``; the stored ids mapped to "files/<name>" as score-search maps them."""
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True)
    done = run_flask(["ingest", "--json", str(files)], store)
    file_of = {}
    for line in done.stdout.splitlines():
        row = json.loads(line) if line.startswith("{") else {}
        if row.get("id") is not None:
            file_of[str(row["id"])] = os.path.relpath(os.path.abspath(row["file"]), files.parent)
    if not file_of:
        sys.exit(f"ingest gave no ids (exit {done.returncode}): {done.stderr[-500:]}")
    (store / IDS).write_text(json.dumps(file_of), encoding="utf-8")
    return file_of


def open_store(store: Path, files: Path, fresh: bool) -> dict[str, str]:
    """The id -> file map of a ready store: ingested anew, or reused and reindexed."""
    if fresh or not (store / IDS).exists() or not (store / "archive.db").exists():
        print(f"ingesting {files} into {store} ...", file=sys.stderr)
        return ingest(store, files)
    done = run_flask(["reindex"], store)
    if done.returncode:
        sys.exit(f"reindex failed (exit {done.returncode}): {done.stderr[-500:]}")
    return json.loads((store / IDS).read_text(encoding="utf-8"))


# ---- the two rankers ----------------------------------------------------------------------------------------------

def product_ranker(store: Path, file_of: dict[str, str]):
    """Rank through the real app's /api/search (in-process, Flask test client)."""
    from search_app import create_app

    app = create_app({"ARCHIVE_DIR": str(store), "TESTING": True, "SECRET_KEY": "eval-search"})
    client = app.test_client()

    def rank(text: str) -> list[str]:
        response = client.get("/api/search?per_page=20&q=" + urllib.parse.quote(text))
        if response.status_code != 200:
            sys.exit(f"/api/search answered {response.status_code} for {text!r}")
        return [file_of.get(str(hit["id"]), "?") for hit in response.get_json()["hits"]]

    return rank


def baseline_ranker(store: Path, file_of: dict[str, str]):
    """SQLite FTS5 BM25 over Snowball-stemmed (German) title and text; the query's stemmed terms ORed."""
    import Stemmer

    stemmer = Stemmer.Stemmer("german")

    def stems(text: str) -> list[str]:
        return stemmer.stemWords(WORD.findall(text.casefold()))

    fts = sqlite3.connect(":memory:")
    fts.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
    source = sqlite3.connect(f"file:{store / 'archive.db'}?mode=ro", uri=True)
    for doc_id, title, text in source.execute("SELECT id, title, text FROM documents"):
        if str(doc_id) in file_of:
            body = " ".join(stems(f"{title or ''}\n{text or ''}"))
            fts.execute("INSERT INTO docs(rowid, body) VALUES (?, ?)", (doc_id, body))
    source.close()

    def rank(text: str) -> list[str]:
        terms = dict.fromkeys(stems(text))
        if not terms:
            return []
        match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
        rows = fts.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 20", (match,))
        return [file_of[str(doc_id)] for (doc_id,) in rows]

    return rank


# ---- the measures (exactly those of score-search) -----------------------------------------------------------------

def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def measure(ranked: list[str], grades: dict[str, int]) -> dict[str, float]:
    gains = [2 ** grades.get(f, 0) - 1 for f in ranked[:10]]
    ideal = sorted((2 ** v - 1 for v in grades.values()), reverse=True)[:10]
    ndcg = dcg(gains) / dcg(ideal) if ideal and dcg(ideal) else 0.0
    relevant = {f for f, v in grades.items() if v >= 2}
    rr = next((1 / (i + 1) for i, f in enumerate(ranked) if f in relevant), 0.0)
    recall = len(relevant & set(ranked[:20])) / len(relevant) if relevant else 0.0
    return {"ndcg": ndcg, "mrr": rr, "r20": recall}


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score(rank, sets: dict[str, list[dict]], grades: dict) -> dict:
    """Per set: the mean figures, nDCG@10 per kind, and every query's figures."""
    result = {}
    for name, queries in sets.items():
        rows = [{"qid": q["qid"], "query": q["query"], "kind": q["kind"], **measure(rank(q["query"]), grades[q["qid"]])}
                for q in queries]
        kinds = defaultdict(list)
        for row in rows:
            kinds[row["kind"]].append(row["ndcg"])
        result[name] = {"n": len(rows), **{m: mean([r[m] for r in rows]) for m in ("ndcg", "mrr", "r20")},
                        "kinds": {k: {"ndcg": mean(v), "n": len(v)} for k, v in sorted(kinds.items())},
                        "queries": rows}
    return result


# ---- output -------------------------------------------------------------------------------------------------------

def print_totals(systems: dict[str, dict]) -> None:
    print(f"{'set':8} {'n':>3}  " + "  ".join(f"{name + ' nDCG@10':>16} {'MRR':>6} {'R@20':>6}" for name in systems))
    for name in SETS:
        first = next(iter(systems.values()))[name]
        cells = [f"{s[name]['ndcg']:>16.3f} {s[name]['mrr']:>6.3f} {s[name]['r20']:>6.3f}" for s in systems.values()]
        print(f"{name:8} {first['n']:>3}  " + "  ".join(cells))


def print_kinds(systems: dict[str, dict]) -> None:
    kinds = sorted({k for s in systems.values() for part in s.values() for k in part["kinds"]})
    header = "  ".join(f"{f'{system[:4]} {name}':>11}" for system in systems for name in SETS)
    print(f"\nnDCG@10 per kind (n = public/tune/test)\n{'kind':13} {'n':>8}  {header}")
    for kind in kinds:
        first = next(iter(systems.values()))
        counts = "/".join(str(first[name]["kinds"].get(kind, {}).get("n", 0)) for name in SETS)
        cells = [_kind_cell(s[name]["kinds"].get(kind)) for s in systems.values() for name in SETS]
        print(f"{kind:13} {counts:>8}  " + "  ".join(cells))


def _kind_cell(entry: dict | None) -> str:
    return f"{entry['ndcg']:>11.3f}" if entry else f"{'-':>11}"


def print_queries(systems: dict[str, dict]) -> None:
    for system, result in systems.items():
        print(f"\nper query ({system})")
        for name in SETS:
            for row in result[name]["queries"]:
                print(f"  {name:6} {row['qid']} {row['kind']:12} {row['query'][:44]:44} "
                      f"nDCG {row['ndcg']:.3f}  RR {row['mrr']:.2f}  R@20 {row['r20']:.2f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="dev corpus (files/, queries, judgments)")
    parser.add_argument("--queries", type=Path, default=OURS, help="folder of our queries.jsonl and judgments.jsonl")
    parser.add_argument("--store", type=Path, default=STORE, help="store folder (reused unless --fresh)")
    parser.add_argument("--fresh", action="store_true", help="ingest the dev files again into a new store")
    parser.add_argument("--baseline", action="store_true", help="also score FTS5 BM25 on stemmed text, terms ORed")
    parser.add_argument("--per-query", action="store_true", help="one line per query")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure as JSON to OUT")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sets, grades = query_sets(args.corpus.resolve(), args.queries)
    store = args.store.resolve()
    file_of = open_store(store, args.corpus.resolve() / "files", args.fresh)
    systems = {"product": score(product_ranker(store, file_of), sets, grades)}
    if args.baseline:
        systems["baseline"] = score(baseline_ranker(store, file_of), sets, grades)
    print(f"{sum(len(q) for q in sets.values())} queries over {len(file_of)} stored documents")
    print_totals(systems)
    print_kinds(systems)
    if args.per_query:
        print_queries(systems)
    if args.json:
        args.json.write_text(json.dumps(systems, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
