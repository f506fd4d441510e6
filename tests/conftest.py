"""Shared fixtures: a small real store (DOCX and PDF files through the real ingest) and the Flask app on it."""

import shutil
from pathlib import Path

import pytest

from archive import Archive
from tests.docs import make_docx, make_pdf, motion_text

STAFF_PASSWORD = "richtig-geheim"

# name -> (town, subject, body, party, date)
STORE_DOCS = {
    "bochum-sozialticket.docx": (
        "Bochum", "Sozialticket für alle Leistungsberechtigten",
        "Die Stadt Bochum führt ein Sozialticket auf Basis des Deutschlandtickets ein. "
        "Der Preis für Berechtigte beträgt höchstens 19 Euro im Monat.", "DIE LINKE.", "13.03.2023"),
    "bochum-schulen.pdf": (
        "Bochum", "Sanierung der Schulgebäude",
        "Die Schulgebäude in Bochum werden saniert. Die Toiletten in den Grundschulen sind marode.",
        "CDU", "20.02.2018"),
    "freiburg-tempo30.pdf": (
        "Freiburg im Breisgau", "Tempo 30 vor Schulen und Kitas",
        "Vor allen Schulen und Kitas gilt Tempo 30. Das Sozialticket bleibt davon unberührt.",
        "GRÜNE", "15.02.2022"),
    "hannover-skript.docx": (
        "Hannover", "Sicherheit der Webseite der Stadt",
        "Auf der Webseite der Stadt erschien der Text <script>alert(1)</script> im Kontaktformular. "
        "Die Verwaltung prüft die Sicherheit der Webseite.", "SPD", "05.06.2021"),
}


def write_documents(folder: Path, docs: dict = STORE_DOCS) -> list[Path]:
    """Write real DOCX/PDF motions into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (town, subject, body, party, date) in docs.items():
        lines = motion_text(town, subject, body, date=date, party=party)
        path = folder / name
        paths.append(make_docx(path, lines) if name.endswith(".docx") else make_pdf(path, ["\n".join(lines)]))
    return paths


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """A store folder with STORE_DOCS ingested (built once per session; copy it before writing)."""
    base = tmp_path_factory.mktemp("built")
    paths = write_documents(base / "files")
    archive = Archive.open(base / "store")
    try:
        outcomes = list(archive.ingest(paths, workers=2))
    finally:
        archive.close()
    assert {o.status for o in outcomes} == {"added"}, outcomes
    return base / "store"


@pytest.fixture
def store_dir(built_store: Path, tmp_path: Path) -> Path:
    """A private, writable copy of ``built_store``."""
    target = tmp_path / "store"
    shutil.copytree(built_store, target)
    return target


def make_app(store: Path, **config):
    from search_app import create_app

    settings = {"ARCHIVE_DIR": str(store), "STAFF_PASSWORD": STAFF_PASSWORD, "SECRET_KEY": "test-secret",
                "TESTING": True, "WORKER": "inline"}
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(store_dir: Path):
    return make_app(store_dir)


@pytest.fixture
def client(app):
    with app.test_client() as client:
        yield client
