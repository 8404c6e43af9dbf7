"""The decision as a Word document (Decree 30/2020 layout) and as a PDF made by LibreOffice."""

import copy
import io
import os
import shutil
import zipfile
from datetime import date

import pytest
from django.db import transaction
from docx import Document

from friendlygov.assessments import documents, services
from friendlygov.assessments.models import Decision
from friendlygov.assessments.testing import LEGAL_BASES, draft_for
from friendlygov.core.i18n import fold
from friendlygov.core.office import PdfUnavailable, docx_to_pdfs
from friendlygov.core.testing import needs_libreoffice, printed_pages
from friendlygov.core.testing_db import building


def text_of(docx_bytes) -> str:
    document = Document(io.BytesIO(docx_bytes))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_it_writes_the_number_the_date_and_every_unit_with_score_and_level(issued, appraised_units):
    text = text_of(documents.decision_docx(issued))
    assert "Số: 15/QĐ-UBND" in text
    assert "Kim Thành, ngày 05 tháng 01 năm 2025" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN" in text and "HUYỆN KIM THÀNH" in text
    assert "QUYẾT ĐỊNH:" in text
    assert "Kèm theo Quyết định số 15/QĐ-UBND ngày 05/01/2025" in text
    for assessment in appraised_units:
        assert assessment.unit.name in text
        assert assessment.unit.code in text
        assert documents.score_text(assessment.final_score) in text
        assert documents.level_label(assessment.final_level) in text
    assert "DỰ THẢO" not in text


def test_it_sets_the_page_fonts_and_margins_of_decree_30(issued):
    document = Document(io.BytesIO(documents.decision_docx(issued)))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm) <= 25 and 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt in (13, 14)


def test_it_lists_the_appendix_by_level_then_score_then_name(issued):
    document = Document(io.BytesIO(documents.decision_docx(issued)))
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == ["STT", "Đơn vị", "Mã đơn vị", "Điểm", "Mức đạt"]
    rows = [[c.text for c in row.cells] for row in appendix.rows[1:]]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    keys = [
        (-item.level, -item.final_score, fold(item.assessment.unit.name), item.assessment.unit.name)
        for item in issued.items.all()
    ]
    expected = [name for *_, name in sorted(keys)]
    assert [r[1] for r in rows] == expected
    assert all("," in r[3] and "." not in r[3] for r in rows)


def test_it_ends_each_legal_basis_with_a_semicolon_and_the_last_with_a_full_stop():
    assert documents.legal_basis_lines(LEGAL_BASES) == [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Kế hoạch của Ủy ban nhân dân tỉnh Hải Dương;",
        "Theo đề nghị của Trưởng phòng Nội vụ huyện.",
    ]


def test_it_marks_a_draft_and_names_the_revoked_decision(issued, people):
    revocation = revoking(issued, people["head"].user, number="40/QĐ-UBND")
    text = text_of(documents.decision_docx(revocation))
    assert "DỰ THẢO" in text
    assert "Về việc thu hồi Quyết định số 15/QĐ-UBND ngày 05/01/2025" in text
    assert "ngày 02 tháng 3 năm 2025" in text


@pytest.fixture(scope="module")
def _printed_for_module(
    _appraised_units_for_module, _people_for_module, django_db_blocker
) -> dict[str, bytes]:
    """The issued decision and a draft revoking it as LibreOffice prints them, both converted by
    one LibreOffice start (a start costs seconds, a conversion little). They are made in a
    savepoint rolled back at once; only their .docx files are kept."""
    soffice = needs_libreoffice()
    head = _people_for_module["people"]["head"].user
    with building(django_db_blocker), transaction.atomic():
        units = copy.deepcopy(_appraised_units_for_module["appraised_units"])
        issued = draft_for(units, head, "15/QĐ-UBND")
        issued = services.issue_decision(issued, actor=head)
        files = {
            "issued": documents.decision_docx(issued),
            "draft": documents.decision_docx(revoking(issued, head)),
        }
        transaction.set_rollback(True)
    return docx_to_pdfs(files, soffice=soffice)


@pytest.fixture
def printed(_printed_for_module, appraised_units, people) -> dict[str, bytes]:
    """(Asking for what it is built on orders its tests after those that do not use it.)"""
    return _printed_for_module


def revoking(issued, head, number=""):
    """A draft revoking `issued`, signed on 2 March 2025."""
    return services.draft_decision(
        issued.body,
        assessments=[item.assessment for item in issued.items.all()],
        number=number,
        signed_on=date(2025, 3, 2),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=head,
        supersedes=issued,
        kind=Decision.Kind.REVOCATION,
    )


def test_it_converts_the_document_to_pdf_with_libreoffice(printed):
    pdf = printed["issued"]
    assert pdf.startswith(b"%PDF")
    keep = os.environ.get("FRIENDLYGOV_KEEP_DECISION_PDF")
    if keep:
        with open(keep, "wb") as out:
            out.write(pdf)


def test_it_explains_when_libreoffice_is_missing(issued, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(PdfUnavailable, match="LibreOffice"):
        documents.decision_pdf(issued)


def test_a_draft_says_so_across_every_page_and_is_numbered_from_page_2(issued, people, printed):
    draft = revoking(issued, people["head"].user)
    for docx in (documents.decision_docx(draft), documents.appraisal_report_docx(draft)):
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            headers = [package.read(name).decode() for name in package.namelist() if "word/header" in name]
        assert len(headers) == 2 and all('string="DỰ THẢO"' in header for header in headers)
    with zipfile.ZipFile(io.BytesIO(documents.appraisal_report_docx(issued))) as package:
        xml = [package.read(name).decode() for name in package.namelist() if name.endswith(".xml")]
        assert not any('string="DỰ THẢO"' in part for part in xml)
    # The watermark is drawn (a shape, not text): test-artifacts/prints/decision-draft-*.png show it.
    pages = printed_pages(printed["draft"], "decision-draft")
    assert len(pages) == 2  # the decision and its appendix, no blank page
    assert all(page.strip() for page in pages)
    assert first_line(pages[1]) == "2" and first_line(pages[0]) != "1"


def test_an_issued_decision_prints_on_two_pages_numbered_from_page_2_without_draft_mark(printed):
    pages = printed_pages(printed["issued"], "decision-issued")
    assert len(pages) == 2
    assert not any("DỰ THẢO" in page for page in pages)
    assert first_line(pages[1]) == "2" and first_line(pages[0]) != "1"


def first_line(page: str) -> str:
    return next(line.strip() for line in page.splitlines() if line.strip())


def test_the_document_is_in_vietnamese_and_written_by_its_issuer(issued):
    docx = documents.decision_docx(issued)
    document = Document(io.BytesIO(docx))
    assert document.core_properties.author == "Ủy ban nhân dân huyện Kim Thành"
    assert document.core_properties.language == "vi-VN"
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        styles = package.read("word/styles.xml").decode()
    assert '<w:lang w:val="vi-VN"' in styles and "en-US" not in styles
