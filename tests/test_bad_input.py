"""Every parser fed corrupt, truncated, encrypted, empty and mislabelled files: a clear German message,
the batch goes on, and no process (worker or converter) is left behind."""

import multiprocessing
import os
import uuid
from pathlib import Path

import pytest

import ingest
from ingest.formats import doc as doc_format
from ingest.sandbox import Limits
from tests.docs import encrypt_pdf, make_docx, make_pdf, motion_text
from tests.fixtures import cfb
from tests.fixtures.files import make_encrypted_office, make_mail, make_msg, make_odt, make_rtf

TEXTUAL = {".rtf", ".html", ".eml"}  # markup read leniently: a damaged file may still give text
BODY = "Die Stadt Bochum führt ein Sozialticket für Menschen mit geringem Einkommen ein."
GERMAN = ("Datei ist beschädigt", "Format nicht unterstützt", "kein Text gefunden", "ist verschlüsselt",
          "Konverter nicht installiert", "Zeitlimit")


@pytest.fixture
def marker(monkeypatch) -> str:
    """An environment variable every child and converter inherits, to find leftovers in /proc."""
    value = uuid.uuid4().hex
    monkeypatch.setenv("ANTRAGSARCHIV_TEST_MARK", value)
    return value


def leftovers(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue  # exited meanwhile, or not ours to read
    return found


def _good_files(tmp: Path) -> dict[str, Path]:
    lines = motion_text("Bochum", "Sozialticket", BODY)
    docx_file = make_docx(tmp / "g.docx", lines)
    return {
        "pdf": make_pdf(tmp / "g.pdf", ["\n".join(lines), "Seite zwei mit mehr Text für den Test."]),
        "docx": docx_file,
        "odt": make_odt(tmp / "g.odt", lines),
        "rtf": make_rtf(tmp / "g.rtf", lines),
        "html": _write(tmp / "g.html", f"<html><body><p>{BODY}</p></body></html>".encode()),
        "eml": _write(tmp / "g.eml", make_mail("Antrag Sozialticket", BODY, [])),
        "msg": make_msg(tmp / "g.msg", "Antrag Sozialticket", BODY, [("a.docx", docx_file.read_bytes())]),
        "doc": _write(tmp / "g.doc", cfb.write({"WordDocument": cfb.pad_stream(b"\xec\xa5garbage")})),
    }


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _bad_variants(tmp: Path) -> list[Path]:
    out = []
    for fmt, good in _good_files(tmp).items():
        data = good.read_bytes()
        out.append(_write(tmp / f"leer.{fmt}", b""))
        out.append(_write(tmp / f"abgeschnitten.{fmt}", data[: max(len(data) // 3, 10)]))
        out.append(_write(tmp / f"kaputt.{fmt}", data[:16] + bytes(range(256)) * 8))
        out.append(_write(tmp / f"bild-statt-{fmt}.{fmt}", b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 200))
    out.append(encrypt_pdf(tmp / "g.pdf", tmp / "geheim.pdf"))
    out.append(make_odt(tmp / "geheim.odt", ["Text"], encrypted=True))
    out.append(make_encrypted_office(tmp / "geheim.docx"))
    return out


def test_every_parser_reports_bad_files_in_german_and_leaves_nothing_behind(tmp_path: Path, marker: str):
    files = _bad_variants(tmp_path)
    results = dict(ingest.parse_many(files, Limits(seconds=60), workers=2))
    assert set(results) == set(files)
    for path, result in results.items():
        if isinstance(result, ingest.ParsedDocument):  # a cut text format may still hold readable text
            assert path.suffix in TEXTUAL and path.name.startswith(("abgeschnitten.", "kaputt.")), path
            continue
        message = result.for_user()
        assert any(word in message for word in GERMAN), (path.name, message)
        if path.name.startswith(("leer.", "bild-statt-")):
            assert message.startswith("Format nicht unterstützt"), (path.name, message)
    assert multiprocessing.active_children() == []
    assert leftovers(marker) == []


@pytest.mark.parametrize(("name", "message"), [
    ("geheim.pdf", "PDF ist verschlüsselt"),
    ("geheim.odt", "ODT ist verschlüsselt"),
    ("geheim.docx", "Office-Datei ist verschlüsselt"),
])
def test_encrypted_files_are_named_as_such(tmp_path: Path, name: str, message: str):
    _good_files(tmp_path)
    [path] = [p for p in _bad_variants(tmp_path) if p.name == name]
    with pytest.raises(ingest.EncryptedFile) as info:
        ingest.parse_file(path)
    assert info.value.for_user() == message


def _hanging_tool(tmp_path: Path) -> Path:
    tools = tmp_path / "bin"
    tools.mkdir()
    script = tools / "antiword"
    script.write_text("#!/bin/sh\nexec /bin/sleep 60\n")
    script.chmod(0o755)
    return tools


def test_a_hanging_converter_is_killed_at_its_own_timeout(tmp_path: Path, marker: str, monkeypatch):
    monkeypatch.setenv("PATH", str(_hanging_tool(tmp_path)))
    monkeypatch.setattr(doc_format, "TIMEOUT", 1.0)
    path = _write(tmp_path / "alt.doc", cfb.write({"WordDocument": cfb.pad_stream(b"\xec\xa5")}))
    with pytest.raises(ingest.ParseTimeout) as info:
        ingest.parse_file(path, Limits(seconds=30))
    assert info.value.for_user() == "Zeitlimit beim Lesen überschritten: DOC"
    assert leftovers(marker) == []


def test_a_converter_still_running_at_the_parse_deadline_dies_with_the_worker(tmp_path: Path, marker: str,
                                                                              monkeypatch):
    monkeypatch.setenv("PATH", str(_hanging_tool(tmp_path)))
    path = _write(tmp_path / "alt.doc", cfb.write({"WordDocument": cfb.pad_stream(b"\xec\xa5")}))
    with pytest.raises(ingest.ParseTimeout):
        ingest.parse_file(path, Limits(seconds=1.5))
    assert multiprocessing.active_children() == []
    assert leftovers(marker) == []


def test_unknown_format_is_named(tmp_path: Path):
    path = _write(tmp_path / "tabelle.xls", cfb.write({"Workbook": cfb.pad_stream(b"\x09\x08")}))
    with pytest.raises(ingest.UnsupportedFormat) as info:
        ingest.parse_file(path)
    assert info.value.for_user() == "Format nicht unterstützt: altes Office-Format (OLE)"


def test_content_that_does_not_match_its_name_is_named(tmp_path: Path):
    path = _write(tmp_path / "seite.html", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>')
    with pytest.raises(ingest.UnsupportedFormat) as info:
        ingest.parse_file(path)
    assert info.value.for_user() == "Format nicht unterstützt: Endung .html, aber der Inhalt ist kein HTML"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "fehlt.pdf", "Datei nicht gefunden"),
        (lambda folder: folder, "ist ein Ordner, keine Datei"),
    ],
)
def test_missing_files_and_folders_get_a_clear_message(tmp_path: Path, make, message: str):
    with pytest.raises(ingest.FileUnreadable) as info:
        ingest.parse_file(make(tmp_path))
    assert info.value.for_user() == message
    assert multiprocessing.active_children() == []
