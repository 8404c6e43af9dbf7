"""Schemathesis against the OpenAPI document: every operation, with generated valid and invalid
input, as a commune officer, an appraiser and an administrator of the small demo (tokens).

Run with `make fuzz` (not part of `make test`: the file name keeps pytest from collecting it).
Deterministic: derandomized Hypothesis, FUZZ_EXAMPLES examples (default 10) per operation and
persona, no example database. Each
operation's examples share one database transaction, rolled back at the end of the operation."""

import os
import re
from collections import defaultdict

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from friendlygov.api import tokens

# The demo's accounts (friendlygov/demo): the commune officer of Kim Thành, the appraiser of the
# provincial Department of Home Affairs, and the administrator.
PERSONAS = {"officer": "canbo.kimthanh", "appraiser": "thamdinh.sonoivu", "admin": "admin"}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _no_office(monkeypatch):
    """LibreOffice takes seconds a document: here the .docx is built for real and its conversion
    answers a fixed PDF. The conversion is tested in assessments/tests/test_decisions_documents.py."""
    from friendlygov.assessments import documents

    monkeypatch.setattr(documents, "docx_to_pdf", lambda docx, stem, *, soffice: b"%PDF-1.4\n%%EOF\n")


@pytest.fixture(params=list(PERSONAS))
def bearer(request, django_db_blocker, db):
    user = get_user_model().objects.get(username=PERSONAS[request.param])
    _, secret = tokens.create_token(user, name="fuzz", actor=user)
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_fails_or_breaks_its_schema(case, bearer):
    response = case.call_and_validate(headers=bearer, checks=CHECKS)
    SEEN[(case.operation.method.lower(), case.operation.path)].add(response.status_code)


# Every status the fuzzing met, by operation (method, path template); checked by the last test.
SEEN: dict[tuple[str, str], set[int]] = defaultdict(set)
METHODS = ("get", "post", "put", "patch", "delete")


def test_methods_a_path_does_not_offer_answer_405(bearer):
    """OpenAPI has no place for the methods a path lacks: each operation of the path documents
    405, so each of them is charged with what those methods answered."""
    client = Client()
    for path, item in schema.raw_schema["paths"].items():
        url = re.sub(r"{[^}]+}", "1", path)
        for method in sorted(set(METHODS) - set(item)):
            answer = client.generic(method.upper(), url, headers=bearer)
            assert answer.status_code == 405, (method, path, answer.status_code)
            assert answer["Allow"] == ", ".join(sorted(m.upper() for m in item)), (method, path)
            for offered in item:
                SEEN[(offered, path)].add(answer.status_code)


def test_every_status_observed_in_the_fuzzing_is_documented():
    """Runs last: the ledger of the tests above against the document, operation by operation."""
    paths = schema.raw_schema["paths"]
    assert len(SEEN) == sum(len(item) for item in paths.values()), "an operation was not fuzzed"
    undocumented = sorted(
        (method, path, status)
        for (method, path), statuses in SEEN.items()
        for status in statuses
        if str(status) not in paths[path][method]["responses"]
    )
    assert undocumented == []
    print("\nstatuses observed:", sorted({status for statuses in SEEN.values() for status in statuses}))
