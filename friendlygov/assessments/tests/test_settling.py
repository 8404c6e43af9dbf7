"""A recognition settles every unit it covers: the qualified units are listed and recognised at
their level; the covered units that did not qualify become "not recognised" without being listed
(or ticked in advance) in a decision titled "công nhận"."""

import html
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from friendlygov.assessments import documents, public_results, services
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

    # And the commune's printable report, numbered from page 2 in the same Decree 30 frame.
    from docx import Document

    from friendlygov.reports.report_documents import commune_docx

    failed.refresh_from_db()
    report = Document(io.BytesIO(commune_docx(head.user, failed)))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Không được công nhận vì chưa đạt điều kiện bắt buộc:" in text
    assert all(f"- {reason}" in text for reason in failed.final_reasons)
    assert " PAGE " in report.sections[0].header._element.xml


def _issued_over(units, head):
    decision = services.draft_decision(
        units[0].body,
        assessments=units,
        signed_on="2025-01-15",
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=head,
    )
    return services.issue_decision(decision, actor=head)


def _report_rows(docx: bytes) -> dict:
    from docx import Document

    table = Document(io.BytesIO(docx)).tables[1]  # the heading is table 0
    assert [cell.text for cell in table.rows[0].cells] == [
        "STT",
        "Đơn vị",
        "Điểm",
        "Kết quả",
        "Lý do không đạt chuẩn",
    ]
    return {row.cells[1].text: [cell.text for cell in row.cells] for row in table.rows[1:]}


def test_the_appraisal_report_lists_every_covered_unit_and_the_reasons_of_those_not_recognised(
    appraised_units, failed, people
):
    head = people["head"]
    qualified = [a for a in appraised_units if a.final_level]
    decision = _issued_over([*qualified, failed], head.user)

    response = head.get(reverse("assessments:decision_report_docx", args=[decision.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    rows = _report_rows(response.content)
    assert len(rows) == len(qualified) + 1
    row = rows[f"{failed.unit.name} ({failed.unit.code})"]
    assert row[3] == "Không đạt chuẩn"
    assert row[4] == "; ".join(failed.final_reasons)
    for unit in qualified:
        assert rows[f"{unit.unit.name} ({unit.unit.code})"][3:] == [f"Mức {unit.final_level}", ""]
    text = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "không công nhận 1 đơn vị" in text
    assert "BÁO CÁO" in text

    # The decision's API answer carries the reasons too.
    items = head.get(f"/api/v1/decisions/{decision.pk}").json()["items"]
    assert {item["assessment_id"]: item["reasons"] for item in items}[failed.pk] == failed.final_reasons


def test_a_revocation_has_no_appraisal_report(issued, people):
    revocation = services.draft_decision(
        issued.body,
        assessments=[item.assessment for item in issued.items.all()],
        signed_on="2025-01-20",
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=people["head"].user,
        supersedes=issued,
        kind=Decision.Kind.REVOCATION,
    )
    response = people["head"].get(reverse("assessments:decision_report_docx", args=[revocation.pk]))
    assert response.status_code == 404


def _backfill():
    """The data migration's step that recovers reasons (found by name, whatever its number)."""
    from django.db.migrations.loader import MigrationLoader

    for migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values():
        for operation in migration.operations:
            if getattr(getattr(operation, "code", None), "__name__", "") == "reasons_from_the_appraisal":
                return operation.code
    raise AssertionError("the reasons backfill migration is missing")


def test_a_decision_issued_before_reasons_were_stored_gets_them_from_the_appraisal(failed, people):
    from django.apps import apps

    decision = _issued_over([failed], people["head"].user)
    item = decision.items.get()
    type(item).objects.filter(pk=item.pk).update(reasons=[])  # as stored before reasons existed

    _backfill()(apps, None)
    item.refresh_from_db()
    assert item.reasons == failed.final_reasons


def test_without_any_reason_on_record_the_page_and_the_report_say_so(failed, people, anonymous):
    from friendlygov.assessments.models import Assessment

    decision = _issued_over([failed], people["head"].user)
    row_name = f"{failed.unit.name} ({failed.unit.code})"
    # Below every band, the score is the reason and nothing is missing.
    assert failed.final_score < 80
    item = decision.items.get()
    type(item).objects.filter(pk=item.pk).update(reasons=[])
    Assessment.objects.filter(pk=failed.pk).update(final_reasons=[])
    public_results.forget()  # changed behind the services' back, which would say so themselves
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    assert "Lý do chưa ghi trong hồ sơ." not in page.text
    rows = _report_rows(documents.appraisal_report_docx(decision))
    assert rows[row_name][4] == "Tổng điểm dưới 80,00 điểm"

    # A band reached and no reason on record: said so, not left blank.
    type(item).objects.filter(pk=item.pk).update(final_score=Decimal("85.73"))
    public_results.forget()
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    assert "Lý do chưa ghi trong hồ sơ." in page.text
    rows = _report_rows(documents.appraisal_report_docx(decision))
    assert rows[row_name][4] == documents.REASONS_NOT_RECORDED


def test_a_cycle_counts_as_decided_once_every_unit_is_settled_recognised_or_not(
    appraised_units, failed, people
):
    """Counted over the units the decision covers: undecided until it is issued, then every one
    decided, the unqualified unit among them at level 0 (not left out, not undecided)."""
    from friendlygov.assessments.models import Assessment
    from friendlygov.reports.selectors import cycle_counts

    qualified = [a for a in appraised_units if a.final_level]
    covered = Assessment.objects.filter(pk__in=[a.pk for a in [*qualified, failed]])
    assert cycle_counts(failed.cycle, covered).decided == 0
    form = {
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn An",
        "legal_bases": LEGAL_BASES,
        "assessments": [a.pk for a in covered],
    }
    people["head"].post(reverse("assessments:decision_new", args=[failed.body_id]), form)
    people["head"].post(reverse("assessments:decision_issue", args=[Decision.objects.get().pk]))

    counts = cycle_counts(failed.cycle, covered)
    assert counts.units_total == counts.decided == len(qualified) + 1
    assert counts.by_level[0] == 1
