"""Decisions through the API: heads draft and issue, drafts stay with them, issued ones never change,
and the documents download as attachments."""

import pytest
from django.urls import reverse

from friendlygov.assessments import documents, services
from friendlygov.assessments.models import Decision
from friendlygov.assessments.testing import approve_in_time, fill_self
from friendlygov.audit.models import AuditEvent
from friendlygov.core.office import PdfUnavailable

API = "/api/v1"


@pytest.fixture
def appraised(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.copy_self_to_appraisal(dong_cam, actor=people["appraiser"].user)
    approve_in_time(dong_cam, actor=people["appraiser"].user)
    dong_cam.refresh_from_db()
    return dong_cam


def draft_payload(assessment, **changes):
    return {
        "body_id": assessment.body_id,
        "assessment_ids": [assessment.pk],
        "number": "15/QĐ-UBND",
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn A",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương", "Căn cứ Quyết định số 25/2021/QĐ-TTg"],
        **changes,
    }


def draft(client, assessment, **changes):
    return client.post(
        f"{API}/decisions", draft_payload(assessment, **changes), content_type="application/json"
    )


def test_a_unit_not_yet_appraised_cannot_be_decided(dong_cam, people):
    response = draft(people["head"], dong_cam)
    assert response.status_code == 422
    assert "chưa được duyệt kết quả thẩm định" in response.json()["error"]["message"]
    assert not Decision.objects.exists()


def test_the_head_drafts_sees_and_issues_and_an_issued_decision_is_final(appraised, people):
    head = people["head"]
    created = draft(head, appraised, assessment_ids=[appraised.pk, appraised.pk])
    assert created.status_code == 201
    decision = created.json()
    assert decision["legal_bases"] == draft_payload(appraised)["legal_bases"]
    assert decision["unit_count"] == 1
    assert [d["id"] for d in head.get(f"{API}/decisions").json()["items"]] == [decision["id"]]
    assert head.get(f"{API}/decisions?state=issued").json()["count"] == 0

    assert head.post(f"{API}/decisions/{decision['id']}/issue").status_code == 200
    again = head.post(f"{API}/decisions/{decision['id']}/issue")
    assert again.status_code == 409  # a conflict with the decision's state, not a bad payload
    assert again.json()["error"]["code"] == "immutable"
    assert "đã được ban hành" in again.json()["error"]["message"]
    assert AuditEvent.objects.filter(event_type="decision.issued").count() == 1

    for who in ("officer", "appraiser", "outsider_district"):
        seen = people[who].get(f"{API}/decisions/{decision['id']}")
        assert seen.status_code == 200, who
        assert seen.json()["actions"] == []


def test_a_revocation_supersedes_an_issued_decision_and_reopens_the_unit(appraised, people):
    head = people["head"]
    first = draft(head, appraised).json()
    head.post(f"{API}/decisions/{first['id']}/issue")
    revocation = draft(head, appraised, number="20/QĐ-UBND", kind="revocation", supersedes_id=first["id"])
    assert revocation.status_code == 201
    assert revocation.json()["supersedes_id"] == first["id"]
    issued = head.post(f"{API}/decisions/{revocation.json()['id']}/issue")
    assert issued.status_code == 200
    assert head.get(f"{API}/assessments/{appraised.pk}").json()["status"] == "appraised"


def test_a_head_cannot_revoke_another_bodys_decision(appraised, people):
    """POST /decisions accepted any issued decision as supersedes_id, another body's included."""
    from friendlygov.assessments.models import AppraisingBody

    other = AppraisingBody.objects.exclude(pk=appraised.body_id).get(cycle=appraised.cycle)
    foreign = Decision.objects.create(
        cycle=other.cycle,
        body=other,
        number="72/QĐ-UBND",
        signed_on="2025-01-10",
        signer_name="Trần Văn B",
        legal_bases="Căn cứ",
        state=Decision.State.ISSUED,
        created_by=people["head"].user,
    )
    response = draft(people["head"], appraised, kind="revocation", supersedes_id=foreign.pk)
    assert response.status_code == 422
    assert "cơ quan khác" in response.json()["error"]["message"]
    assert not Decision.objects.filter(supersedes=foreign).exists()
    foreign.refresh_from_db()
    assert foreign.is_issued


def test_a_head_cannot_supersede_a_draft(appraised, people):
    head = people["head"]
    first = draft(head, appraised).json()
    response = draft(head, appraised, number="20/QĐ-UBND", kind="revocation", supersedes_id=first["id"])
    assert response.status_code == 422
    assert "chưa ban hành" in response.json()["error"]["message"]


def test_the_decision_downloads_as_an_editable_docx(appraised, people):
    decision = draft(people["head"], appraised).json()
    response = people["head"].get(f"{API}/decisions/{decision['id']}/docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"PK")


def test_the_api_names_a_decision_file_as_the_page_does(appraised, people, monkeypatch):
    decision = draft(people["head"], appraised).json()
    monkeypatch.setattr(documents, "decision_pdf", lambda decision: b"%PDF-1.4 test")
    for kind in ("docx", "pdf"):
        from_api = people["head"].get(f"{API}/decisions/{decision['id']}/{kind}")
        from_page = people["head"].get(reverse(f"assessments:decision_{kind}", args=[decision["id"]]))
        assert (
            from_api["Content-Disposition"]
            == f'attachment; filename="DU-THAO-QD-CONG-NHAN-15-QD-UBND-2025-UBND-HUYEN-KIM-THANH.{kind}"'
        )
        assert from_api["Content-Disposition"] == from_page["Content-Disposition"]
        assert from_api["Content-Type"] == from_page["Content-Type"]


def test_the_pdf_is_a_download_or_a_503_in_the_error_shape(appraised, people, monkeypatch):
    decision = draft(people["head"], appraised).json()
    path = f"{API}/decisions/{decision['id']}/pdf"

    def unavailable(decision):
        raise PdfUnavailable("Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF.")

    monkeypatch.setattr(documents, "decision_pdf", unavailable)
    response = people["head"].get(path)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "pdf_unavailable"

    monkeypatch.setattr(documents, "decision_pdf", lambda decision: b"%PDF-1.4 test")
    response = people["head"].get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_two_drafts_cannot_both_put_a_unit_in_force(appraised, people):
    """Two drafts made while the unit was appraised were both issued: two decisions in force."""
    head = people["head"]
    first = draft(head, appraised).json()
    second = draft(head, appraised, number="16/QĐ-UBND").json()
    assert head.post(f"{API}/decisions/{first['id']}/issue").status_code == 200
    refused = head.post(f"{API}/decisions/{second['id']}/issue")
    assert refused.status_code == 422
    assert "15/QĐ-UBND" in refused.json()["error"]["message"]
    assert Decision.objects.get(pk=second["id"]).state == Decision.State.DRAFT
    appraised.refresh_from_db()
    assert appraised.status == "recognised"
    from friendlygov.assessments.register import in_force

    assert in_force(appraised).pk == first["id"]


def test_a_decision_no_longer_in_force_cannot_be_revoked_and_a_replacement_stays(appraised, people):
    head = people["head"]
    first = draft(head, appraised).json()
    head.post(f"{API}/decisions/{first['id']}/issue")
    replacement = draft(head, appraised, number="17/QĐ-UBND", supersedes_id=first["id"]).json()
    assert head.post(f"{API}/decisions/{replacement['id']}/issue").status_code == 200
    # Refused as soon as it is drafted: the first decision no longer decides the unit.
    refused = draft(head, appraised, number="18/QĐ-UBND", kind="revocation", supersedes_id=first["id"])
    assert refused.status_code == 422
    assert "17/QĐ-UBND" in refused.json()["error"]["message"]
    appraised.refresh_from_db()
    assert appraised.status == "recognised"


def test_revoking_a_unit_the_target_never_decided_answers_422(appraised, people):
    """A revocation naming a unit that was never decided used to answer 500 (IntegrityError)."""
    from friendlygov.assessments.models import Assessment

    head = people["head"]
    first = draft(head, appraised).json()
    head.post(f"{API}/decisions/{first['id']}/issue")
    never = Assessment.objects.filter(body=appraised.body).exclude(pk=appraised.pk).first()
    payload = {"assessment_ids": [appraised.pk, never.pk], "number": "19/QĐ-UBND", "kind": "revocation"}
    refused = draft(head, appraised, supersedes_id=first["id"], **payload)
    assert refused.status_code == 422
    assert never.unit.name in refused.json()["error"]["message"]
    assert not Decision.objects.filter(kind="revocation").exists()


def test_the_signing_mode_and_recipients_are_drafted_changed_and_checked(appraised, people):
    head = people["head"]
    created = draft(head, appraised, signing_mode="kt", recipients=["Như Điều 3", "Lưu: VT"])
    assert created.status_code == 201
    decision = created.json()
    assert decision["heading"] == ["ỦY BAN NHÂN DÂN", "HUYỆN KIM THÀNH"]
    assert decision["authority_line"] == "ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH"
    assert decision["signature"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert decision["recipients"] == ["- Như Điều 3;", "- Lưu: VT."]

    url = f"{API}/decisions/{decision['id']}"
    refused = head.patch(url, {"signing_mode": "direct"}, content_type="application/json")
    assert refused.status_code == 422
    assert "được ký TM." in refused.json()["error"]["message"]
    unknown = head.patch(url, {"signing_mode": "boss"}, content_type="application/json")
    assert unknown.status_code == 422
    assert head.get(url).json()["signing_mode"] == "kt"  # nothing changed

    changed = head.patch(url, {"signing_mode": "tm"}, content_type="application/json").json()
    assert changed["signature"] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert changed["signer_title"] == ""
