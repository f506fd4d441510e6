"""Compare German compound splitters on compounds whose split is known, and on words that are no compounds.

    .venv/bin/python tools/compare_splitters.py --db STORE/archive.db

Known splits come from the texts themselves: a hyphenated noun compound ("Kita-Gebühren", "Radverkehrs-Konzept")
names its head, the part after the hyphen. Written closed ("Kitagebühren"), a splitter should find that head.
Simplex words are the frequent long words of the same texts that the dictionary lists and that no splitter should
cut (judged by hand in SIMPLEX below: evaluation data, not used by the product). Reported per splitter: the share
of gold compounds whose head it finds, and the share of simplex words it splits.

Splitters (charsplit and pyphen are installed only for this comparison: ``pip install compound-split==1.0.2
pyphen==0.18.1``):
- ``dictionary``: archive/compounds.py (wngerman + wordfreq word list, linking elements, fewest parts);
- ``charsplit``: compound-split 1.0.2 (Tuggener's n-gram probabilities from Wikipedia), best split if its score > 0;
- ``hyphenation``: pyphen's de_DE patterns give the cut points, the dictionary decides (like Elasticsearch's
  ``hyphenation_decompounder``).
"""

import argparse
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.analysis import fold  # noqa: E402
from archive.compounds import lexicon, parts  # noqa: E402

HYPHENATED = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]{2,})-([A-ZÄÖÜ][a-zäöüß]{2,})\b")
SIMPLEX = (
    "Verwaltung Antrag Handlung Beratung Gemeinde Bericht Erinnerung Gesellschaft Beschluss Sitzung Information "
    "Verantwortung Bevölkerung Ausschuss Fraktion Kommune Entwicklung Öffentlichkeit Veranstaltung Unterstützung "
    "Befristung Station Region Anfrage Dezernent Zustimmung Enthaltung Mitarbeiter Erneuerbare Obdachlosigkeit "
    "Kenntnisnahme Vorschlag Einrichtung Versorgung Forderung Bedeutung "
    "Regierung Genehmigung Verordnung Abstimmung Beteiligung Ergebnis Untersuchung Begründung "
    "Verfügung Ordnung Erklärung Wohnungen Bürgerinnen Einwohner Vorsitzende Beigeordnete Umsetzung Wirtschaft "
    "Änderung Prüfung Besucher Gebäude Finanzierung Situation Gewerbe Kosten"
).split()


def gold_compounds(db: Path) -> list[tuple[str, str]]:
    counts: Counter = Counter()
    with sqlite3.connect(db) as con:
        for (text,) in con.execute("select text from documents where text is not null"):
            for first, second in HYPHENATED.findall(text):
                counts[(first, second)] += 1
    return [(first + second.lower(), second) for first, second in counts]


def dictionary(word: str) -> tuple[str, ...] | None:
    return parts(fold(word))


def charsplit(word: str) -> tuple[str, ...] | None:
    from compound_split import char_split  # comparison only, not a dependency of the product

    best = char_split.split_compound(word)[0]
    return (best[1], best[2]) if best[0] > 0 else None


def hyphenation(word: str) -> tuple[str, ...] | None:
    import pyphen  # comparison only

    folded = fold(word)
    cuts = [i for i in pyphen.Pyphen(lang="de_DE").positions(word) if i < len(folded)]
    lex = lexicon()
    for cut in sorted(cuts, key=lambda c: -len(folded[c:])):
        if lex.modifier(folded[:cut]) is not None and lex.head(folded[cut:]) is not None:
            return folded[:cut], folded[cut:]
    return None


SPLITTERS = {"dictionary": dictionary, "charsplit": charsplit, "hyphenation": hyphenation}


def head_found(pieces: tuple[str, ...] | None, head: str) -> bool:
    return bool(pieces) and fold(pieces[-1]) == fold(head)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, type=Path, help="a store's archive.db with the dev corpus texts")
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    gold = gold_compounds(args.db)
    print(f"{len(gold)} hyphenated compounds, {len(SIMPLEX)} simplex words")
    for name, split in SPLITTERS.items():
        found = [head_found(split(word), head) for word, head in gold]
        wrong = [word for word in SIMPLEX if split(word)]
        print(f"{name:12} head found {sum(found) / len(gold):.3f}   simplex split {len(wrong) / len(SIMPLEX):.3f}"
              f"  ({', '.join(wrong[:8])})")
        if args.misses:
            print("   missed:", ", ".join(w for (w, _h), ok in zip(gold, found, strict=True) if not ok)[:600])


if __name__ == "__main__":
    main()
