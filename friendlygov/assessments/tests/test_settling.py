"""A recognition settles every unit it covers: the qualified units are listed and recognised at
their level; the covered units that did not qualify become "not recognised" without being listed
(or ticked in advance) in a decision titled "công nhận"."""

import html
import io
import zipfile

import pytest
from django.urls import reverse

from friendlygov.assessments import documents, services
from friendlygov.assessments.models import Decision
from friendlygov.assessments.testing import LEGAL_BASES, appraise
from friendlygov.assessments.workflow import Status


@pytest.fixture
def failed(appraised_units, people, kim_thanh_chair):
    """A fourth Kim Thành commune appraised below the standard."""
    taken = [a.pk for a in appraised_units]
    unit = (
        appraised_units[0]
        .cycle.assessments.filter(body=appraised_units[0].body, status=Status.DRAFT)
        .exclude(pk__in=taken)
        .order_by("unit__code")
        .first()
    )
    unit = appraise(unit, chair=kim_thanh_chair, appraiser=people["appraiser"].user, lower_by=12)
    assert unit.final_level == 0, unit.final_score
    return unit


def test_the_draft_page_ticks_only_the_units_that_qualify(appraised_units, failed, people):
    page = people["head"].get(reverse("assessments:decision_new", args=[failed.body_id]))
    assert failed.pk not in page.context["chosen"]
    assert [a.pk for a in page.context["unqualified"]] == [failed.pk]
    qualified = {a.pk for a in appraised_units if a.final_level}
    assert qualified and qualified <= page.context["chosen"]
    assert "Đơn vị không đạt chuẩn" in page.text


def test_issuing_settles_every_covered_unit_and_lists_only_the_recognised(appraised_units, failed, people):
    head = people["head"]
    qualified = [a for a in appraised_units if a.final_level]
    form = {
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn An",
        "legal_bases": LEGAL_BASES,
        "assessments": [a.pk for a in [*qualified, failed]],
    }
    assert head.post(reverse("assessments:decision_new", args=[failed.body_id]), form).status_code == 302
    decision = Decision.objects.get()
    assert head.post(reverse("assessments:decision_issue", args=[decision.pk])).status_code == 302

    for assessment in qualified:
        assessment.refresh_from_db()
        assert (assessment.status, assessment.is_decided) == (Status.RECOGNISED, True)
    failed.refresh_from_db()
    assert failed.status == Status.NOT_RECOGNISED
    assert failed.decided_at is not None

    with zipfile.ZipFile(io.BytesIO(documents.decision_docx(decision))) as package:
        xml = package.read("word/document.xml").decode()
    assert failed.unit.name not in xml
    assert all(a.unit.name in xml for a in qualified)
    # The summary names only the unit types it covers (here communes and a township, no ward).
    assert sorted({a.unit.type for a in qualified}) == ["thi_tran", "xa"]
    assert f"Công nhận {len(qualified)} xã, thị trấn đạt chuẩn" in xml
    assert "phường" not in xml
    assert "không được công nhận" not in xml

    page = head.get(reverse("assessments:decision_detail", args=[decision.pk]))
    listed, apart = page.context["items"], page.context["settled_apart"]
    assert [item.assessment_id for item in apart] == [failed.pk]
    assert {item.assessment_id for item in listed} == {a.pk for a in qualified}
    assert "Đơn vị không được công nhận" in page.text


def test_a_decision_that_recognises_none_lists_the_units_it_refuses(failed, people):
    decision = services.draft_decision(
        failed.body,
        assessments=[failed],
        signed_on="2025-01-15",
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=people["head"].user,
    )
    listed, apart = documents.listed_and_apart(decision, documents.decision_items(decision))
    assert ([item.assessment_id for item in listed], apart) == ([failed.pk], [])


def test_a_unit_not_recognised_shows_its_reasons_on_the_public_page_the_api_and_the_export(
    failed, people, anonymous
):
    from openpyxl import load_workbook

    assert failed.final_reasons  # stored with the result when the appraisal was approved
    head = people["head"]
    decision = services.draft_decision(
        failed.body,
        assessments=[failed],
        signed_on="2025-01-15",
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=head.user,
    )
    assert decision.items.get().reasons == failed.final_reasons
    services.issue_decision(decision, actor=head.user)

    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    assert all(html.escape(reason) in page.text for reason in failed.final_reasons)

    lines = head.get("/api/v1/cycles/2024/results", {"unit": failed.unit.code}).json()["items"]
    assert [line["reasons"] for line in lines] == [failed.final_reasons]

    from friendlygov.reports.exports import export_cycle

    book = load_workbook(io.BytesIO(export_cycle(failed.cycle, head.user)))
    cells = [str(cell.value) for row in book.worksheets[0].iter_rows() for cell in row if cell.value]
    assert "; ".join(failed.final_reasons) in cells


def test_the_communes_page_gives_the_reasons_its_decision_rests_on(failed, people):
    head = people["head"]
    decision = services.draft_decision(
        failed.body,
        assessments=[failed],
        signed_on="2025-01-15",
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=head.user,
    )
    services.issue_decision(decision, actor=head.user)
    page = head.get(reverse("reports:commune", args=[failed.pk]))
    assert page.status_code == 200
    assert "Không được công nhận vì chưa đạt điều kiện bắt buộc" in page.text
    assert all(html.escape(reason) in page.text for reason in failed.final_reasons)
