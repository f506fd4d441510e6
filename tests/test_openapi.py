"""The OpenAPI description on the real app: schemathesis generates requests for every public operation and
checks that none gives a server error and every response matches the description; the /api page renders it."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_app


@pytest.fixture
def api_schema(store_dir: Path):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", make_app(store_dir))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_described(case):
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])


def test_the_description_is_openapi_3_1_and_names_every_public_endpoint(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    public = {rule.rule.replace("<int:doc_id>", "{doc_id}") for rule in client.application.url_map.iter_rules()
              if rule.rule.startswith("/api/") or rule.rule == "/feed.atom"}
    assert public - {"/api/openapi.json"} == set(spec["paths"])


def test_the_api_page_is_made_by_the_app(client):
    html = client.get("/api").get_data(as_text=True)
    assert "<h1>Antragsarchiv API</h1>" in html and "GET /api/search" in html and "/api/openapi.json" in html
    assert "<script" not in html.split("</head>")[1]
