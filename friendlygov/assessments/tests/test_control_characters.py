"""Control characters XML cannot hold: the API refuses them, pages drop them, and documents
never answer 500 for text stored before (an \\x01 in one note broke a whole group's template)."""

import pytest
from django.urls import reverse

from friendlygov.assessments.models import Decision, IndicatorScore

pytestmark = pytest.mark.django_db

PASTED = "Biên bản\x0bsố\x01 12"


def first_score(assessment):
    return assessment.scores.select_related("indicator").order_by("indicator__order").first()


def test_the_api_refuses_them_and_saves_nothing(dong_cam, people):
    score = first_score(dong_cam)
    response = people["officer"].patch(
        f"/api/v1/assessments/{dong_cam.pk}/scores/{score.indicator.code}",
        {"version": score.version, "explanation": PASTED},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "ký tự điều khiển" in response.json()["error"]["details"][0]["msg"]
    score.refresh_from_db()
    assert score.explanation == "" and score.version == 1


def test_a_page_drops_them_from_what_is_pasted(dong_cam, people):
    score = first_score(dong_cam)
    people["officer"].post(
        reverse("assessments:save_self", args=[dong_cam.pk, score.pk]),
        {"version": score.version, "explanation": PASTED},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME="explanation",
    )
    score.refresh_from_db()
    assert score.explanation == "Biên bảnsố 12"


def test_documents_are_written_whatever_was_stored_before(issued, dong_cam, people):
    IndicatorScore.objects.filter(pk=first_score(dong_cam).pk).update(explanation=PASTED)
    Decision.objects.filter(pk=issued.pk).update(signer_name="Nguyễn Văn\x01 A", number="15/QĐ\x0b-UBND")
    template = people["officer"].get(
        reverse("reports:self_assessment_template", args=[dong_cam.cycle.year]), {"unit": dong_cam.unit.code}
    )
    assert template.status_code == 200
    docx = people["head"].get(reverse("assessments:decision_docx", args=[issued.pk]))
    assert docx.status_code == 200
    export = people["head"].get(reverse("reports:export_cycle", args=[dong_cam.cycle.year]))
    assert export.status_code == 200
