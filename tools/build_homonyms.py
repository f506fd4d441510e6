"""Build ingest/reference/homonyms.csv: municipality names that are also common German words.

    .venv/bin/python tools/build_homonyms.py                 # write ingest/reference/homonyms.csv
    .venv/bin/python tools/build_homonyms.py --check         # print what would change, write nothing

A build-time tool: the product reads only the committed CSV (``ingest.reference.homonyms()``), so a clone without
these sources still works. Run it again when municipalities.csv, the name variants of
``ingest.metadata.places.name_variants`` or the sources below change.

Sources:
- the names: every one-word variant of every municipality that ``ingest.metadata.places`` indexes ("Weil" of
  "Weil am Rhein", "Lage" of "Lage (Lippe)");
- word frequencies: ``wordfreq`` 3.1.1 (PyPI, pinned in requirements-dev.txt only), ``zipf_frequency(name, "de")``,
  the base-10 log of a word's frequency per billion words (3.0 = once per million words). wordfreq folds case, so
  the figure counts the town and the word together;
- the word list: Debian's ``wngerman`` (``apt-get install wngerman``, /usr/share/dict/ngerman, igerman98), which
  spells nouns capitalised and other words lowercase, and also lists many proper names.

A name is a homonym when its Zipf frequency is at least ZIPF_MIN (3.0) and
- ``lower_word``: its lowercase form is in the word list (a verb, adjective, adverb or conjunction: "wissen",
  "essen", "laufen", "weil", "elend"), or
- ``noun``: its capitalised form is in the word list as a common noun ("Wald", "Lage", "Hof"). Because the list
  also holds place and person names ("Berlin", "Karl"), a capitalised entry counts as a common noun only if the
  list has at least MIN_COMPOUNDS compounds ending in it whose first part is itself a word ("Stadtwald",
  "Grundlage", "Bauernhof"; a town name has none: "Bochum", one at most: "Ostberlin"), or if the name is far
  more frequent than a town of its size: at least EXCESS_MIN (2.0, a factor of 100) above ``town_zipf``
  ("Norden", whose compounds the list lacks; also "Rom", "Salzburg": a tiny German namesake of a famous place).

``town_zipf`` is what the town alone explains: a least-squares line of Zipf frequency over log10(population),
fitted on the one-word names that are in neither form in the word list. It is written to the CSV for reference.
"""

import argparse
import csv
import io
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import reference  # noqa: E402
from ingest.metadata.places import name_variants  # noqa: E402

ZIPF_MIN = 3.0
MIN_COMPOUNDS = 2
EXCESS_MIN = 2.0
MIN_PART = 3  # letters of a compound's first part
DICTIONARY = Path("/usr/share/dict/ngerman")
OUT = ROOT / "ingest" / "reference" / "homonyms.csv"
ONE_WORD = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+")
LINKS = ("s", "es", "n", "en", "e")  # Fugenelemente: "Arbeits|welt", "Straßen|bau"


def one_word_names() -> dict[str, int]:
    """One-word name variant -> the largest population of a municipality with it."""
    names: dict[str, int] = {}
    for m in reference.municipalities():
        for variant in name_variants(m.name):
            if ONE_WORD.fullmatch(variant):
                names[variant] = max(names.get(variant, 0), m.population)
    return names


def compound_counts(words: set[str], names: set[str]) -> dict[str, int]:
    """Name -> how many capitalised entries of the word list are a word followed by the name ("Stadt|wald")."""
    tails = {n.lower(): n for n in names}
    counts = dict.fromkeys(names, 0)
    for word in words:
        if not word[:1].isupper():
            continue
        for k in range(MIN_PART, len(word) - 1):
            name = tails.get(word[k:])
            if name and _is_word(word[:k], words):
                counts[name] += 1
    return counts


def _is_word(part: str, words: set[str]) -> bool:
    stems = [part] + [part[: -len(link)] for link in LINKS if part.endswith(link)]
    return any(len(s) >= MIN_PART and (s in words or s.lower() in words or s.capitalize() in words) for s in stems)


def town_line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares: zipf = slope * log10(population) + intercept."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return slope, mean_y - slope * mean_x


def build(words: set[str], zipf) -> list[dict[str, str]]:
    names = one_word_names()
    freq = {name: zipf(name, "de") for name in names}
    plain = [(math.log10(max(pop, 1)), freq[name]) for name, pop in names.items()
             if freq[name] > 0 and name not in words and name.lower() not in words]
    slope, intercept = town_line(plain)
    compounds = compound_counts(words, {n for n in names if n in words and freq[n] >= ZIPF_MIN})
    rows = []
    for name in sorted(names):
        if freq[name] < ZIPF_MIN:
            continue
        town = slope * math.log10(max(names[name], 1)) + intercept
        lower = name.lower() in words
        noun = name in words and (compounds.get(name, 0) >= MIN_COMPOUNDS or freq[name] - town >= EXCESS_MIN)
        if lower or noun:
            rows.append({"name": name, "zipf": f"{freq[name]:.2f}", "town_zipf": f"{town:.2f}",
                         "lower_word": str(int(lower)), "noun": str(int(noun))})
    return rows


def render(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["name", "zipf", "town_zipf", "lower_word", "noun"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dictionary", type=Path, default=DICTIONARY, help="word list, one word a line")
    parser.add_argument("--check", action="store_true", help="report the difference to the committed file only")
    args = parser.parse_args()
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        print("wordfreq is missing: pip install -r requirements-dev.txt", file=sys.stderr)
        return 2
    if not args.dictionary.is_file():
        print(f"{args.dictionary} is missing: apt-get install wngerman", file=sys.stderr)
        return 2
    words = {w.strip() for w in args.dictionary.read_text(encoding="utf-8").splitlines() if w.strip()}
    text = render(build(words, zipf_frequency))
    old = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
    new_names = {line.split(",")[0] for line in text.splitlines()[1:]}
    old_names = {line.split(",")[0] for line in old.splitlines()[1:]}
    print(f"{len(new_names)} homonyms; added {sorted(new_names - old_names)}; removed {sorted(old_names - new_names)}")
    if not args.check:
        OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
