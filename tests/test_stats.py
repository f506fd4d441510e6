"""/statistik and its CSVs on a real store: every number equals what /api/search counts for the same search, the
CSVs parse as German Excel CSV and hold the page's tables, the map has a dot for each Kommune with documents
and no other, filters narrow every chart, drafts never count; archive.stats.compute against a naive count."""

import csv
import html as html_module
import io
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from archive import DRAFT, Archive, stats
from archive.columns import Column, FacetTable
from tests.conftest import make_app
from tests.docs import make_docx

# name -> (town, party, date, type word, subject, body)
EXTRA = {
    "dortmund-radwege.docx": ("Dortmund", "SPD", "04.05.2021", "Anfrage", "Radwege an der Ruhrallee",
                              "Wir fragen die Verwaltung: Wann werden die Radwege an der Ruhrallee saniert?"),
    "dortmund-kita.docx": ("Dortmund", "CDU", "11.09.2023", "Antrag", "Keine Kita-Gebühren",
                           "Die Kita-Gebühren für das letzte Kindergartenjahr werden abgeschafft."),
    "leipzig-sozialticket.docx": ("Leipzig", "DIE LINKE.", "02.02.2023", "Antrag", "Sozialticket für Leipzig",
                                  "Die Stadt Leipzig führt ein Sozialticket für den Nahverkehr ein."),
    "muenchen-mieten.docx": ("München", "GRÜNE", "17.10.2020", "Anfrage", "Mieten in städtischen Wohnungen",
                             "Wir fragen die Verwaltung: Wie haben sich die Mieten der städtischen Wohnungen "
                             "entwickelt?"),
    "koeln-ohne-ort.docx": ("Köln", "FDP", "08.06.2022", "Antrag", "Mehr Bänke in Parks",
                            "In den Parks werden mehr Bänke aufgestellt."),
    "bonn-ohne-datum.docx": ("Bonn", "SPD", "09.01.2019", "Antrag", "Trinkbrunnen in der Innenstadt",
                             "In der Innenstadt werden Trinkbrunnen aufgestellt."),
}
DRAFT_DOC = ("Kiel", "FDP", "03.03.2015", "Antrag", "Zauberwortantrag zum Hafen",
             "Der Zauberwortantrag betrifft den Hafen der Stadt Kiel.")
CAPTIONS = {"jahre": "Dokumente pro Jahr und Typ",
            "themen": f"Dokumente pro Jahr der {stats.TOP_TOPICS} häufigsten Themen",
            "kommunen": "Dokumente pro Kommune", "parteien": "Dokumente pro Partei", "karte": "Kommunen auf der Karte"}
CHARTS = tuple(CAPTIONS)
QUERIES = [{}, {"q": "Sozialticket"}, {"state": "Nordrhein-Westfalen"}, {"doc_type": "anfrage"},
           {"date_from": "2021-01-01"}, {"q": "Radwege OR Mieten"}, {"party": "SPD"},
           {"q": "Sozialticket Toiletten"}]  # no document has both words: the partial matches count too


def _letter(folder: Path, name: str, town: str, party: str, date: str, kind: str, subject: str, body: str) -> Path:
    resolution = "Wir fragen die Verwaltung:" if kind == "Anfrage" else "Der Rat möge beschließen:"
    lines = [f"Fraktion {party} im Rat der Stadt {town}", f"{town}, {date}", kind, f"Betreff: {subject}",
             resolution, body, "Begründung: " + body]
    return make_docx(folder / name, lines)


@pytest.fixture(scope="module")
def stats_store(tmp_path_factory, built_store: Path) -> tuple[Path, dict]:
    """The test store plus six letters (one then stripped of its Kommune, one of its date) and a draft."""
    base = tmp_path_factory.mktemp("stats")
    store = base / "store"
    shutil.copytree(built_store, store)
    archive = Archive.open(store)
    try:
        paths = [_letter(base, name, *values) for name, values in EXTRA.items()]
        outcomes = list(archive.ingest(paths, workers=1))
        assert {o.status for o in outcomes} == {"added"}, outcomes
        ids = {Path(o.file).name: o.id for o in outcomes}
        [draft] = list(archive.ingest([_letter(base, "kiel-entwurf.docx", *DRAFT_DOC)], workers=1,
                                      publication=DRAFT))
        ids["draft"] = draft.id
        with archive.store.transaction():
            archive.store.update_columns(ids["koeln-ohne-ort.docx"], {"municipality": None, "municipality_ars": None})
            archive.store.update_columns(ids["bonn-ohne-datum.docx"], {"date": None, "year": None})
            archive.store.queue_index([ids["koeln-ohne-ort.docx"], ids["bonn-ohne-datum.docx"]])
        archive.sync_index()
        draft_row = archive.document(draft.id)
    finally:
        archive.close()
    assert (draft_row["municipality"], draft_row["year"], draft_row["publication"]) == ("Kiel", 2015, DRAFT)
    return store, ids


@pytest.fixture(scope="module")
def client(stats_store):
    store, _ids = stats_store
    with make_app(store).test_client() as client:
        yield client


def api(client, params: dict, **more) -> dict:
    response = client.get("/api/search", query_string={**params, **more, "facet_limit": 10_000})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def facet(result: dict, name: str) -> dict[str, int]:
    return {c["value"]: c["count"] for c in result["facets"][name] if c["count"]}


def read_csv(client, chart: str, params: dict, sep: str = ";") -> list[list[str]]:
    response = client.get(f"/statistik/{chart}.csv", query_string={**params, **({"sep": sep} if sep != ";" else {})})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f"attachment; filename=statistik-{chart}.csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff") == (sep == ";")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=sep))


def page(client, params: dict) -> str:
    response = client.get("/statistik", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """caption -> rows (header first) of each data table on the page, cells as text."""
    out = {}
    for table in re.findall(r"<table>(.*?)</table>", html, re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)[1].strip()
        rows = [[html_module.unescape(re.sub(r"<[^>]+>", "", cell).strip())
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
        out[caption] = rows
    return out


def dots(html: str) -> list[str]:
    return re.findall(r'<circle class="place" data-ars="(\d+)"', html)


@pytest.mark.parametrize("params", QUERIES, ids=[str(q) for q in QUERIES])
def test_counts_per_year_and_type_equal_the_search_facets(client, params: dict):
    result = api(client, params)
    rows = read_csv(client, "jahre", params)
    header, body = rows[0], rows[1:]
    assert header[0] == "Jahr" and header[-1] == "Summe"
    assert sum(int(row[-1]) for row in body) == result["total"]
    per_year = {row[0]: int(row[-1]) for row in body if row[0] != "ohne Jahr" and int(row[-1])}
    assert per_year == facet(result, "year")
    undated = [row for row in body if row[0] == "ohne Jahr"]
    assert (int(undated[0][-1]) if undated else 0) == result["total"] - sum(facet(result, "year").values())
    labels = {c["label"]: c["value"] for c in result["facets"]["doc_type"]}
    per_type = {labels[label]: sum(int(row[i]) for row in body) for i, label in enumerate(header[1:-1], 1)}
    if "doc_type" not in params:  # the facet ignores its own filter; the charts obey it
        assert per_type == facet(result, "doc_type")
    for row in body:  # every cell is what the search finds for that year and type
        if row[0] == "ohne Jahr":
            continue
        for label, cell in zip(header[1:-1], row[1:-1], strict=True):
            assert int(cell) == api(client, params, year=row[0], doc_type=labels[label])["total"], (row[0], label)


@pytest.mark.parametrize("params", QUERIES, ids=[str(q) for q in QUERIES])
def test_topics_kommunen_parties_and_map_equal_the_search_facets(client, params: dict):
    result = api(client, params)
    topics = read_csv(client, "themen", params)
    labels = {c["label"]: c["value"] for c in result["facets"]["topic"]}
    per_topic = {labels[label]: sum(int(row[i]) for row in topics[1:]) for i, label in enumerate(topics[0][1:], 1)}
    dated = {topic: api(client, params, topic=topic)["facets"]["year"] for topic in per_topic}
    assert per_topic == {topic: sum(c["count"] for c in years) for topic, years in dated.items()}
    counts = facet(result, "topic")
    assert len(per_topic) == min(stats.TOP_TOPICS, len(counts))
    assert sorted(counts.values(), reverse=True)[:len(per_topic)] == sorted(
        (counts[t] for t in per_topic), reverse=True)  # the topics with most documents
    kommunen = read_csv(client, "kommunen", params)
    assert kommunen[0] == ["Kommune", "ARS", "Bundesland", "Dokumente"]
    assert {row[1]: int(row[3]) for row in kommunen[1:]} == facet(result, "municipality")
    parteien = {row[0]: int(row[1]) for row in read_csv(client, "parteien", params)[1:]}
    if "party" in params:  # the facet ignores its own filter; the charts obey it
        assert parteien == {p: api(client, params, party=p)["total"] for p in parteien}
    else:
        assert parteien == facet(result, "party")
    karte = read_csv(client, "karte", params)
    assert {row[1]: int(row[5]) for row in karte[1:]} == facet(result, "municipality")
    html = page(client, params)
    assert sorted(dots(html)) == sorted(facet(result, "municipality"))  # one dot per Kommune with documents
    if result["total"]:
        count = re.search(r'<p class="stats-scope">\s*([\d.]+) Dokument', html)[1]
        assert int(count.replace(".", "")) == result["total"]


def test_csvs_hold_the_tables_of_the_page(client):
    html = page(client, {})
    tables = page_tables(html)
    for chart in CHARTS:
        rows = read_csv(client, chart, {})
        shown = tables[CAPTIONS[chart]]
        assert shown[0] == rows[0], chart
        assert [[_plain(cell) for cell in row] for row in shown[1:]] == rows[1:len(shown)], chart
        assert f'href="/statistik/{chart}.csv"' in html


def _plain(cell: str) -> str:
    """``1.234`` on the page is ``1234`` in the CSV."""
    return cell.replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", cell) else cell


def test_comma_csv_for_scripts_has_no_bom_and_decimal_points(client):
    rows = read_csv(client, "karte", {}, sep=",")
    assert rows[0] == ["Kommune", "ARS", "Bundesland", "Breite", "Länge", "Dokumente"]
    bochum = next(row for row in rows if row[0] == "Bochum")
    assert (float(bochum[3]), float(bochum[4])) == pytest.approx((51.4827, 7.21718), abs=1e-4)
    semicolon = next(row for row in read_csv(client, "karte", {}) if row[0] == "Bochum")
    assert semicolon[3:5] == [bochum[3].replace(".", ","), bochum[4].replace(".", ",")]


def test_map_has_a_dot_for_each_kommune_with_documents_and_none_without(client):
    html = page(client, {})
    found = dots(html)
    assert len(found) == len(set(found))
    names = {row[1]: row[0] for row in read_csv(client, "kommunen", {})[1:]}
    assert {names[ars] for ars in found} == {"Bochum", "Freiburg im Breisgau", "Hannover", "Dortmund", "Leipzig",
                                             "München", "Bonn"}  # Köln lost its Kommune, Kiel is a draft
    assert "Köln" not in names and "Kiel" not in names
    assert "1 Dokumente ohne Kommune sind nicht auf der Karte" in html
    only = dots(page(client, {"q": "Sozialticket", "state": "Sachsen"}))
    assert [names[ars] for ars in only] == ["Leipzig"]


def test_filters_narrow_every_chart(client):
    params = {"state": "Nordrhein-Westfalen"}
    total = api(client, params)["total"]
    assert 0 < total < api(client, {})["total"]
    kommunen = read_csv(client, "kommunen", params)[1:]
    assert kommunen and {row[2] for row in kommunen} == {"Nordrhein-Westfalen"}
    assert {row[2] for row in read_csv(client, "karte", params)[1:]} == {"Nordrhein-Westfalen"}
    assert sum(int(row[-1]) for row in read_csv(client, "jahre", params)[1:]) == total
    assert sum(int(row[1]) for row in read_csv(client, "parteien", params)[1:]) == sum(
        facet(api(client, params), "party").values())
    narrower = {**params, "doc_type": "anfrage", "date_from": "2021-01-01", "date_to": "2021-12-31"}
    rows = read_csv(client, "jahre", narrower)
    assert rows[0] == ["Jahr", "Anfrage", "Summe"] and rows[1:] == [["2021", "1", "1"]]
    assert [row[0] for row in read_csv(client, "kommunen", narrower)[1:]] == ["Dortmund"]
    assert page(client, {"q": "nichtvorhandeneswort"}).count('<circle class="place"') == 0


def test_drafts_never_count(client, stats_store):
    _store, ids = stats_store
    assert client.get(f"/dokument/{ids['draft']}").status_code == 404  # it is a draft
    years = [row[0] for row in read_csv(client, "jahre", {})[1:]]
    assert "2015" not in years and years[0] == "2018"
    assert "Kiel" not in {row[0] for row in read_csv(client, "kommunen", {})[1:]}
    html = page(client, {"q": "Zauberwortantrag"})
    assert "0 Dokumente" in html and "Keine Dokumente" in html and not dots(html)
    assert read_csv(client, "jahre", {"q": "Zauberwortantrag"}) == [["Jahr", "Summe"]]
    published = len(EXTRA) + 4
    assert sum(int(row[-1]) for row in read_csv(client, "jahre", {})[1:]) == published


def test_undated_documents_are_in_no_year_but_counted(client):
    rows = read_csv(client, "jahre", {})
    assert rows[-1][0] == "ohne Jahr" and rows[-1][-1] == "1"
    assert "1 Dokumente ohne Datum sind in keiner Säule" in page(client, {})


def test_search_page_links_the_statistics_of_its_search(client):
    html = client.get("/?q=Sozialticket&state=Sachsen&per_page=5").get_data(as_text=True)
    link = re.search(r'<p class="stats-link"><a href="([^"]+)">Statistik</a>', html)[1]
    assert link == "/statistik?q=Sozialticket&amp;state=Sachsen"
    stats_page = page(client, {"q": "Sozialticket", "state": "Sachsen"})
    assert "1 Dokument für <q>Sozialticket</q> · Bundesland: Sachsen" in stats_page
    assert 'href="/statistik/jahre.csv?q=Sozialticket&amp;state=Sachsen"' in stats_page
    assert 'href="/?q=Sozialticket&amp;state=Sachsen"' in stats_page  # back to the same search


def test_charts_are_svg_with_title_and_description(client):
    html = page(client, {})
    charts = re.findall(r'<svg class="chart" id="chart-(\w+)"[^>]*role="img" aria-labelledby="([^"]+)"', html)
    assert [name for name, _ in charts] == list(CHARTS)
    for name, labels in charts:
        assert labels == f"chart-{name}-title chart-{name}-desc"
        assert re.search(rf'<title id="chart-{name}-title">[^<]+</title><desc id="chart-{name}-desc">[^<]+</desc>',
                         html)
    assert "<script" not in html.split("<main", 1)[1]  # drawn on the server
    assert " style=" not in html  # the CSP allows no inline styles


def test_bad_parameters_are_refused_in_german(client):
    response = client.get("/statistik?page=abc")
    assert response.status_code == 400 and "muss eine ganze Zahl sein" in response.get_data(as_text=True)
    assert client.get("/statistik/jahre.csv?date_from=2023-02-30").status_code == 400
    assert client.get("/statistik/jahre.csv?sep=x").status_code == 400
    assert client.get("/statistik/unbekannt.csv").status_code == 404


# -- archive.stats.compute on a synthetic facet table --------------------------------------------------------


def _table(n: int, seed: int = 7) -> tuple[FacetTable, dict]:
    rng = np.random.default_rng(seed)
    years = [None if rng.random() < 0.05 else str(int(y)) for y in rng.integers(2010, 2026, n)]
    types = [str(t) for t in rng.choice(["antrag", "anfrage", "pressemitteilung"], n)]
    places = [None if rng.random() < 0.1 else f"05{int(k):010d}" for k in rng.integers(0, 300, n)]
    topics = [tuple(str(t) for t in rng.choice(["verkehr", "bildung", "soziales", "umwelt", "kultur", "sport",
                                                "wohnen", "digitalisierung"], int(rng.integers(0, 3)), replace=False))
              for _ in range(n)]
    parties = [tuple(str(p) for p in rng.choice(["SPD", "CDU", "GRÜNE", "FDP"], int(rng.integers(0, 3)),
                                                replace=False)) for _ in range(n)]
    columns = {"year": Column.single(years), "doc_type": Column.single(types), "municipality": Column.single(places),
               "topic": Column.multi(topics), "party": Column.multi(parties)}
    table = FacetTable(np.arange(n), np.zeros(n, dtype=np.int64), columns)
    return table, {"year": years, "doc_type": types, "municipality": places, "topic": topics, "party": parties}


def test_compute_equals_a_naive_count():
    table, raw = _table(5_000)
    mask = np.random.default_rng(1).random(5_000) < 0.4
    chosen = [i for i in range(5_000) if mask[i]]
    result = stats.compute(table, mask)
    assert result.total == len(chosen)
    for y, year in enumerate(result.years):
        for t, kind in enumerate(result.types):
            expected = sum(1 for i in chosen if raw["year"][i] == year and raw["doc_type"][i] == kind.value)
            assert result.per_year_type[y][t] == expected
        for k, topic in enumerate(result.topics):
            expected = sum(1 for i in chosen if raw["year"][i] == year and topic.value in raw["topic"][i])
            assert result.per_year_topic[y][k] == expected
    assert result.undated == sum(1 for i in chosen if raw["year"][i] is None)
    topic_counts = {}
    for i in chosen:
        for topic in raw["topic"][i]:
            topic_counts[topic] = topic_counts.get(topic, 0) + 1
    assert [t.count for t in result.topics] == sorted(topic_counts.values(), reverse=True)[:stats.TOP_TOPICS]
    assert {c.value: c.count for c in result.parties} == {
        p: sum(1 for i in chosen if p in raw["party"][i]) for p in {p for i in chosen for p in raw["party"][i]}}
    assert sum(c.count for c in result.municipalities) == sum(1 for i in chosen if raw["municipality"][i])


def test_compute_at_100k_documents_is_fast():
    table, _raw = _table(100_000)
    mask = np.ones(100_000, dtype=bool)
    stats.compute(table, mask)  # warm: the reference data is loaded once
    start = time.perf_counter()
    result = stats.compute(table, mask)
    elapsed = time.perf_counter() - start
    assert result.total == 100_000
    assert elapsed < 1.0, f"{elapsed:.3f} s"  # 7 ms on the development machine


def test_compute_of_nothing():
    table, _raw = _table(100)
    result = stats.compute(table, np.zeros(100, dtype=bool))
    assert (result.total, result.years, result.types, result.places, result.without_place) == (0, (), (), (), 0)
    assert stats.by_year(result).rows == ()


# -- in a browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_browser_search_filter_statistics_csv_and_excel_export(store_dir: Path):
    """Search, filter, click "Statistik", download a chart's CSV; back to the search, export it as XLSX."""
    import openpyxl
    from playwright.sync_api import expect

    from tests.test_browser import chromium_page, serving

    with serving(store_dir) as url, chromium_page(accept_downloads=True) as (page, errors):
        page.goto(url + "/")
        page.fill("#q", "Sozialticket")
        page.press("#q", "Enter")
        page.wait_for_url(re.compile(r"q=Sozialticket"))
        page.locator(".facet-value", has_text="Bochum").first.click()
        page.wait_for_url(re.compile(r"municipality="))
        search_url = page.url

        page.get_by_role("link", name="Statistik", exact=True).click()
        page.wait_for_url(re.compile(r"/statistik\?q=Sozialticket&municipality=059110000000$"))
        expect(page.locator("h1")).to_have_text("Statistik")
        expect(page.locator(".stats-scope")).to_contain_text("1 Dokument für Sozialticket · Kommune: Bochum")
        expect(page.locator("svg#chart-jahre")).to_be_visible()
        expect(page.locator("svg#chart-karte circle.place")).to_have_count(1)
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile(r"^Zahlen als CSV.*pro Jahr und Typ")).click()
        assert info.value.suggested_filename == "statistik-jahre.csv"
        text = Path(info.value.path()).read_text(encoding="utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))
        assert rows == [["Jahr", "Antrag", "Summe"], ["2023", "1", "1"]]

        page.get_by_role("link", name="‹ Zur Suche").click()
        page.wait_for_url(search_url)
        [doc_id] = [int(h.get_attribute("href").rsplit("/", 1)[1]) for h in page.locator(".hit h2 a").all()]
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile(r"^Excel")).click()
        assert info.value.suggested_filename.endswith(".xlsx")
        book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
        sheet_rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert sheet_rows[0][0] == "id" and [row[0] for row in sheet_rows[1:]] == [doc_id]
        assert "Abfrage" in book.sheetnames
        book.close()
        assert errors == []
