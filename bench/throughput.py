"""Ingest throughput on real 3-page PDFs written with fpdf2."""

import os
import shutil
import time
from pathlib import Path

from fpdf import FPDF

from archive import Archive
from bench.synth import Generator

PAGES = 3
WORDS_PER_PAGE = 420


def write_pdfs(folder: Path, words: list[str], count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    generator = Generator(words, seed=7)
    paths = []
    for number in range(count):
        pdf = FPDF()
        pdf.set_font("Helvetica", size=10)
        header = f"Fraktion DIE LINKE. im Rat der Stadt Bochum\nBochum, 12.03.2023\nAntrag Nr. {number}\n"
        for page in range(PAGES):
            pdf.add_page()
            text = (header if page == 0 else "") + generator.text(WORDS_PER_PAGE)
            pdf.multi_cell(0, 5, text.encode("latin-1", "replace").decode("latin-1"))
        path = folder / f"antrag-{number:04d}.pdf"
        pdf.output(str(path))
        paths.append(path)
    return paths


def measure_ingest(work: Path, words: list[str], count: int) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    paths = write_pdfs(work / "pdfs", words, count)
    archive = Archive.open(work / "store")
    workers = os.cpu_count() or 1
    started = time.monotonic()
    statuses = [outcome.status for outcome in archive.ingest(paths, workers=workers)]
    seconds = time.monotonic() - started
    archive.close()
    added = statuses.count("added")
    return {"files": count, "pages_per_file": PAGES, "added": added, "seconds": round(seconds, 1),
            "docs_per_s": round(added / seconds, 1), "pages_per_s": round(added * PAGES / seconds, 1),
            "workers": workers}
