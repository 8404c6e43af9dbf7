"""The printable reports: one commune, one cycle; as .docx, as PDF, and a friendly 503 without
LibreOffice."""

import copy
import io
import zipfile
from datetime import date
from decimal import Decimal
from html import escape

import pytest
from django.db import transaction
from django.urls import reverse
from docx import Document

from friendlygov.assessments.services import issue_decision
from friendlygov.assessments.testing import draft_for
from friendlygov.core.testing import needs_libreoffice, printed_pages
from friendlygov.core.testing_db import building
from friendlygov.frameworks.describe import num
from friendlygov.reports import cycle_report, report_documents
from friendlygov.reports.models import ImportedResult


def text_of(docx_bytes) -> str:
    document = Document(io.BytesIO(docx_bytes))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_it_writes_the_commune_report_in_vietnamese_on_a4(issued, dong_cam, people):
    dong_cam.refresh_from_db()
    docx = report_documents.commune_docx(people["officer"].user, dong_cam)
    document = Document(io.BytesIO(docx))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    assert document.styles["Normal"].font.name == "Times New Roman"
    text = text_of(docx)
    assert "BÁO CÁO" in text
    assert "Kết quả đánh giá Xã Đồng Cẩm (mã 10804)" in text
    assert "Kết quả theo tiêu chí" in text
    assert "Để đạt mức tiếp theo" in text
    assert report_documents.points(dong_cam.final_score) in text


def test_it_writes_the_cycle_report_with_targets_and_gaps(issued, admin_client):
    summary = cycle_report.cycle_overview(admin_client.user, 2024)
    text = text_of(report_documents.cycle_docx(summary))
    assert "BÁO CÁO" in text and "I. KẾT QUẢ CHUNG" in text
    target = summary.targets[0]
    assert target.rule.describe() in text
    assert ("đạt mục tiêu" if target.met else f"còn thiếu {target.gap_units} đơn vị so với mục tiêu") in text
    assert len(summary.rows) == summary.cycle_total
    assert "Xã Đồng Cẩm" in text


def test_it_scopes_the_cycle_report_by_the_policy(issued, people):
    summary = cycle_report.cycle_overview(people["officer"].user, 2024)
    assert [row.unit.name for row in summary.rows] == ["Xã Đồng Cẩm"]
    assert not summary.whole_cycle
    assert "trong phạm vi được xem: 1 trong" in text_of(report_documents.cycle_docx(summary))


def test_it_answers_404_for_a_cycle_the_user_cannot_see(cycle_2024, signed_in):
    assert signed_in.get(reverse("reports:cycle_pdf", args=[2024])).status_code == 404


@pytest.fixture(scope="module")
def _served_for_module(_appraised_units_for_module, _people_for_module, django_db_blocker) -> dict:
    """Both reports as their pages serve them once a decision is issued (the commune's to its
    officer, the cycle's to the district's appraiser), fetched once for the module: each PDF is a
    LibreOffice start. Made in a savepoint rolled back at once; only the responses are kept."""
    needs_libreoffice()
    people = _people_for_module["people"]
    units = copy.deepcopy(_appraised_units_for_module["appraised_units"])
    with building(django_db_blocker), transaction.atomic():
        issue_decision(draft_for(units, people["head"].user, "15/QĐ-UBND"), actor=people["head"].user)
        responses = {
            "commune": people["officer"].get(reverse("reports:commune_pdf", args=[units[0].pk])),
            "cycle": people["appraiser"].get(reverse("reports:cycle_pdf", args=[2024])),
        }
        transaction.set_rollback(True)
    return responses


@pytest.fixture
def served(_served_for_module, appraised_units, people) -> dict:
    """(Asking for what it is built on orders its tests after those that do not use it.)"""
    return _served_for_module


def test_it_serves_both_pdfs(served):
    for response in served.values():
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_it_answers_a_friendly_503_without_libreoffice(dong_cam, people, monkeypatch):
    monkeypatch.setattr(report_documents, "soffice_path", lambda: None)
    response = people["officer"].get(reverse("reports:commune_pdf", args=[dong_cam.pk]))
    assert response.status_code == 503
    assert "Chưa tạo được bản PDF" in response.content.decode()
    response = people["officer"].get(reverse("reports:cycle_pdf", args=[2024]))
    assert response.status_code == 503


def test_the_commune_report_names_a_past_result_imported_from_a_file(issued, dong_cam, people):
    ImportedResult.objects.create(
        year=2023,
        unit=dong_cam.unit,
        final_score=Decimal("88.25"),
        level=2,
        decision_number="15/QĐ-UBND",
        decision_date=date(2024, 1, 20),
        source_name="ket-qua-2023.xlsx",
        source_sha256="0" * 64,
    )
    dong_cam.refresh_from_db()
    text = text_of(report_documents.commune_docx(people["officer"].user, dong_cam))
    assert "Xã Đồng Cẩm (nhập từ tệp, QĐ số 15/QĐ-UBND)" in text
    assert report_documents.points(Decimal("88.25")) in text


def test_an_unfinished_assessment_s_report_says_it_is_provisional(dong_cam, people):
    from friendlygov.assessments.testing import quick_fill_self

    quick_fill_self(dong_cam)
    scores = list(dong_cam.scores.order_by("indicator__criterion__order", "indicator__order"))
    unscored = scores[-3:]
    dong_cam.scores.filter(pk__in=[s.pk for s in unscored]).update(self_points=None, self_value=None)
    text = text_of(report_documents.commune_docx(people["officer"].user, dong_cam))
    done = len(scores) - len(unscored)
    assert f"tạm tính — chưa hoàn thành ({done}/{len(scores)} chỉ tiêu)" in text
    assert "Mức dự kiến" in text


def test_the_lift_advice_names_the_failed_condition_before_the_next_band(dong_cam, people):
    from friendlygov.assessments.testing import quick_fill_self
    from friendlygov.reports import explain

    quick_fill_self(dong_cam)
    scores = list(dong_cam.scores.select_related("indicator__criterion"))
    first = min(s.indicator.criterion.order for s in scores)
    for score in scores:  # every indicator at its maximum but those of the first criterion, at 0
        zero = score.indicator.criterion.order == first
        score.self_points = Decimal(0) if zero else score.indicator.max_points
    dong_cam.scores.bulk_update(scores, ["self_points"])
    x = explain.explain(people["officer"].user, dong_cam)
    failed = [f for f in x.failures if f.criterion]
    assert failed and x.level == 0 and x.score >= 80
    advice = [a.text for a in x.advice]
    assert advice[0] == f"Chưa được công nhận vì chưa đạt điều kiện: {failed[0].reason}."
    assert advice[1].startswith("Trước hết, để đạt điều kiện và được công nhận: cải thiện")
    assert advice[1].endswith(
        f"tổng điểm khi đó {num(x.lift.score_after)} — Mức {x.lift.score_after // 5 - 15}."
    )
    assert x.lift.gated_criteria == (failed[0].criterion,)
    text = text_of(report_documents.commune_docx(people["officer"].user, dong_cam))
    for line in advice:  # the report says what the page says
        assert line in text
    page = people["officer"].get(reverse("reports:commune", args=[dong_cam.pk])).content.decode()
    assert escape(advice[0]) in page


def document_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml").decode()


FRAME_PARTS = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: ",
    "BÁO CÁO",
    "Nơi nhận:",
)


def test_the_cycle_report_is_an_administrative_document_with_its_narrative(issued, admin_client):
    summary = cycle_report.cycle_overview(admin_client.user, 2024)
    docx = report_documents.cycle_docx(summary)
    xml = document_xml(docx)
    for part in (
        *FRAME_PARTS,
        "/BC-UBND",
        "ỦY BAN NHÂN DÂN",
        "TỈNH HẢI DƯƠNG",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    ):
        assert escape(part, quote=False) in xml, part
    assert "Hải Dương, ngày" in xml
    text = text_of(docx)
    for section in (
        "I. KẾT QUẢ CHUNG",
        "II. KẾT QUẢ SO VỚI MỤC TIÊU",
        "III. KẾT QUẢ THEO ĐƠN VỊ HÀNH CHÍNH CẤP HUYỆN",
        "IV. CÁC ĐƠN VỊ KHÔNG ĐƯỢC CÔNG NHẬN VÀ LÝ DO",
        "V. NHỮNG NỘI DUNG CÒN HẠN CHẾ",
        "VI. SO VỚI NĂM TRƯỚC",
        "VII. KIẾN NGHỊ, ĐỀ XUẤT",
        "PHỤ LỤC",
    ):
        assert section in text, section
    assert f"Năm 2024 có {summary.units_total} đơn vị cấp xã được đánh giá" in text
    assert "Huyện Kim Thành" in text  # the former district of each unit, in its own column
    assert "Bộ Nội vụ (để báo cáo);" in text
    assert Document(io.BytesIO(docx)).core_properties.author == "Ủy ban nhân dân tỉnh Hải Dương"


def test_the_commune_report_is_framed_and_signed_by_the_appraising_body(issued, dong_cam, people):
    dong_cam.refresh_from_db()
    xml = document_xml(report_documents.commune_docx(people["officer"].user, dong_cam))
    for part in (*FRAME_PARTS, "/BC-UBND", "HUYỆN KIM THÀNH", "TM. ỦY BAN NHÂN DÂN", "Kim Thành, ngày"):
        assert escape(part, quote=False) in xml, part


def test_the_reports_print_numbered_from_page_2_without_a_blank_page(served):
    for name, response in (
        ("cycle-report-2024", served["cycle"]),
        ("commune-report-2024", served["commune"]),
    ):
        pages = printed_pages(response.content, name)
        assert len(pages) >= 2, name
        assert all(page.strip() for page in pages), name  # no blank page
        first_lines = [next(line.strip() for line in page.splitlines() if line.strip()) for page in pages]
        assert first_lines[0] != "1"
        assert first_lines[1:] == [str(number) for number in range(2, len(pages) + 1)], name


def test_both_reports_download_as_editable_word_files(issued, dong_cam, people, admin_client):
    docx = admin_client.get(reverse("reports:cycle_docx", args=[2024]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert 'filename="bao-cao-dot-danh-gia-2024.docx"' in docx["Content-Disposition"]
    commune = people["officer"].get(reverse("reports:commune_docx", args=[dong_cam.pk]))
    assert commune.status_code == 200 and commune.content.startswith(b"PK")
    assert (
        people["outsider_commune"].get(reverse("reports:commune_docx", args=[dong_cam.pk])).status_code == 404
    )
