"""Accessibility: axe-core (tests/vendor/axe.min.js) run in Chromium on every kind of page, WCAG 2.x A/AA and
best practices; any violation fails the test with its rule, element and axe's summary."""

import hashlib
import itertools
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import STAFF_PASSWORD
from tests.test_browser import chromium, new_page, serving

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # axe-core 4.14.1, tests/vendor
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(built_store: Path, tmp_path_factory) -> str:
    """One server for the module, on a private copy of the built store (the pages only read)."""
    store = tmp_path_factory.mktemp("a11y") / "store"
    shutil.copytree(built_store, store)
    with serving(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    # The app's CSP allows only its own scripts; axe is injected as an inline script, so the test page
    # bypasses the CSP (test_browser.py checks the CSP with the app's own scripts).
    page, errors = new_page(browser, bypass_csp=True)
    yield page
    page.close()
    # error pages (400, 404) are meant; Chromium logs their status. Nothing else may fail.
    assert [e for e in errors if not re.search(r"status of 4\d\d", e)] == []


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    if hashlib.sha256(AXE.read_bytes()).hexdigest() != AXE_SHA256:
        raise AssertionError(f"{AXE} is not the vendored axe-core (see tests/vendor/README.md)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'tag', values: rules}, resultTypes: ['violations']})"
        ".then(r => r.violations)", RULES)


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {what} ({page.url}):\n{report(violations)}"


PUBLIC_PAGES = {
    "search page, empty": "/",
    "results with a query and a filter": "/?q=Sozialticket&doc_type=antrag",
    "results, first of two pages (disabled Zurück)": "/?per_page=2",
    "results, last of two pages (disabled Weiter)": "/?per_page=2&page=2",
    "no hits": "/?q=Quantenverschränkungsantrag",
    "invalid search": "/?page=abc",
    "document": "/dokument/1",
    "not found": "/dokument/9999",
    "login": "/anmelden",
    "statistics": "/statistik",
    "statistics of a filtered search": "/statistik?q=Sozialticket&doc_type=antrag",
    "statistics of no hits": "/statistik?q=Quantenverschränkungsantrag",
}


@pytest.mark.parametrize("path", list(PUBLIC_PAGES.values()), ids=list(PUBLIC_PAGES))
def test_public_pages_have_no_axe_violations(site: str, page, path: str):
    page.goto(site + path)
    assert_accessible(page, path)


def test_search_page_on_a_phone_with_the_search_tips_open(browser, site: str):
    page, _errors = new_page(browser, bypass_csp=True, viewport={"width": 375, "height": 800})
    try:
        page.goto(site + "/?per_page=2")
        page.get_by_text("Suchtipps").click()
        assert_accessible(page, "a phone-sized window with the search tips open")
    finally:
        page.close()


def test_search_page_with_the_suggestions_open(site: str, page):
    page.goto(site + "/?q=Sozialticket")
    box = page.locator("#q")
    box.press("End")
    box.press_sequentially(" s", delay=20)
    page.locator("[role=option]").first.wait_for()
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true" and box.get_attribute("aria-activedescendant")
    assert_accessible(page, "the search page with the suggestions open, the second one active")


def test_statistics_with_every_table_open(site: str, page):
    page.goto(site + "/statistik")
    for details in page.locator("details.stats-table").all():
        details.locator("summary").click()
    assert page.locator("details.stats-table[open]").count() == 5
    assert_accessible(page, "the statistics with their data tables open")


def test_document_with_the_citation_open(site: str, page):
    page.goto(site + "/dokument/1")
    page.get_by_text("Zitieren", exact=True).click()
    assert page.locator("details.cite[open] pre.cite-bibtex").is_visible()
    assert_accessible(page, "a document with its Zitieren box open")


def test_pagination_has_a_disabled_previous_link(site: str, page):
    page.goto(site + "/?per_page=2")
    assert page.locator(".pagination .disabled").first.inner_text().strip() == "‹ Zurück"


def test_search_pages_have_one_h1_and_no_skipped_heading_level(site: str, page):
    for path in ("/", "/?q=Sozialticket&doc_type=antrag", "/?q=Quantenverschränkungsantrag"):
        page.goto(site + path)
        levels = [int(tag[1]) for tag in page.eval_on_selector_all(
            "main h1, main h2, main h3, main h4", "els => els.map(e => e.tagName.toLowerCase())")]
        assert levels.count(1) == 1 and levels[0] == 1, (path, levels)
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)


STAFF_PAGES = {
    "upload": "/hochladen",
    "review queue": "/zu-pruefen",
    "review of one document": "/dokument/1/pruefen",
    "import log": "/import-protokoll",
    "document, as staff": "/dokument/2",
    "accounts (admin)": "/konten",
    "audit log (admin)": "/protokoll",
    "audit log, filtered (admin)": "/protokoll?aktion=login&dokument=zwei",
}


def test_staff_pages_have_no_axe_violations(site: str, page):
    page.goto(site + "/anmelden?next=/hochladen")
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/hochladen$"))
    failures = []
    for what, path in STAFF_PAGES.items():
        page.goto(site + path)
        assert page.url.endswith(path), f"not logged in: {page.url}"
        violations = axe_violations(page)
        if violations:
            failures.append(f"axe on {what} ({path}):\n{report(violations)}")
    assert not failures, "\n".join(failures)


def test_review_form_with_errors_has_no_axe_violations(site: str, page):
    page.goto(site + "/anmelden?next=/dokument/3/pruefen")
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/dokument/3/pruefen$"))
    page.get_by_label("Kommune").fill("Brühl")  # ambiguous without its Kreis: an error message at the field
    page.get_by_label("Kreis", exact=True).fill("")
    page.get_by_label("Bundesland").select_option("")
    page.get_by_role("button", name="Speichern und bestätigen").click()
    page.locator(".field-error").first.wait_for()
    assert_accessible(page, "the review form with errors")


def test_accounts_page_with_an_error_has_no_axe_violations(site: str, page):
    page.goto(site + "/anmelden?next=/konten")
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/konten$"))
    page.get_by_label("Name", exact=True).fill("mit leerzeichen")  # refused by the server: no account is made
    page.get_by_label("Passwort", exact=True).fill("lange-geheime-phrase")
    page.get_by_role("button", name="Konto anlegen").click()
    page.locator(".notice-error").first.wait_for()
    assert_accessible(page, "the accounts page with an error")
