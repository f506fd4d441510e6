"""The JSON API contract (/api/search, /api/documents/<id>) on a real store of DOCX/PDF files."""

import pytest

from archive.store import CONFIDENCE_FIELDS
from tests.conftest import STORE_DOCS

HIT_KEYS = {"id", "title", "doc_type", "date", "municipality", "ars", "district", "state", "party", "faction",
            "topics", "snippet", "url", "download_url"}
CONTRACT_FACETS = {"doc_type", "municipality", "district", "state", "party", "topic", "year"}


def get(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def counts(result: dict, facet: str) -> dict[str, int]:
    return {row["value"]: row["count"] for row in result["facets"][facet]}


def test_search_returns_the_contract(client):
    result = get(client, q="Sozialticket")
    assert {"total", "page", "per_page", "hits", "facets"} <= set(result)
    assert result["total"] == 2 and result["page"] == 1 and result["per_page"] == 20 and result["partial"] == 0
    assert CONTRACT_FACETS <= set(result["facets"])
    for hit in result["hits"]:
        assert set(hit) == HIT_KEYS
        assert hit["url"].endswith(f"/dokument/{hit['id']}")
        assert hit["download_url"].endswith(f"/dokument/{hit['id']}/original")
        assert "<mark>" in hit["snippet"]
    for rows in result["facets"].values():
        for row in rows:
            assert set(row) == {"value", "label", "count"} and row["count"] >= 0


def test_empty_query_lists_every_document_newest_first(client):
    result = get(client, q="")
    assert result["total"] == len(STORE_DOCS)
    dates = [hit["date"] for hit in result["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert sum(counts(result, "doc_type").values()) == len(STORE_DOCS)


def test_filters_or_within_a_facet_and_across_facets(client):
    everything = get(client)
    towns = counts(everything, "municipality")
    bochum = next(row for row in everything["facets"]["municipality"] if row["label"].startswith("Bochum"))
    freiburg = next(row for row in everything["facets"]["municipality"] if row["label"].startswith("Freiburg"))
    both = get(client, municipality=[bochum["value"], freiburg["value"]])
    assert both["total"] == towns[bochum["value"]] + towns[freiburg["value"]] == 3
    # The filtered facet still counts its other values, so a user can add one (OR).
    assert counts(both, "municipality") == towns
    cdu_in_bochum = get(client, municipality=bochum["value"], party="CDU")
    assert cdu_in_bochum["total"] == 1
    assert get(client, municipality=freiburg["value"], party="CDU")["total"] == 0


def test_municipality_by_ars_or_by_name(client):
    by_name = get(client, municipality="Bochum")
    ars = by_name["hits"][0]["ars"]
    assert ars.isdigit() and len(ars) == 12
    by_ars = get(client, municipality=ars)
    assert [h["id"] for h in by_ars["hits"]] == [h["id"] for h in by_name["hits"]]
    assert by_name["total"] == 2


def test_year_and_date_range(client):
    assert get(client, year="2022")["total"] == 1
    ranged = get(client, date_from="2021-01-01", date_to="2022-12-31")
    assert {h["date"] for h in ranged["hits"]} == {"2021-06-05", "2022-02-15"}


def test_sort_and_paging(client):
    oldest = get(client, sort="oldest", per_page=2)
    newest = get(client, sort="newest", per_page=2, page=2)
    assert oldest["per_page"] == 2 and len(oldest["hits"]) == 2
    assert [h["date"] for h in oldest["hits"]] == ["2018-02-20", "2021-06-05"]
    assert [h["date"] for h in newest["hits"]] == ["2021-06-05", "2018-02-20"]


def test_facet_limit_keeps_active_values_and_reports_how_many_there_are(client):
    result = get(client, facet_limit=1, municipality="Hannover")
    towns = result["facets"]["municipality"]
    assert result["facet_values"]["municipality"] == 3
    assert len(towns) == 2 and any(row["label"].startswith("Hannover") for row in towns)


@pytest.mark.parametrize("params", [
    {"per_page": "101"}, {"per_page": "0"}, {"page": "0"}, {"page": "x"}, {"sort": "random"},
    {"date_from": "2020-1-1"}, {"facet_limit": "0"},
])
def test_bad_parameters_get_400_with_a_json_message(client, params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]


@pytest.mark.parametrize("q", ['"unclosed', "AND AND", "titel:", "x" * 10_000, "((", "-", "*", "OR",
                               "<script>alert(1)</script>"])
def test_hostile_queries_get_results_or_hints(client, q):
    result = get(client, q=q)
    assert isinstance(result["hits"], list)
    assert "<script>" not in str(result["hits"])


def test_document_has_all_metadata_and_the_text(client):
    hit = get(client, q="Tempo 30")["hits"][0]
    doc = client.get(f"/api/documents/{hit['id']}").get_json()
    assert doc["title"] == hit["title"] and doc["municipality"] == hit["municipality"]
    assert "Tempo 30" in doc["text"]
    assert doc["download_url"] == hit["download_url"]


def test_unknown_document_is_a_json_404(client):
    response = client.get("/api/documents/999999")
    assert response.status_code == 404 and response.get_json()["error"]


def test_every_document_has_the_confidence_of_each_extracted_field(client):
    for hit in get(client, per_page=50)["hits"]:
        doc = client.get(f"/api/documents/{hit['id']}").get_json()
        assert set(CONFIDENCE_FIELDS) <= set(doc["confidence"])
        assert all(isinstance(doc["confidence"][f], float) and 0 <= doc["confidence"][f] <= 1
                   for f in CONFIDENCE_FIELDS)
        assert doc["min_confidence"] == min(doc["confidence"][f] for f in CONFIDENCE_FIELDS)
        assert {"reviewed_at", "edited_fields", "text", "url", "download_url"} <= set(doc)
