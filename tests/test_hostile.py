"""What a hostile test of the app found: each test failed before its fix."""

import time
from urllib.parse import urlencode

import pytest

from web.params import MAX_FACET_VALUES


def _many(name: str, count: int) -> str:
    return urlencode([(name, f"Partei {n}") for n in range(count)])


@pytest.mark.parametrize("path", ["/", "/api/search"])
def test_too_many_values_of_one_facet_are_refused_quickly(client, path):
    started = time.monotonic()
    response = client.get(f"{path}?{_many('party', 1000)}")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    body = response.get_json()["error"] if path.startswith("/api/") else response.get_data(as_text=True)
    assert f"höchstens {MAX_FACET_VALUES} Werte" in body and "Partei (party)" in body


@pytest.mark.parametrize("name", ["party", "municipality", "topic"])
def test_the_most_values_a_facet_may_have_answer_quickly(client, name):
    started = time.monotonic()
    response = client.get(f"/?q=Schule&{_many(name, MAX_FACET_VALUES)}&year=2018&doc_type=antrag")
    assert response.status_code == 200
    assert time.monotonic() - started < 5
    api = client.get(f"/api/search?{_many(name, MAX_FACET_VALUES)}")
    assert api.status_code == 200


def test_facet_links_toggle_one_value(client):
    """The linear-time links still add an inactive value and remove an active one (and only that one)."""
    html = client.get("/?party=CDU&party=SPD&q=Schule").get_data(as_text=True)
    assert 'href="/?q=Schule&amp;party=SPD"' in html  # CDU's chip or active facet value removes CDU only
    assert 'href="/?q=Schule&amp;party=CDU"' in html


@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["2023-02-30", "2023-13-01", "2021-02-29", "2023-00-10"])
def test_impossible_dates_are_refused(client, name, value):
    page = client.get(f"/?{name}={value}")
    assert page.status_code == 400
    assert "kein gültiges Datum" in page.get_data(as_text=True)
    api = client.get(f"/api/search?{name}={value}")
    assert api.status_code == 400 and "kein gültiges Datum" in api.get_json()["error"]


def test_a_leap_day_is_a_date(client):
    assert client.get("/?date_from=2024-02-29").status_code == 200
