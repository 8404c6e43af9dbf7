"""Decision pages through HTTP: who drafts, issues, revokes and downloads, and who gets 403 / 404."""

import html
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from friendlygov.accounts.models import Role
from friendlygov.assessments import decision_text
from friendlygov.assessments.models import Decision, IssuedDecisionImmutable
from friendlygov.assessments.testing import LEGAL_BASES, district
from friendlygov.assessments.workflow import Status


@pytest.fixture
def outsider_head(persona, cycle_2024):
    return persona(Role.APPRAISAL_HEAD, district("Huyện Thanh Hà"))


def form_data(number="15", **extra):
    return {
        "number": number,
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn An",
        "legal_bases": LEGAL_BASES,
        **extra,
    }


def test_it_lets_the_head_draft_then_issue_a_decision(appraised_units, people):
    head = people["head"]
    body = appraised_units[0].body
    page = head.get(reverse("assessments:decision_new", args=[body.pk]))
    assert page.status_code == 200
    for law in decision_text.laws_in_force(timezone.localdate()):  # the law on today's date
        assert html.escape(law) in page.text
    for assessment in appraised_units:
        assert assessment.unit.name in page.text

    chosen = [a.pk for a in appraised_units[:2]]
    response = head.post(
        reverse("assessments:decision_new", args=[body.pk]), form_data(assessments=chosen), follow=True
    )
    decision = Decision.objects.get()
    assert decision.number == "15/QĐ-UBND"
    assert decision.state == Decision.State.DRAFT
    assert sorted(decision.items.values_list("assessment_id", flat=True)) == sorted(chosen)
    assert "Đã lập dự thảo quyết định số 15/QĐ-UBND" in response.text

    confirm = head.get(reverse("assessments:decision_issue", args=[decision.pk]))
    assert "Xác nhận ban hành" in confirm.text
    decision.refresh_from_db()
    assert decision.state == Decision.State.DRAFT

    response = head.post(reverse("assessments:decision_issue", args=[decision.pk]), follow=True)
    assert "Đã ban hành quyết định số 15/QĐ-UBND" in response.text
    decision.refresh_from_db()
    assert decision.state == Decision.State.ISSUED
    for assessment in appraised_units[:2]:
        assessment.refresh_from_db()
        assert assessment.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
    appraised_units[2].refresh_from_db()
    assert appraised_units[2].status == Status.APPRAISED


def test_it_shows_service_errors_on_the_page_and_creates_nothing(appraised_units, people):
    body = appraised_units[0].body
    response = people["head"].post(reverse("assessments:decision_new", args=[body.pk]), form_data())
    assert response.status_code == 422
    assert "Cần chọn ít nhất một đơn vị" in response.text
    assert not Decision.objects.exists()


def test_it_refuses_the_appraiser_with_403(appraised_units, draft, people):
    appraiser = people["appraiser"]
    body = appraised_units[0].body
    assert appraiser.get(reverse("assessments:decision_new", args=[body.pk])).status_code == 403
    response = appraiser.post(
        reverse("assessments:decision_new", args=[body.pk]),
        form_data(assessments=[a.pk for a in appraised_units]),
    )
    assert response.status_code == 403
    assert Decision.objects.count() == 1


def test_it_hides_drafts_from_everyone_but_the_head(draft, people):
    for who in ("appraiser", "officer", "outsider_district"):
        client = people[who]
        assert client.get(reverse("assessments:decision_detail", args=[draft.pk])).status_code == 404
        assert client.post(reverse("assessments:decision_issue", args=[draft.pk])).status_code == 404
        assert client.get(reverse("assessments:decision_docx", args=[draft.pk])).status_code == 404
        assert draft.number not in client.get(reverse("assessments:decision_list")).text
    draft.refresh_from_db()
    assert draft.state == Decision.State.DRAFT
    assert draft.number in people["head"].get(reverse("assessments:decision_list")).text


def test_it_gives_an_outsider_district_head_404(appraised_units, draft, outsider_head):
    body = appraised_units[0].body
    assert outsider_head.get(reverse("assessments:decision_new", args=[body.pk])).status_code == 404
    assert outsider_head.get(reverse("assessments:decision_detail", args=[draft.pk])).status_code == 404
    assert outsider_head.post(reverse("assessments:decision_issue", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.state == Decision.State.DRAFT


def test_it_keeps_an_issued_decision_immutable(issued, people):
    issued.refresh_from_db()
    response = people["head"].post(reverse("assessments:decision_issue", args=[issued.pk]), follow=True)
    assert "đã được ban hành và không thể thay đổi" in response.text
    issued.signer_name = "Người khác"
    with pytest.raises(IssuedDecisionImmutable):
        issued.save()
    assert Decision.objects.get(pk=issued.pk).signer_name == "Nguyễn Văn An"


def test_it_lets_others_see_an_issued_decision_but_not_revoke_it(issued, people, outsider_head):
    url = reverse("assessments:decision_detail", args=[issued.pk])
    for client in (people["appraiser"], outsider_head):
        page = client.get(url)
        assert page.status_code == 200
        assert "Lập quyết định thu hồi" not in page.text
    assert (
        people["appraiser"].get(reverse("assessments:decision_revoke", args=[issued.pk])).status_code == 403
    )
    assert (
        outsider_head.post(
            reverse("assessments:decision_revoke", args=[issued.pk]), form_data("40")
        ).status_code
        == 403
    )
    assert Decision.objects.count() == 1


def test_a_revocation_sends_the_units_back_to_appraised_and_points_at_the_old_decision(
    issued, appraised_units, people
):
    head = people["head"]
    detail = head.get(reverse("assessments:decision_detail", args=[issued.pk]))
    assert "Lập quyết định thu hồi" in detail.text
    response = head.post(
        reverse("assessments:decision_revoke", args=[issued.pk]), form_data("40/QĐ-UBND"), follow=True
    )
    revocation = Decision.objects.get(number="40/QĐ-UBND")
    assert (revocation.kind, revocation.supersedes) == (Decision.Kind.REVOCATION, issued)
    assert set(revocation.items.values_list("assessment_id", flat=True)) == {a.pk for a in appraised_units}
    assert "Đã lập dự thảo quyết định số 40/QĐ-UBND thu hồi quyết định số 15/QĐ-UBND" in response.text

    head.post(reverse("assessments:decision_issue", args=[revocation.pk]))
    for assessment in appraised_units:
        assessment.refresh_from_db()
        assert assessment.status == Status.APPRAISED
    old_page = head.get(reverse("assessments:decision_detail", args=[issued.pk]))
    assert "40/QĐ-UBND" in old_page.text
    assert "Lập quyết định thu hồi" not in old_page.text
    new_page = head.get(reverse("assessments:decision_detail", args=[revocation.pk]))
    assert reverse("assessments:decision_detail", args=[issued.pk]) in new_page.text


def test_it_lets_whoever_may_see_a_decision_download_it(issued, draft, people):
    response = people["appraiser"].get(reverse("assessments:decision_docx", args=[issued.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="QD-CONG-NHAN-15-QD-UBND-2025-UBND-HUYEN-KIM-THANH.docx"'
    )
    assert response.content.startswith(b"PK")
    assert people["head"].get(reverse("assessments:decision_docx", args=[draft.pk])).status_code == 200


def test_it_explains_with_503_when_the_pdf_cannot_be_made(issued, people, monkeypatch):
    from friendlygov.assessments import documents

    monkeypatch.setattr(documents, "soffice_path", lambda: None)
    response = people["head"].get(reverse("assessments:decision_pdf", args=[issued.pk]))
    assert response.status_code == 503
    assert "LibreOffice" in response.text
    assert reverse("assessments:decision_docx", args=[issued.pk]) in response.text


@pytest.mark.parametrize(
    "name", ["decision_list", "decision_detail", "decision_docx", "decision_pdf", "decision_report_docx"]
)
def test_it_sends_anonymous_visitors_to_sign_in(issued, anonymous, name):
    args = [] if name == "decision_list" else [issued.pk]
    response = anonymous.get(reverse(f"assessments:{name}", args=args))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_lists_visible_decisions_with_a_link_to_each(issued, people):
    page = people["officer"].get(reverse("assessments:decision_list"))
    assert page.status_code == 200
    assert reverse("assessments:decision_detail", args=[issued.pk]) in page.text
    assert "Lập dự thảo quyết định" not in page.text


def test_the_signing_date_is_kept_as_entered(issued):
    assert Decision.objects.get(pk=issued.pk).signed_on == date(2025, 1, 5)


def test_it_leaves_units_already_in_a_draft_unticked_and_says_so(draft, appraised_units, people):
    page = people["head"].get(reverse("assessments:decision_new", args=[appraised_units[0].body.pk]))
    assert page.context["chosen"] == set()
    assert "Đã có trong dự thảo số 15/QĐ-UBND" in page.text


def test_the_draft_page_offers_the_signing_modes_of_a_collective_and_keeps_what_is_chosen(
    appraised_units, people
):
    head = people["head"]
    url = reverse("assessments:decision_new", args=[appraised_units[0].body.pk])
    page = head.get(url)
    modes = [value for value, _label in page.context["form"].fields["signing_mode"].choices]
    assert modes == ["tm", "kt", "q"]  # a People's Committee decides as a collective
    assert not page.context["form"].initial.get("signer_name")  # not whoever is logged in
    assert "Nơi nhận" in page.text and "Như Điều 3;" in page.text

    refused = head.post(url, form_data(assessments=[appraised_units[0].pk], signing_mode="direct"))
    assert refused.status_code == 422
    assert not Decision.objects.exists()

    head.post(
        url,
        form_data(
            assessments=[appraised_units[0].pk],
            signing_mode="kt",
            recipients="Như Điều 3\nSở Nội vụ (để theo dõi)\nLưu: VT, NV",
        ),
    )
    decision = Decision.objects.get()
    assert (decision.signing_mode, decision.signer_title) == ("kt", "PHÓ CHỦ TỊCH")
    detail = head.get(reverse("assessments:decision_detail", args=[decision.pk]))
    assert "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in detail.text
    assert "- Sở Nội vụ (để theo dõi);" in detail.text and "- Lưu: VT, NV." in detail.text
