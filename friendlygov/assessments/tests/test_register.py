"""The register of decisions through pages and the API: a revocation undoes only what its target
still decides, the public page reads the decision in force, and every request the state refuses
answers 409 or 422 with a message, never 500."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from friendlygov.assessments import register, services
from friendlygov.assessments.models import Decision, DecisionItem
from friendlygov.assessments.testing import LEGAL_BASES, draft_for
from friendlygov.assessments.workflow import Status

API = "/api/v1"


def legacy_second_recognition(issued, assessment, number, level):
    """A second issued recognition of a unit, as a register written before the services refused
    one held it: two decisions in force."""
    decision = Decision.objects.create(
        cycle=issued.cycle,
        body=issued.body,
        number=number,
        signed_on=date(2025, 1, 10),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        created_by=issued.created_by,
    )
    DecisionItem.objects.create(
        decision=decision, assessment=assessment, final_score=assessment.final_score, level=level
    )
    Decision.objects.filter(pk=decision.pk).update(
        state=Decision.State.ISSUED, issued_at=timezone.now() + timedelta(minutes=1)
    )
    Assessment = type(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(final_level=level, status=Status.RECOGNISED)
    return Decision.objects.get(pk=decision.pk)


def public_rows(anonymous):
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    return {row.assessment_id: (row.decision_number, row.level) for row in page.context["rows"]}


def test_revoking_one_of_two_decisions_in_force_leaves_the_unit_with_the_other(
    issued, appraised_units, people, anonymous
):
    unit = appraised_units[0]
    unit.refresh_from_db()
    first_level = issued.items.get(assessment=unit).level
    second = legacy_second_recognition(issued, unit, "16/QĐ-UBND", level=1)
    assert [item.decision_id for item in register.in_force_for(unit)] == [second.pk, issued.pk]
    assert public_rows(anonymous)[unit.pk] == ("16/QĐ-UBND", 1)

    head = people["head"]
    revocation = draft_for([unit], head.user, "40/QĐ-UBND", supersedes=second, kind="revocation", day=20)
    response = head.post(f"{API}/decisions/{revocation.pk}/issue")
    assert response.status_code == 200
    unit.refresh_from_db()
    assert (unit.status, unit.final_level) == (Status.RECOGNISED, first_level)
    assert register.in_force(unit) == issued
    assert public_rows(anonymous)[unit.pk] == ("15/QĐ-UBND", first_level)
    assert head.get(f"{API}/assessments/{unit.pk}").json()["status"] == "recognised"

    last = draft_for([unit], head.user, "41/QĐ-UBND", supersedes=issued, kind="revocation", day=21)
    assert head.post(f"{API}/decisions/{last.pk}/issue").status_code == 200
    unit.refresh_from_db()
    assert unit.status == Status.APPRAISED
    assert unit.pk not in public_rows(anonymous)


def test_revoking_the_older_of_two_in_force_leaves_the_unit_untouched(issued, appraised_units, people):
    unit = appraised_units[0]
    legacy_second_recognition(issued, unit, "16/QĐ-UBND", level=1)
    revocation = draft_for(
        [unit], people["head"].user, "40/QĐ-UBND", supersedes=issued, kind="revocation", day=20
    )
    services.issue_decision(revocation, actor=people["head"].user)
    unit.refresh_from_db()
    assert (unit.status, unit.final_level) == (Status.RECOGNISED, 1)
    assert register.in_force(unit).number == "16/QĐ-UBND"


def test_a_revocation_page_offers_only_the_units_its_target_still_decides(
    issued, appraised_units, people, anonymous
):
    head = people["head"]
    replaced, *rest = appraised_units
    replacement = draft_for([replaced], head.user, "17/QĐ-UBND", supersedes=issued)
    services.issue_decision(replacement, actor=head.user)

    page = head.get(reverse("assessments:decision_revoke", args=[issued.pk]))
    assert page.status_code == 200
    assert replaced.unit.name not in page.text
    assert all(a.unit.name in page.text for a in rest)
    form = {"number": "40/QĐ-UBND", "signed_on": "2025-01-20", "signer_name": "Nguyễn Văn An"}
    head.post(reverse("assessments:decision_revoke", args=[issued.pk]), {**form, "legal_bases": LEGAL_BASES})
    revocation = Decision.objects.get(number="40/QĐ-UBND")
    assert set(revocation.items.values_list("assessment_id", flat=True)) == {a.pk for a in rest}

    response = head.post(reverse("assessments:decision_issue", args=[revocation.pk]))
    assert response.status_code == 302
    for assessment in rest:
        assessment.refresh_from_db()
        assert assessment.status == Status.APPRAISED
    replaced.refresh_from_db()
    assert replaced.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
    assert public_rows(anonymous) == {replaced.pk: ("17/QĐ-UBND", replacement.items.get().level)}
    # Nothing is left for a revocation of the first decision to name.
    again = head.get(reverse("assessments:decision_revoke", args=[issued.pk]))
    assert again.status_code == 409
    assert "không còn quyết định đơn vị nào" in again.text


def test_the_api_refuses_a_revocation_of_a_unit_its_target_no_longer_decides(issued, appraised_units, people):
    head = people["head"]
    unit = appraised_units[0]
    services.issue_decision(draft_for([unit], head.user, "17/QĐ-UBND", supersedes=issued), actor=head.user)
    payload = {
        "body_id": unit.body_id,
        "assessment_ids": [unit.pk],
        "number": "18/QĐ-UBND",
        "signed_on": "2025-01-20",
        "signer_name": "Nguyễn Văn An",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương"],
        "kind": "revocation",
        "supersedes_id": issued.pk,
    }
    response = head.post(f"{API}/decisions", payload, content_type="application/json")
    assert response.status_code == 422
    assert "17/QĐ-UBND" in response.json()["error"]["message"]


def test_issuing_a_revocation_whose_unit_was_revoked_since_answers_422_not_500(
    issued, appraised_units, people
):
    head = people["head"]
    unit = appraised_units[0]
    drafts = [
        draft_for([unit], head.user, f"{n}/QĐ-UBND", supersedes=issued, kind="revocation") for n in (40, 41)
    ]
    assert head.post(f"{API}/decisions/{drafts[0].pk}/issue").status_code == 200
    refused = head.post(f"{API}/decisions/{drafts[1].pk}/issue")
    assert refused.status_code == 422
    assert "chưa có quyết định nào đang có hiệu lực" in refused.json()["error"]["message"]
    page = head.post(reverse("assessments:decision_issue", args=[drafts[1].pk]))
    assert page.status_code == 422
    assert "chưa có quyết định nào đang có hiệu lực" in page.text
    assert Decision.objects.get(pk=drafts[1].pk).state == Decision.State.DRAFT


def test_a_replacement_of_a_revoked_decision_is_refused_with_422(issued, appraised_units, people):
    head = people["head"]
    unit = appraised_units[0]
    replacement = draft_for([unit], head.user, "17/QĐ-UBND", supersedes=issued)
    revocation = draft_for([unit], head.user, "40/QĐ-UBND", supersedes=issued, kind="revocation")
    services.issue_decision(revocation, actor=head.user)
    response = head.post(f"{API}/decisions/{replacement.pk}/issue")
    assert response.status_code == 422
    unit.refresh_from_db()
    assert unit.status == Status.APPRAISED


def test_pages_and_api_answer_409_or_422_for_what_the_state_refuses(appraised_units, people):
    head = people["head"]
    first, second = (draft_for(appraised_units, head.user, f"{n}/QĐ-UBND") for n in (15, 16))
    assert head.post(reverse("assessments:decision_issue", args=[first.pk])).status_code == 302

    again = head.post(reverse("assessments:decision_issue", args=[first.pk]))
    assert again.status_code == 409
    assert "đã được ban hành và không thể thay đổi" in again.text
    assert "Xác nhận ban hành" not in again.text
    assert head.post(f"{API}/decisions/{first.pk}/issue").status_code == 409

    # The second draft names the same units: issuing it would put two decisions in force.
    refused = head.post(reverse("assessments:decision_issue", args=[second.pk]))
    assert refused.status_code == 422
    assert "15/QĐ-UBND" in refused.text
    api = head.post(f"{API}/decisions/{second.pk}/issue")
    assert api.status_code == 422
    assert "15/QĐ-UBND" in api.json()["error"]["message"]

    assert head.get(reverse("assessments:decision_revoke", args=[second.pk])).status_code == 409
    empty = head.post(
        reverse("assessments:decision_new", args=[first.body_id]),
        {"number": "50", "signed_on": "2025-01-15", "signer_name": "A", "legal_bases": LEGAL_BASES},
    )
    assert empty.status_code == 422
    assert Decision.objects.get(pk=second.pk).state == Decision.State.DRAFT
