"""Write ingest/reference/first_names.txt: first names common in Germany, to tell a person's name from a title.

    .venv/bin/pip install gender-guesser==0.4.0      # build-time only (requirements-dev.txt)
    .venv/bin/python tools/build_first_names.py

Source: the name dictionary ``nam_dict.txt`` (Jörg Michael, 2008, GNU FDL) shipped in the PyPI package
gender-guesser. Each name carries a frequency class per country (1 rare .. 13 very common; most German names
have a low class there); a name is kept when its class for Germany is at least MIN_CLASS. The product reads
only the committed text file.
"""

import re
import sys
from pathlib import Path

import gender_guesser

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "ingest" / "reference" / "first_names.txt"
GERMANY = 12  # column of Germany in the per-country frequency field (gender_guesser.detector.COUNTRIES)
MIN_CLASS = 1
_NAME = re.compile(r"^[A-ZÄÖÜ][a-zäöüßéèáàíóúç]+(?:-[A-ZÄÖÜ][a-zäöüßéèáàíóúç]+)?$")


def main() -> None:
    source = Path(gender_guesser.__file__).with_name("data") / "nam_dict.txt"
    names = set()
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or len(line) < 30 + GERMANY + 1 or line[0] not in "MF?1":
            continue
        value = line[30 + GERMANY].strip()
        frequency = int(value, 16) if value else 0
        name = line[3:29].strip().replace("+", "-")
        if frequency >= MIN_CLASS and _NAME.match(name):
            names.add(name)
    OUT.write_text("# first names common in Germany, from gender-guesser's nam_dict.txt; "
                   "tools/build_first_names.py\n" + "\n".join(sorted(names)) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
