"""Add the gazetteer's coordinates (``lat``, ``lon``) to ingest/reference/municipalities.csv.

    .venv/bin/python tools/add_coordinates.py            # write ingest/reference/municipalities.csv
    .venv/bin/python tools/add_coordinates.py --check    # say what would change, write nothing
    .venv/bin/python tools/add_coordinates.py --source PATH/municipalities.csv

A build-time tool: the product reads only the committed CSV (``ingest.reference.coordinates()``, the map of
``/statistik``), so a clone without the source still works. The source is the shared gazetteer
(``../shared/reference/municipalities.csv``, converted from Destatis GV-ISys, Gebietsstand 31.12.2024), whose
``lat``/``lon`` are the "geografische Mittelpunktkoordinaten" of each municipality (Zuordnungsstand 31.12.2023,
decimal degrees, WGS 84). Rows are matched by ARS; every other column of the product's file is kept as it is.
Running it again gives the same file (the columns are replaced, not added twice).
"""

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "ingest" / "reference" / "municipalities.csv"
SOURCE = ROOT.parent / "shared" / "reference" / "municipalities.csv"
COLUMNS = ("lat", "lon")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def with_coordinates(target: Path, source: Path) -> str:
    """The text of ``target`` with the ``lat``/``lon`` of ``source`` (by ARS) as its last two columns."""
    fields, rows = _read(target)
    _source_fields, source_rows = _read(source)
    by_ars = {row["ars"]: row for row in source_rows}
    missing = [row["ars"] for row in rows if row["ars"] not in by_ars]
    if missing:
        raise SystemExit(f"{len(missing)} ARS of {target.name} are not in {source}: {', '.join(missing[:5])} …")
    fields = [f for f in fields if f not in COLUMNS] + list(COLUMNS)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        found = by_ars[row["ars"]]
        writer.writerow({**row, **{c: _degrees(found.get(c) or "") for c in COLUMNS}})
    return out.getvalue()


def _degrees(value: str) -> str:
    """Five decimals (about a metre): more would only be noise for a dot on a map."""
    return f"{float(value):.5f}" if value.strip() else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"gazetteer with lat/lon (default {SOURCE})")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the file would change")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        raise SystemExit(f"{args.source} not found: the committed {TARGET.name} already has the coordinates")
    text = with_coordinates(TARGET, args.source)
    current = TARGET.read_text(encoding="utf-8")
    if args.check:
        print("unchanged" if text == current else f"{TARGET} would change")
        return 0 if text == current else 1
    TARGET.write_text(text, encoding="utf-8")
    located = sum(1 for line in text.splitlines()[1:] if not line.endswith(","))
    print(f"{TARGET}: {len(text.splitlines()) - 1} rows, {located} with coordinates", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
