"""Text reuse ("Gleicher Mustertext"), similar documents and collapse=same_text on real files, SQLite and Whoosh."""

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import DRAFT, Archive, SearchRequest, reuse
from search_app import create_app
from tests.conftest import STAFF_PASSWORD, make_app
from tests.docs import make_docx, make_pdf, motion_text
from tests.test_web import login, token

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"

# a Musterantrag: the same body filed in several towns, the town named in it
MUSTER = ("Die Stadt {town} führt zum nächsten Schuljahr ein kostenloses und gesundes Mittagessen an allen "
          "Grundschulen und Förderschulen ein. Die Verwaltung legt dem Rat bis zum Sommer ein Konzept vor, wie "
          "die Schulküchen ausgestattet, regionale Lieferanten beteiligt und die Kosten aus Mitteln des Landes und "
          "des Bundes gedeckt werden können. Kinder aus Familien mit wenig Geld dürfen nicht länger vom "
          "gemeinsamen Essen ausgeschlossen werden, denn Hunger verhindert Lernen. Der Elternbeitrag entfällt; "
          "die Teilnahme wird in {town} einmal im Jahr ausgewertet.")
SCHOOL = ("Die Schulsanierung der Gesamtschule Nord wird vorgezogen. Für den Ganztag fehlen Mensa, Räume und "
          "sanierte Toiletten; die Schulsanierung muss deshalb noch in diesem Jahr beginnen. Die Verwaltung "
          "berichtet im Schulausschuss über den Zeitplan der Schulsanierung und den Ausbau des Ganztags.")
SCHOOL2 = ("Der Ganztag an Grundschulen braucht Platz: Die Schulsanierung der Grundschule am Park beginnt sofort. "
           "Die Mensa wird erweitert, damit der Ganztag für alle Kinder möglich wird, und der Schulausschuss "
           "erhält jedes Quartal einen Bericht über die Schulsanierung.")
CLIMATE = ("Die Stadtwerke stellen bis 2030 vollständig auf Ökostrom um. Photovoltaik kommt auf alle Dächer "
           "städtischer Gebäude, Windkraft wird im Regionalplan gesichert und die Wärmeplanung beschleunigt. "
           "Der Klimaschutz braucht verbindliche Ziele für jedes Jahr.")

FILES = {
    # name: (town, subject, body, party, date)
    "bochum-mittagessen.pdf": ("Bochum", "Kostenloses Mittagessen an Grundschulen", MUSTER, "DIE LINKE.", "13.03.2023"),
    "bochum-mittagessen.docx": ("Bochum", "Kostenloses Mittagessen an Grundschulen", MUSTER, "DIE LINKE.",
                                "13.03.2023"),
    "kiel-mittagessen.pdf": ("Kiel", "Gesundes Mittagessen für alle Kinder", MUSTER, "DIE LINKE.", "02.05.2024"),
    "herne-schule.docx": ("Herne", "Schulsanierung und Ganztag", SCHOOL, "SPD", "10.01.2022"),
    "essen-schule.pdf": ("Essen", "Ganztag und Schulsanierung an Grundschulen", SCHOOL2, "CDU", "11.11.2021"),
    "freiburg-klima.pdf": ("Freiburg im Breisgau", "Ökostrom und Klimaschutz", CLIMATE, "GRÜNE", "15.02.2022"),
}


def write(folder: Path, name: str, town: str, subject: str, body: str, party: str, date: str) -> Path:
    lines = motion_text(town, subject, body.format(town=town), date=date, party=party)
    if town == "Kiel":  # another letterhead: the faction's address and a contact line
        lines = [f"{party} Ratsfraktion Kiel", "Rathaus, Fleethörn 9, 24103 Kiel", "fraktion@linke-kiel.de",
                 *lines[1:]]
    path = folder / name
    return make_docx(path, lines) if name.endswith(".docx") else make_pdf(path, ["\n".join(lines)])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    base = tmp_path_factory.mktemp("reuse")
    files = base / "files"
    files.mkdir()
    paths = [write(files, name, *spec) for name, spec in FILES.items()]
    archive = Archive.open(base / "store")
    try:
        outcomes = list(archive.ingest(paths, workers=2))
    finally:
        archive.close()
    assert {o.status for o in outcomes} == {"added"}, outcomes
    return base / "store", {Path(o.file).name: o.id for o in outcomes}


@pytest.fixture
def store(built, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built[0], target)
    return target


@pytest.fixture
def ids(built) -> dict[str, int]:
    return built[1]


@pytest.fixture
def archive(store: Path):
    archive = Archive.open(store)
    yield archive
    archive.close()


def pairs(archive: Archive) -> dict[tuple[int, int], float]:
    return {(a, b): share for a, b, share in archive.store.db.execute("SELECT * FROM same_text")}


def test_the_pdf_and_the_docx_of_one_text_are_the_same_text(archive: Archive, ids):
    pdf, docx = ids["bochum-mittagessen.pdf"], ids["bochum-mittagessen.docx"]
    found = pairs(archive)
    assert found[pdf, docx] >= 0.95 and found[docx, pdf] >= 0.95
    assert docx in archive.copies([pdf])[pdf] and pdf in archive.copies([docx])[docx]
    assert [row["id"] for row in archive.same_text(pdf)][:2] == sorted([docx, ids["kiel-mittagessen.pdf"]],
                                                                       key=lambda i: -found[pdf, i])


def test_a_motion_reused_in_another_town_is_found_with_its_share(archive: Archive, ids):
    bochum, kiel = ids["bochum-mittagessen.pdf"], ids["kiel-mittagessen.pdf"]
    share = pairs(archive)[kiel, bochum]
    assert 0.6 <= share < 0.98  # the letterhead and subject differ, the body (town names aside) is the same
    [row] = [row for row in archive.same_text(kiel) if row["id"] == bochum]
    assert row["municipality"] == "Bochum" and row["share"] == share


def test_unrelated_motions_are_not_the_same_text(archive: Archive, ids):
    muster = {ids[name] for name in FILES if "mittagessen" in name}
    assert {a for pair in pairs(archive) for a in pair} == muster
    for name in ("herne-schule.docx", "essen-schule.pdf", "freiburg-klima.pdf"):
        assert archive.same_text(ids[name]) == []


def test_drafts_withdrawn_and_deleted_documents_never_appear(archive: Archive, ids, tmp_path: Path):
    bochum = ids["bochum-mittagessen.pdf"]
    draft_path = write(tmp_path, "dortmund-mittagessen.docx", "Dortmund", "Mittagessen", MUSTER, "DIE LINKE.",
                       "01.02.2025")
    [outcome] = list(archive.ingest([draft_path], workers=1, publication=DRAFT))
    draft = outcome.id
    assert (draft, bochum) in pairs(archive)  # computed for staff ...
    assert draft not in {row["id"] for row in archive.same_text(bochum)}  # ... never shown to the public
    assert draft not in archive.copies([bochum]).get(bochum, set())
    assert {row["id"] for row in archive.same_text(draft)} >= {bochum}  # the draft's warning names published ones
    kiel = ids["kiel-mittagessen.pdf"]
    archive.withdraw(kiel)
    assert kiel not in {row["id"] for row in archive.same_text(bochum)}
    archive.publish(kiel)
    assert kiel in {row["id"] for row in archive.same_text(bochum)}
    archive.delete(kiel)
    assert kiel not in {a for pair in pairs(archive) for a in pair}
    assert archive.store.db.execute("SELECT count(*) FROM reuse_signatures WHERE doc_id = ?", [kiel]).fetchone()[0] == 0
    assert archive.store.db.execute("SELECT count(*) FROM reuse_bands WHERE doc_id = ?", [kiel]).fetchone()[0] == 0


def test_an_edit_of_the_text_updates_the_pairs(archive: Archive, ids):
    kiel, bochum = ids["kiel-mittagessen.pdf"], ids["bochum-mittagessen.pdf"]
    original = archive.document(kiel)["text"]
    with archive.store.transaction():
        archive.store.update_columns(kiel, {"text": CLIMATE + " " + SCHOOL})
        archive.store.queue_index([kiel])
    archive.sync_index()
    found = {pair for pair in pairs(archive) if kiel in pair}
    assert found == {(kiel, ids["herne-schule.docx"]), (ids["herne-schule.docx"], kiel),
                     (ids["freiburg-klima.pdf"], kiel)}  # all of the climate text is in it, half of it is the school's
    with archive.store.transaction():
        archive.store.update_columns(kiel, {"text": original})
        archive.store.queue_index([kiel])
    archive.sync_index()
    assert (kiel, bochum) in pairs(archive)


def test_similar_rebuild_recomputes_everything(store: Path, ids):
    archive = Archive(store)
    before = pairs(archive)
    with archive.store.transaction():
        archive.store.db.conn.execute("DELETE FROM same_text")
        archive.store.db.conn.execute("DELETE FROM reuse_signatures")
    archive.close()
    app = create_app({"ARCHIVE_DIR": str(store)})
    result = CliRunner().invoke(app.cli, ["similar", "rebuild", "--archive-dir", str(store)])
    assert result.exit_code == 0, result.output
    assert f"{len(FILES)} Dokumente" in result.output and f"{len(before)} Paare" in result.output
    archive = Archive(store)
    assert pairs(archive) == before
    assert reuse.counts(archive.store.db.conn)["reuse_bands"] == len(FILES) * reuse.NUM_PERM // reuse.BAND_ROWS
    archive.close()
    help_text = CliRunner().invoke(app.cli, ["similar", "rebuild", "--help"]).output
    assert "Examples:" in help_text and "flask --app search_app similar rebuild" in help_text


def test_the_api_document_lists_same_text_and_similar(store: Path, ids):
    app = make_app(store)
    with app.test_client() as client:
        doc = client.get(f"/api/documents/{ids['kiel-mittagessen.pdf']}").get_json()
        school = client.get(f"/api/documents/{ids['herne-schule.docx']}").get_json()
    assert [set(row) for row in doc["same_text"]] == [{"id", "share", "title", "municipality", "date"}] * 2
    assert {row["municipality"] for row in doc["same_text"]} == {"Bochum"}
    assert doc["same_text"] == sorted(doc["same_text"], key=lambda row: -row["share"])
    assert all(0 < row["share"] <= 1 for row in doc["same_text"])
    assert all(set(row) == {"id", "title", "reason"} for row in school["similar"])
    similar = {row["id"]: row["reason"] for row in school["similar"]}
    assert ids["essen-schule.pdf"] in similar and ids["freiburg-klima.pdf"] not in similar
    assert "gemeinsame Begriffe:" in similar[ids["essen-schule.pdf"]]
    assert "Schulsanierung" in similar[ids["essen-schule.pdf"]]
    # copies of the text are listed as the same text, not again as similar documents
    assert not {row["id"] for row in doc["same_text"]} & {row["id"] for row in doc["similar"]}


def test_similar_documents_are_cached_and_follow_publication(archive: Archive, ids):
    herne, essen = ids["herne-schule.docx"], ids["essen-schule.pdf"]
    first = archive.similar_to(archive.document(herne))
    assert essen in [item.id for item in first]
    assert archive.store.db.execute("SELECT count(*) FROM similar_cache WHERE doc_id = ?", [herne]).fetchone()[0] == 1
    archive.withdraw(essen)
    assert essen not in [item.id for item in archive.similar_to(archive.document(herne))]


def test_the_document_page_shows_gleicher_mustertext(store: Path, ids):
    app = make_app(store)
    with app.test_client() as client:
        page = client.get(f"/dokument/{ids['bochum-mittagessen.pdf']}").get_data(as_text=True)
    assert "Gleicher Mustertext" in page
    section = page[page.index("Gleicher Mustertext"):page.index("Volltext")]
    assert "% textgleich" in section and "Kiel" in section and "DIE LINKE" in section
    # the same text in another town first
    assert section.index(f"/dokument/{ids['kiel-mittagessen.pdf']}") < section.index(
        f"/dokument/{ids['bochum-mittagessen.docx']}")


def test_collapse_on_the_api_and_the_search_page(store: Path, ids):
    app = make_app(store)
    muster = {ids[name] for name in FILES if "mittagessen" in name}
    # a phrase: the single word "Mittagessen" would also list documents on "Essen" (the town) as partial matches
    with app.test_client() as client:
        plain = client.get("/api/search?q=%22gesundes+Mittagessen%22").get_json()
        grouped = client.get("/api/search?q=%22gesundes+Mittagessen%22&collapse=same_text").get_json()
        page = client.get("/?q=%22gesundes+Mittagessen%22").get_data(as_text=True)
        ungrouped = client.get("/?q=%22gesundes+Mittagessen%22&collapse=none").get_data(as_text=True)
        bad = client.get("/api/search?q=%22gesundes+Mittagessen%22&collapse=titel")
    assert {hit["id"] for hit in plain["hits"]} == muster and "versions" not in plain["hits"][0]
    assert grouped["total"] == 3  # documents, not entries
    [hit] = grouped["hits"]
    assert hit["versions"] == 3 and set(hit["other_versions"]) | {hit["id"]} == muster
    assert grouped["entries"] == 1
    assert "weitere Fassungen in" in page and page.count('class="hit"') == 1
    assert "Alle Fassungen einzeln zeigen" in page
    assert ungrouped.count('class="hit"') == 3 and "weitere Fassung" not in ungrouped
    assert bad.status_code == 400 and "collapse" in bad.get_json()["error"]


def test_collapse_pages_count_entries(archive: Archive, ids):
    everything = archive.search(SearchRequest(per_page=2, collapse="same_text"))
    assert everything.total == len(FILES) and everything.entries == len(FILES) - 2
    seen = []
    for page in (1, 2):
        result = archive.search(SearchRequest(per_page=2, page=page, collapse="same_text"))
        seen += [i for hit in result.hits for i in (hit.id, *hit.others)]
    assert sorted(seen) == sorted(ids.values())  # every document once, folded or not


def _upload(client, content: bytes, name: str):
    page = client.get("/hochladen").get_data(as_text=True)
    response = client.post("/hochladen", data={"csrf_token": token(page), "files": [(io.BytesIO(content), name)]},
                           content_type="multipart/form-data", headers={"Accept": "application/json"})
    response.request.input_stream.close()
    return response.get_json()["uploads"][0]


def test_staff_see_a_warning_on_upload_and_review_and_can_still_publish(store: Path, ids, tmp_path: Path):
    app = make_app(store)
    content = write(tmp_path, "dortmund.docx", "Dortmund", "Mittagessen", MUSTER, "DIE LINKE.",
                    "01.02.2025").read_bytes()
    with app.test_client() as staff:
        login(staff, STAFF_PASSWORD)
        upload = _upload(staff, content, "dortmund.docx")
        assert upload["state"] == "done"
        [first, *_rest] = upload["same_text"]
        assert first["percent"] >= 60 and "% textgleich mit Antrag „" in first["label"]
        assert "(Bochum, 2023)" in first["label"] or "(Kiel, 2024)" in first["label"]
        listing = staff.get("/hochladen").get_data(as_text=True)
        assert "textgleich mit Antrag" in listing and f'href="{first["url"]}"' in listing
        review = staff.get(f"/dokument/{upload['document_id']}/pruefen").get_data(as_text=True)
        assert "Gleicher Text schon im Archiv" in review and first["label"] in review.replace("&#34;", '"')
        assert 'value="publish"' in review  # a warning only
    with app.test_client() as anon:
        kiel = anon.get(f"/api/documents/{ids['kiel-mittagessen.pdf']}").get_json()
    assert upload["document_id"] not in {row["id"] for row in kiel["same_text"]}


@pytest.mark.corpus
def test_the_dev_corpus_letter_as_web_post_and_as_pdf(tmp_path: Path):
    files = CORPUS / "files"
    names = ["walzbachtal-bi-joehlingen-brief-jung.pdf", "walzbachtal_bi-pro-joehlingen_offener-brief_2020-01-11_"
             "ortsumgehung.pdf", "walzbachtal-bi-joehlingen-brief-gemeinderatswahl.txt"]
    if not all((files / name).is_file() for name in names):
        pytest.skip("dev corpus not available")
    archive = Archive.open(tmp_path / "store")
    try:
        outcomes = {Path(o.file).name: o.id for o in archive.ingest([files / name for name in names], workers=2)}
        web, pdf, other = (outcomes[name] for name in names)
        assert pdf in archive.copies([web])[web]
        assert other not in archive.copies([web]).get(web, set())
        assert not [row for row in archive.same_text(other) if row["id"] in (web, pdf)]
    finally:
        archive.close()


def test_reuse_reads_the_publication_state_the_store_writes():
    from archive import store

    assert reuse.PUBLISHED == store.PUBLISHED
    assert json.dumps(reuse.words("Die Stadt Bochum, 12.3.2023\ninfo@x.de\nTel. 0234", "Bochum")) == (
        '["die", "stadt", "ort", "tel"]')
