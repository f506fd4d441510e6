"""The ingest package on real files: formats, bad input, limits, no leftover processes."""

import multiprocessing
import time
from pathlib import Path

import pytest

import ingest
from ingest.sandbox import Limits, progress, run_limited
from tests.docs import encrypt_pdf, make_docx, make_pdf, motion_text

BODY = "Die Stadt richtet ein Sozialticket für alle Leistungsberechtigten ein. Die Kosten trägt der Haushalt."


@pytest.fixture
def docx_file(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "antrag.docx", motion_text("Bochum", "Sozialticket", BODY)[1:],
                     header="Fraktion DIE LINKE. im Rat der Stadt Bochum")


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "antrag.pdf", ["\n".join(motion_text("Kiel", "Kita-Gebühren", BODY)), "Seite zwei."])


def test_docx_text_includes_header_and_body(docx_file: Path):
    doc = ingest.parse_file(docx_file)
    assert doc.format == "docx"
    assert doc.text.startswith("Fraktion DIE LINKE. im Rat der Stadt Bochum")
    assert "Sozialticket für alle Leistungsberechtigten" in doc.text
    assert doc.sha256 == ingest.sha256_of(docx_file) and doc.size == docx_file.stat().st_size


def test_pdf_text_pages_and_umlauts(pdf_file: Path):
    doc = ingest.parse_file(pdf_file)
    assert doc.format == "pdf"
    assert doc.pages == 2
    assert "Der Rat möge beschließen:" in doc.text
    assert "\x0c" not in doc.text


def test_pdf_hyphenated_line_breaks_are_joined(tmp_path: Path):
    path = make_pdf(tmp_path / "h.pdf", ["Wir fordern mehr Plätze im Kinder-\ngarten und in der Schule für alle."])
    assert "Kindergarten" in ingest.parse_file(path).text


def test_format_is_detected_by_content_not_extension(docx_file: Path, pdf_file: Path, tmp_path: Path):
    disguised = tmp_path / "wirklich-docx.pdf"
    disguised.write_bytes(docx_file.read_bytes())
    other = tmp_path / "wirklich-pdf.docx"
    other.write_bytes(pdf_file.read_bytes())
    assert ingest.parse_file(disguised).format == "docx"
    assert ingest.parse_file(other).format == "pdf"


def test_text_file_in_cp1252_is_decoded(tmp_path: Path):
    path = tmp_path / "alt.txt"
    path.write_bytes("Antrag: Gebühren für die Straßenreinigung senken, sagt die Fraktion.".encode("cp1252"))
    assert "Gebühren für die Straßenreinigung" in ingest.parse_file(path).text


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("leer.pdf", b"", ingest.UnsupportedFormat, "Format nicht unterstützt"),
        ("kaputt.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", ingest.IngestError, None),
        ("kaputt.docx", b"PK\x03\x04" + b"\x00" * 200, ingest.CorruptFile, "Datei ist beschädigt"),
        ("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 100, ingest.UnsupportedFormat, "Format nicht unterstützt"),
    ],
)
def test_bad_files_get_a_clear_german_message(tmp_path: Path, name, content, error, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        ingest.parse_file(path)
    assert info.value.for_user()
    if message:
        assert info.value.for_user().startswith(message)


def test_truncated_pdf_is_reported_not_raised(pdf_file: Path, tmp_path: Path):
    cut = tmp_path / "abgeschnitten.pdf"
    cut.write_bytes(pdf_file.read_bytes()[: pdf_file.stat().st_size // 3])
    results = dict(ingest.parse_many([cut]))
    assert isinstance(results[cut], (ingest.IngestError, ingest.ParsedDocument))


def test_encrypted_pdf_is_named_as_such(pdf_file: Path, tmp_path: Path):
    locked = encrypt_pdf(pdf_file, tmp_path / "geheim.pdf")
    with pytest.raises(ingest.EncryptedFile) as info:
        ingest.parse_file(locked)
    assert info.value.for_user() == "PDF ist verschlüsselt"


def test_scan_without_text_layer_says_so(tmp_path: Path):
    path = make_pdf(tmp_path / "scan.pdf", [""])
    with pytest.raises(ingest.NoText) as info:
        ingest.parse_file(path)
    assert info.value.for_user() == "kein Text gefunden (gescannt?)"


def test_file_over_the_size_limit_is_refused(docx_file: Path):
    with pytest.raises(ingest.FileTooLarge):
        ingest.parse_file(docx_file, Limits(max_file_bytes=100))


def _sleep_forever(_item):
    time.sleep(60)


def _allocate(_item):
    return bytearray(512 * 1024**2)


def _crash(_item):
    raise SystemExit(3)


def test_time_limit_kills_the_worker():
    started = time.monotonic()
    [(_, result)] = list(run_limited(_sleep_forever, ["x"], Limits(seconds=0.5)))
    assert isinstance(result, ingest.ParseTimeout)
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []


def _steady_work(_item):
    for _ in range(8):  # 2 s of work in steps, each reported
        time.sleep(0.25)
        progress()
    return "fertig"


def _steady_work_forever(_item):
    while True:
        time.sleep(0.1)
        progress()


def test_progress_extends_the_time_limit():
    [(_, result)] = list(run_limited(_steady_work, ["x"], Limits(seconds=1, max_seconds=30)))
    assert result == "fertig"


def test_progress_does_not_extend_past_the_hard_limit():
    started = time.monotonic()
    [(_, result)] = list(run_limited(_steady_work_forever, ["x"], Limits(seconds=0.5, max_seconds=1.5)))
    assert isinstance(result, ingest.ParseTimeout)
    assert 1.4 < time.monotonic() - started < 10
    assert multiprocessing.active_children() == []


def test_memory_limit_is_enforced():
    [(_, result)] = list(run_limited(_allocate, ["x"], Limits(memory_bytes=256 * 1024**2)))
    assert isinstance(result, ingest.ParseMemoryError)
    assert "Speicherlimit" in result.for_user()


def test_a_crashing_worker_is_reported_and_the_batch_goes_on(docx_file: Path):
    results = list(run_limited(_crash, ["a", "b"], Limits(seconds=10), workers=2))
    assert len(results) == 2
    assert all(isinstance(r, ingest.IngestError) for _, r in results)
    assert multiprocessing.active_children() == []


def test_batch_goes_on_after_bad_files(docx_file: Path, pdf_file: Path, tmp_path: Path):
    bad = tmp_path / "kaputt.pdf"
    bad.write_bytes(b"%PDF-1.4 nonsense")
    results = dict(ingest.parse_many([bad, docx_file, pdf_file], workers=2))
    assert isinstance(results[bad], ingest.IngestError)
    assert isinstance(results[docx_file], ingest.ParsedDocument)
    assert isinstance(results[pdf_file], ingest.ParsedDocument)
    assert multiprocessing.active_children() == []


def test_iter_files_recurses_and_skips_hidden(tmp_path: Path, docx_file: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Text")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("no")
    found = {p.name for p in ingest.iter_files([tmp_path])}
    assert found == {"antrag.docx", "b.txt"}


def test_an_empty_word_file_is_not_called_a_scan(tmp_path: Path):
    path = make_docx(tmp_path / "leer.docx", [""])
    with pytest.raises(ingest.NoText) as info:
        ingest.parse_file(path)
    assert info.value.for_user() == "kein Text gefunden"
