"""Numbers and dates of decisions through pages and the API: a register per issuing authority and
calendar year (across cycles), numbered at issuance, held by a database constraint; signing dates
that are not in the future, not before what the decision rests on, and outside the decision
window only with a reason; drafts editable until issued."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from friendlygov.assessments import register, services
from friendlygov.assessments.models import AppraisingBody, Cycle, Decision
from friendlygov.assessments.testing import LEGAL_BASES, draft_for

API = "/api/v1"
REASON = "Chờ kết quả giải quyết kiến nghị của xã."


def issue(client, decision, **body):
    url = f"{API}/decisions/{decision.pk}/issue"
    if not body:
        return client.post(url)
    return client.post(url, body, content_type="application/json")


def message(response) -> str:
    return response.json()["error"]["message"]


def issued_elsewhere(body, *, year, serial, number=None):
    """An issued decision of the same authority in another cycle (as the register sees it)."""
    cycle, _ = Cycle.objects.get_or_create(
        year=body.cycle.year + 1,
        defaults={
            "name": "Đánh giá năm sau",
            "framework": body.cycle.framework,
            "self_assessment_opens": date(2025, 10, 1),
            "self_assessment_closes": date(2025, 11, 30),
            "appraisal_deadline": date(2025, 12, 31),
            "decision_from": date(2026, 1, 1),
            "decision_until": date(2026, 1, 31),
        },
    )
    other, _ = AppraisingBody.objects.get_or_create(
        cycle=cycle,
        unit=body.unit,
        defaults={
            "name": body.name,
            "issuing_authority": body.issuing_authority.lower(),  # the same authority, written otherwise
            "place_name": body.place_name,
        },
    )
    return Decision.objects.create(
        cycle=cycle,
        body=other,
        number=number or f"{serial:02d}/QĐ-UBND",
        authority=body.issuing_authority.upper(),
        register_year=year,
        serial=serial,
        signed_on=date(year, 1, 2),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        state=Decision.State.ISSUED,
        issued_at=timezone.now(),
        created_by=_someone(),
    )


def _someone():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.order_by("pk").first()


# --- Numbers ------------------------------------------------------------------------------------


def test_a_draft_needs_no_number_and_the_issue_gives_the_next_free_one(appraised_units, people):
    head = people["head"]
    payload = {
        "body_id": appraised_units[0].body_id,
        "assessment_ids": [appraised_units[0].pk],
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn An",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương"],
    }
    created = head.post(f"{API}/decisions", payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["number"] == ""
    assert created.json()["suggested_number"] == "01/QĐ-UBND"
    assert "chưa cấp số" in head.get(reverse("assessments:decision_detail", args=[created.json()["id"]])).text

    first = Decision.objects.get(pk=created.json()["id"])
    assert issue(head, first).json()["number"] == "01/QĐ-UBND"
    second = draft_for(appraised_units[1:], head.user)
    page = head.get(reverse("assessments:decision_issue", args=[second.pk]))
    assert page.context["form"].initial["number"] == "02/QĐ-UBND"
    assert 'value="02/QĐ-UBND"' in page.text
    assert issue(head, second).json()["number"] == "02/QĐ-UBND"
    assert sorted(Decision.objects.values_list("serial", flat=True)) == [1, 2]


def test_the_register_spans_cycles_and_starts_again_each_calendar_year(appraised_units, people):
    head = people["head"]
    body = appraised_units[0].body
    issued_elsewhere(body, year=2025, serial=7)
    issued_elsewhere(body, year=2024, serial=15)  # last year's 15 does not hold this year's
    decision = draft_for(appraised_units[:1], head.user)
    assert register.next_number(decision) == "08/QĐ-UBND"
    refused = issue(head, decision, number="07/QĐ-UBND")
    assert refused.status_code == 422
    assert "đã cấp cho quyết định số 07/QĐ-UBND" in message(refused)
    assert issue(head, decision, number="15/QĐ-UBND").status_code == 200


@pytest.mark.parametrize("number", ["abc", "5/QĐ-UBND", "005/QĐ-UBND", "15/QĐ UBND", "15"])
def test_a_malformed_number_is_refused_by_the_api(number, appraised_units, people):
    head = people["head"]
    payload = {
        "body_id": appraised_units[0].body_id,
        "assessment_ids": [appraised_units[0].pk],
        "number": number,
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn An",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương"],
    }
    drafted = head.post(f"{API}/decisions", payload, content_type="application/json")
    assert drafted.status_code == 422
    assert "12/QĐ-UBND" in message(drafted) or "05" in message(drafted)
    decision = draft_for(appraised_units[:1], head.user)
    refused = issue(head, decision, number=number)
    assert refused.status_code == 422
    assert Decision.objects.get(pk=decision.pk).state == Decision.State.DRAFT


def test_the_issue_page_refuses_malformed_and_duplicate_numbers_with_422(issued, appraised_units, people):
    head = people["head"]
    # The issued decision holds 15/QĐ-UBND; a revocation drafted now cannot take it too.
    revocation = draft_for(appraised_units[:1], head.user, supersedes=issued, kind="revocation", day=20)
    url = reverse("assessments:decision_issue", args=[revocation.pk])
    for number, said in (("abc", "không đúng dạng"), ("15/QĐ-UBND", "đã cấp cho quyết định số 15/QĐ-UBND")):
        response = head.post(url, {"number": number, "signed_on": "2025-01-20"})
        assert response.status_code == 422, number
        assert said in response.text
    # A number typed alone takes the body's symbol and its leading zero.
    assert head.post(url, {"number": "9", "signed_on": "2025-01-20"}).status_code == 302
    revocation.refresh_from_db()
    assert (revocation.number, revocation.serial, revocation.register_year) == ("09/QĐ-UBND", 9, 2025)


def test_the_database_holds_one_number_per_authority_and_year(issued):
    issued.refresh_from_db()
    assert (issued.authority, issued.register_year, issued.serial) == (
        "ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH",
        2025,
        15,
    )
    twin = Decision(
        cycle=issued.cycle,
        body=issued.body,
        number="15/QĐ-UBND",
        authority=issued.authority,
        register_year=2025,
        serial=15,
        signed_on=date(2025, 1, 6),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        state=Decision.State.ISSUED,
        created_by=issued.created_by,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    twin.register_year = 2026  # the same số next year is another number
    twin.save()


# --- Dates --------------------------------------------------------------------------------------


def test_a_future_date_is_refused_on_the_page_and_the_api(appraised_units, people):
    head = people["head"]
    decision = draft_for(appraised_units[:1], head.user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = issue(head, decision, signed_on=tomorrow.isoformat(), date_reason=REASON)
    assert refused.status_code == 422
    assert "tương lai" in message(refused)
    page = head.post(
        reverse("assessments:decision_issue", args=[decision.pk]),
        {"signed_on": tomorrow.isoformat(), "date_reason": REASON},
    )
    assert page.status_code == 422
    assert "tương lai" in page.text
    far = issue(head, decision, signed_on="9999-12-31", date_reason=REASON)
    assert far.status_code == 422


def test_a_date_before_the_units_approval_is_refused(appraised_units, people):
    head = people["head"]
    decision = draft_for(appraised_units[:1], head.user)
    for day in ("2024-12-19", "0001-01-01"):
        refused = issue(head, decision, signed_on=day, date_reason=REASON)
        assert refused.status_code == 422, day
        assert "trước ngày duyệt kết quả thẩm định" in message(refused)
    assert Decision.objects.get(pk=decision.pk).state == Decision.State.DRAFT


def test_a_revocation_dated_before_the_decision_it_revokes_is_refused(issued, appraised_units, people):
    head = people["head"]
    revocation = draft_for(appraised_units[:1], head.user, supersedes=issued, kind="revocation", day=4)
    refused = issue(head, revocation)
    assert refused.status_code == 422
    assert "trước ngày ký quyết định số 15/QĐ-UBND" in message(refused)


def test_a_date_outside_the_window_is_accepted_only_with_a_reason(appraised_units, people):
    head = people["head"]
    decision = draft_for(appraised_units[:1], head.user)
    refused = issue(head, decision, signed_on="2025-02-10")
    assert refused.status_code == 422
    assert "cần ghi lý do" in message(refused)
    page = head.post(reverse("assessments:decision_issue", args=[decision.pk]), {"signed_on": "2025-02-10"})
    assert page.status_code == 422
    assert "cần ghi lý do" in page.text

    accepted = head.post(
        reverse("assessments:decision_issue", args=[decision.pk]),
        {"signed_on": "2025-02-10", "date_reason": REASON},
    )
    assert accepted.status_code == 302
    decision.refresh_from_db()
    assert (decision.signed_on, decision.date_reason, decision.number) == (
        date(2025, 2, 10),
        REASON,
        "01/QĐ-UBND",
    )
    assert REASON in head.get(reverse("assessments:decision_detail", args=[decision.pk])).text
    assert head.get(f"{API}/decisions/{decision.pk}").json()["date_reason"] == REASON


# --- Drafts stay editable -----------------------------------------------------------------------


def test_the_head_edits_a_draft_on_its_page_until_it_is_issued(appraised_units, people):
    head = people["head"]
    decision = draft_for(appraised_units[:1], head.user)
    url = reverse("assessments:decision_edit", args=[decision.pk])
    page = head.get(url)
    assert page.status_code == 200
    assert all(a.unit.name in page.text for a in appraised_units)
    form = {
        "number": "",
        "signed_on": "2025-01-20",
        "signer_name": "Trần Thị Bình",
        "legal_bases": LEGAL_BASES,
        "assessments": [a.pk for a in appraised_units[1:]],
    }
    assert head.post(url, form).status_code == 302
    decision.refresh_from_db()
    assert (decision.signed_on, decision.signer_name) == (date(2025, 1, 20), "Trần Thị Bình")
    assert set(decision.items.values_list("assessment_id", flat=True)) == {a.pk for a in appraised_units[1:]}
    assert head.post(url, {**form, "number": "abc"}).status_code == 422

    services.issue_decision(decision, actor=head.user)
    refused = head.post(url, form)
    assert refused.status_code == 409
    assert "không thể thay đổi" in refused.text
    assert people["appraiser"].get(url).status_code in (403, 404)


def test_the_api_changes_a_draft_and_never_an_issued_decision(appraised_units, people):
    head = people["head"]
    decision = draft_for(appraised_units[:1], head.user)
    url = f"{API}/decisions/{decision.pk}"
    changed = head.patch(
        url, {"signed_on": "2025-01-22", "number": "21/QĐ-UBND"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["signed_on"], changed.json()["number"]) == ("2025-01-22", "21/QĐ-UBND")
    assert changed.json()["actions"] == ["edit", "issue"]
    assert head.patch(url, {"number": "21"}, content_type="application/json").status_code == 422
    assert issue(head, decision).json()["number"] == "21/QĐ-UBND"
    refused = head.patch(url, {"signer_name": "Người khác"}, content_type="application/json")
    assert refused.status_code == 409
    assert people["appraiser"].patch(
        url, {"signer_name": "X"}, content_type="application/json"
    ).status_code in (
        403,
        404,
    )


def test_a_draft_without_a_number_leaves_the_so_blank_in_its_document(appraised_units, people):
    import io
    import zipfile

    from friendlygov.assessments import documents

    decision = draft_for(appraised_units[:1], people["head"].user)
    with zipfile.ZipFile(io.BytesIO(documents.decision_docx(decision))) as package:
        xml = package.read("word/document.xml").decode()
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/QĐ-UBND" in xml
    name = f"DU-THAO-QD-CONG-NHAN-{decision.pk}-2025-UBND-HUYEN-KIM-THANH.docx"
    assert documents.decision_filename(decision, "docx") == name
    with zipfile.ZipFile(io.BytesIO(documents.decision_docx(decision))) as package:
        headers = [package.read(name).decode() for name in package.namelist() if "word/header" in name]
    # "DỰ THẢO" across every page: in the first page's header and in the other pages'.
    assert len(headers) == 2
    assert all('string="DỰ THẢO"' in header for header in headers)
