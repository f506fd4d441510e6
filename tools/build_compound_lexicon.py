"""Build archive/compound_lexicon.txt: the words a German compound may be split into (archive/compounds.py).

    .venv/bin/python tools/build_compound_lexicon.py          # write archive/compound_lexicon.txt
    .venv/bin/python tools/build_compound_lexicon.py --check  # print the counts, write nothing

A build-time tool: the product reads only the committed file, so a clone without these sources still works.

Sources:
- the word list: Debian's ``wngerman`` (``apt-get install wngerman``, /usr/share/dict/ngerman, igerman98), every
  inflected form, nouns capitalised and other words lowercase;
- word frequencies: ``wordfreq`` 3.1.1 (PyPI, pinned in requirements-dev.txt only), ``zipf_frequency(word, "de")``.

Kept, each folded (``archive.analysis.fold``: lowercase, ß -> ss):
- ``N`` (a noun form, may be the head, the last part, of a compound, and a modifier): capitalised entries of at
  least 3 letters with a Zipf frequency of at least NOUN_ZIPF;
- also ``N``: lowercase entries with at least LOWER_HEAD_ZIPF of at least 4 letters, or of 3 letters with an inflected
  form listed capitalised ("weg": "Wege"). The list spells a noun lowercase when the same letters are also a
  verb form or adverb ("schule", "rede", "wende", "gebühren", "heim"), so lowercase forms must be allowed as heads;
- ``M`` (a modifier only, a first part): rarer lowercase entries of at least 4 letters with at least OTHER_ZIPF
  (adjectives and verb forms: a rare verb form as a head splits words wrongly, "beige|ordnete"), and verb stems
  (an infinitive less "-en": "wohn" of "wohnen").
Words that are prefixes and particles ("unter", "gegen", "wieder") are left out: they form derived words, not
compounds ("Unterstützung" is no kind of "Stützung"). The Zipf frequency (times 10) is written beside each word;
archive/compounds.py prefers the split whose parts are more frequent.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wordfreq import zipf_frequency  # noqa: E402  (build-time dependency, requirements-dev.txt)

from archive.analysis import fold  # noqa: E402
from archive.compounds import PARTICLES  # noqa: E402

DICTIONARY = Path("/usr/share/dict/ngerman")
OUT = ROOT / "archive" / "compound_lexicon.txt"
NOUN_ZIPF = 1.5
OTHER_ZIPF = 2.5
STEM_ZIPF = 2.5
LOWER_HEAD_ZIPF = 3.0


def entries(words: list[str]) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}

    def keep(form: str, zipf: float, kind: str) -> None:
        folded = fold(form)
        if folded in PARTICLES or not folded.isalpha():
            return
        old = out.get(folded)
        if old is None or (kind == "N" and old[1] == "M") or (kind == old[1] and zipf * 10 > old[0]):
            out[folded] = (round(zipf * 10), kind if old is None or kind == "N" else old[1])

    capitalised = {word for word in words if word[:1].isupper()}
    for word in words:
        if not word.isalpha() or len(word) < 3:
            continue
        zipf = zipf_frequency(word, "de")
        if word[0].isupper() and zipf >= NOUN_ZIPF:
            keep(word, zipf, "N")
        elif word[0].islower() and zipf >= OTHER_ZIPF:
            head = zipf >= LOWER_HEAD_ZIPF and (len(word) >= 4 or _noun_sibling(word, capitalised))
            if head or len(word) >= 4:
                keep(word, zipf, "N" if head else "M")
        if word[0].islower() and word.endswith("en") and len(word) >= 6 and zipf >= STEM_ZIPF:
            keep(word[:-2], zipf, "M")
    return out


def _noun_sibling(word: str, capitalised: set[str]) -> bool:
    """A short lowercase word is also a noun if an inflected form of it is listed capitalised ("weg": "Wege")."""
    title = word[0].upper() + word[1:]
    return any(title + ending in capitalised for ending in ("e", "es", "s", "en", "n", "er"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="print the counts, write nothing")
    args = ap.parse_args()
    words = [line.strip() for line in DICTIONARY.read_text(encoding="utf-8").splitlines()]
    found = entries(words)
    nouns = sum(kind == "N" for _z, kind in found.values())
    print(f"{len(found)} words ({nouns} noun forms, {len(found) - nouns} modifiers only)")
    if args.check:
        return
    lines = [f"{word}\t{zipf}\t{kind}" for word, (zipf, kind) in sorted(found.items())]
    header = "# word\tzipf*10\tN=noun form (head or modifier), M=modifier only (tools/build_compound_lexicon.py)"
    OUT.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
