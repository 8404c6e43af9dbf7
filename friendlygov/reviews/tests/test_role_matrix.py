"""The role × action matrix of review requests, through the pages: who may file, assign, answer,
draft the corrective decision and read. Every other persona is refused and changes nothing."""

import pytest
from django.urls import reverse

from friendlygov.accounts.models import Role
from friendlygov.assessments import services as assessment_services
from friendlygov.assessments.models import Assessment, Decision
from friendlygov.assessments.testing import district
from friendlygov.audit.models import AuditEvent
from friendlygov.reviews import services
from friendlygov.reviews.models import ReviewRequest
from friendlygov.reviews.testing import issue_on_6_january, named_and_other, on

pytestmark = pytest.mark.django_db

PERSONAS = (
    "officer",
    "chair",
    "appraiser",
    "other_appraiser",
    "head",
    "outsider_commune",
    "outsider_district",
)
# Who may take each action; everyone else is refused.
MATRIX = {
    "file": {"chair"},
    "assign": {"head"},
    "accept": {"head", "appraiser"},  # the head, or the appraiser it was assigned to
    "reject": {"head", "appraiser"},
    "correct": {"head"},
    "read": {"officer", "chair", "appraiser", "other_appraiser", "head"},
}


@pytest.fixture
def everyone(people, persona):
    return {**people, "other_appraiser": persona(Role.APPRAISER, district("Huyện Kim Thành"))}


@pytest.fixture
def decided(draft, everyone):
    issue_on_6_january(draft, everyone["head"].user)
    return draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment


def filed(assessment, people):
    named, _ = named_and_other(assessment)
    with on(2025, 1, 10):
        return services.file_request(
            assessment,
            indicators=[named.indicator],
            reasons="Đã nộp đủ biên bản.",
            actor=people["chair"].user,
        )


def assigned(assessment, people):
    request = filed(assessment, people)
    with on(2025, 1, 11):
        services.assign_request(request, appraiser=people["appraiser"].user, actor=people["head"].user)
    return request


def reappraised(assessment, people):
    request = assigned(assessment, people)
    named, _ = named_and_other(assessment)
    with on(2025, 1, 12):
        services.accept_request(request, answer="Chấp nhận.", actor=people["head"].user)
        named.refresh_from_db()
        assessment_services.save_appraised_score(
            named,
            expected_version=named.version,
            actor=people["appraiser"].user,
            appraised_value=named.indicator.max_points,
            appraisal_comment="Đủ căn cứ.",
        )
        assessment_services.approve_appraisal(assessment, actor=people["appraiser"].user)
    return request


def post_for(action, assessment, request, people):
    if action == "file":
        named, _ = named_and_other(assessment)
        return reverse("reviews:file", args=[assessment.pk]), {
            "indicators": [named.indicator_id],
            "reasons": "Đã nộp đủ biên bản.",
        }
    if action == "assign":
        return reverse("reviews:assign", args=[request.pk]), {"appraiser": people["appraiser"].user.pk}
    if action in ("accept", "reject"):
        return reverse("reviews:answer", args=[request.pk]), {"outcome": action, "answer": "Đã xem xét."}
    return reverse("reviews:correct", args=[request.pk]), {
        "number": "",
        "signed_on": "2025-01-14",
        "signer_name": "Nguyễn Văn An",
        "legal_bases": "Căn cứ kết quả xem xét kiến nghị;",
    }


PREPARE = {"file": None, "assign": filed, "accept": assigned, "reject": assigned, "correct": reappraised}


def fingerprint():
    return (
        list(ReviewRequest.objects.order_by("pk").values()),
        list(Assessment.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Decision.objects.order_by("pk").values_list("pk", "state")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("action", list(PREPARE))
@pytest.mark.parametrize("who", [*PERSONAS, "anonymous"])
def test_only_the_roles_in_the_matrix_act(action, who, decided, everyone, anonymous):
    prepare = PREPARE[action]
    request = prepare(decided, everyone) if prepare else None
    url, data = post_for(action, decided, request, everyone)
    client = anonymous if who == "anonymous" else everyone[who]
    before = fingerprint()

    with on(2025, 1, 14):
        response = client.post(url, data)

    if who in MATRIX[action]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert fingerprint() != before
        return
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in (403, 404)
    assert fingerprint() == before


@pytest.mark.parametrize("who", [*PERSONAS, "anonymous"])
def test_only_the_roles_in_the_matrix_read(who, decided, everyone, anonymous):
    request = filed(decided, everyone)
    client = anonymous if who == "anonymous" else everyone[who]
    for url in (reverse("reviews:detail", args=[request.pk]), reverse("reviews:list")):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302
        elif url.endswith("/reviews/"):
            shown = "Xã Đồng Cẩm" in response.content.decode()
            assert shown == (who in MATRIX["read"])
        else:
            assert response.status_code == (200 if who in MATRIX["read"] else 404)
