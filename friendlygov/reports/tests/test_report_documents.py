"""The printable reports: one commune, one cycle; as .docx, as PDF, and a friendly 503 without
LibreOffice."""

import io
from datetime import date
from decimal import Decimal

from django.urls import reverse
from docx import Document

from friendlygov.core.testing import needs_libreoffice
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
    assert "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ" in text
    assert "Xã Đồng Cẩm" in text
    assert "Kết quả theo tiêu chí" in text
    assert "Để đạt mức tiếp theo" in text
    assert report_documents.points(dong_cam.final_score) in text


def test_it_writes_the_cycle_report_with_targets_and_gaps(issued, admin_client):
    summary = cycle_report.cycle_overview(admin_client.user, 2024)
    text = text_of(report_documents.cycle_docx(summary))
    assert "BÁO CÁO KẾT QUẢ ĐỢT ĐÁNH GIÁ NĂM 2024" in text
    assert "Phân bố theo mức" in text
    target = summary.targets[0]
    assert target.rule.describe() in text
    assert ("Đạt" if target.met else f"Còn thiếu {target.gap_units} đơn vị") in text
    assert len(summary.rows) == summary.cycle_total
    assert "Xã Đồng Cẩm" in text


def test_it_scopes_the_cycle_report_by_the_policy(issued, people):
    summary = cycle_report.cycle_overview(people["officer"].user, 2024)
    assert [row.unit.name for row in summary.rows] == ["Xã Đồng Cẩm"]
    assert not summary.whole_cycle
    assert "Phạm vi: 1 trong" in text_of(report_documents.cycle_docx(summary))


def test_it_answers_404_for_a_cycle_the_user_cannot_see(cycle_2024, signed_in):
    assert signed_in.get(reverse("reports:cycle_pdf", args=[2024])).status_code == 404


def test_it_serves_both_pdfs(issued, dong_cam, people):
    needs_libreoffice()
    response = people["officer"].get(reverse("reports:commune_pdf", args=[dong_cam.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = people["appraiser"].get(reverse("reports:cycle_pdf", args=[2024]))
    assert response.status_code == 200
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
