"""The assessment area's 2024 cycle and personas, reused; evidence files land in a temporary folder."""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def small_pdf() -> bytes:
    """A real one-page PDF, built by hand with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def token_client(user, **token_fields):
    """A cookie-less client that sends a fresh personal API token of `user`, as a program does.
    Enforces CSRF like a browser would, so a token request that needed it would fail."""
    from django.test import Client

    from friendlygov.api import tokens

    token, secret = tokens.create_token(user, name="test", actor=user, **token_fields)
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {secret}"})
    client.user, client.token, client.secret = user, token, secret
    return client


@pytest.fixture
def programs(people):
    """The same personas as `people`, each as a program holding a token instead of a session."""
    return {who: token_client(client.user) for who, client in people.items()}


def criteria_of(assessment) -> list[str]:
    """The codes of the criteria an assessment's indicators belong to, in their order."""
    rows = assessment.scores.order_by("indicator__criterion__order").values_list(
        "indicator__criterion__code", flat=True
    )
    return list(dict.fromkeys(rows))


def accept_every_criterion(client, assessment) -> list[dict]:
    """The appraiser accepts the commune's values criterion by criterion, as the API allows."""
    url = f"/api/v1/assessments/{assessment.pk}/copy-self-to-appraisal"
    answers = []
    for code in criteria_of(assessment):
        response = client.post(f"{url}?criterion={code}", {}, content_type="application/json")
        assert response.status_code == 200, response.content.decode()
        answers.append(response.json())
    return answers
