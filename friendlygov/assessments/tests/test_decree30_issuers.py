"""The decision of four issuers in the Decree 30/2020 layout: a district People's Committee before
the two-tier reform (TM.), the city Chairman after it (direct), the same signed KT. by a Vice
Chairman, and the Department of Home Affairs under its governing body. Each is drafted and issued
through the services with the defaults a head would start from, and read back from the .docx XML.
"""

import copy
import io
import os
import shutil
import subprocess  # nosec B404  # ghostscript, fixed arguments, only to read the PDF back
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from docx import Document

from friendlygov.assessments import decision_text, documents, services
from friendlygov.assessments.models import Decision, IssuedAs, SigningMode
from friendlygov.core import decree30
from friendlygov.core.office import docx_to_pdfs
from friendlygov.core.testing import needs_libreoffice
from friendlygov.core.testing_db import building

LAW_72 = "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025"
LAW_2015 = "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"
CITY = "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
CHAIRMAN = {
    "issuing_authority": CITY,
    "place_name": "Hải Phòng",
    "issued_as": IssuedAs.HEAD,
    "signing_mode": SigningMode.DIRECT,
}


@dataclass
class Issuer:
    name: str
    body: dict  # the appraising body's frame fields
    signed_on: date
    mode: str
    signer_title: str
    heading: list
    authority_line: str
    signature: list
    place_and_date: str
    number: str
    law: str
    not_law: str
    recipients: list = field(default_factory=list)


ISSUERS = [
    Issuer(
        "district-2024-tm",
        {},  # the fixture's body: ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH, a collective
        date(2025, 1, 5),
        SigningMode.ON_BEHALF,
        "",
        ["ỦY BAN NHÂN DÂN", "HUYỆN KIM THÀNH"],
        "ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH",
        ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        "Kim Thành, ngày 05 tháng 01 năm 2025",
        "03/QĐ-UBND",
        LAW_2015,
        "72/2025/QH15",
        ["- Như Điều 3;", "- Ủy ban nhân dân tỉnh (để báo cáo);", "- Lưu: VT."],
    ),
    Issuer(
        "city-chairman-2025-direct",
        CHAIRMAN,
        date(2025, 9, 15),
        SigningMode.DIRECT,
        "",
        ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"],
        "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        ["CHỦ TỊCH"],
        "Hải Phòng, ngày 15 tháng 9 năm 2025",
        "15/QĐ-UBND",
        LAW_72,
        "năm 2015",
        ["- Như Điều 3;", "- Bộ Nội vụ (để báo cáo);", "- Lưu: VT."],
    ),
    Issuer(
        "city-chairman-2025-kt",
        CHAIRMAN,
        date(2025, 9, 16),
        SigningMode.FOR_HEAD,
        "",  # left empty: the body's deputy title, PHÓ CHỦ TỊCH
        ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"],
        "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        "Hải Phòng, ngày 16 tháng 9 năm 2025",
        "16/QĐ-UBND",
        LAW_72,
        "năm 2015",
    ),
    Issuer(
        "department-2025",
        {
            "governing_body": "UBND THÀNH PHỐ HẢI PHÒNG",
            "issuing_authority": "SỞ NỘI VỤ",
            "place_name": "Hải Phòng",
            "issued_as": IssuedAs.HEAD,
            "signer_title": "GIÁM ĐỐC",
            "deputy_title": "PHÓ GIÁM ĐỐC",
            "signing_mode": SigningMode.DIRECT,
            "decision_symbol": "QĐ-SNV",
        },
        date(2025, 9, 17),
        SigningMode.DIRECT,
        "",
        ["UBND THÀNH PHỐ HẢI PHÒNG", "SỞ NỘI VỤ"],
        "GIÁM ĐỐC SỞ NỘI VỤ",
        ["GIÁM ĐỐC"],
        "Hải Phòng, ngày 17 tháng 9 năm 2025",
        "05/QĐ-SNV",
        LAW_72,
        "năm 2015",
        ["- Như Điều 3;", "- Ủy ban nhân dân thành phố Hải Phòng (để báo cáo);", "- Lưu: VT."],
    ),
]


def issue_as(issuer: Issuer, appraised_units, head) -> Decision:
    """Draft and issue through the services, starting from the defaults the drafting page
    offers (the law in force on the signing date, the body's recipients)."""
    body = appraised_units[0].body
    for name, value in issuer.body.items():
        setattr(body, name, value)
    body.full_clean()
    body.save()
    draft = services.draft_decision(
        body,
        assessments=appraised_units,
        signed_on=issuer.signed_on,
        signer_name="Nguyễn Văn An",
        legal_bases=decision_text.default_legal_bases(body, issuer.signed_on),
        signing_mode=issuer.mode,
        signer_title=issuer.signer_title,
        actor=head,
    )
    cycle = body.cycle
    in_window = cycle.decision_from <= issuer.signed_on <= cycle.decision_until
    reason = "" if in_window else "Ký sau khi sắp xếp đơn vị hành chính."
    return services.issue_decision(draft, actor=head, number=issuer.number, date_reason=reason)


def heading_cell(document) -> list[str]:
    return [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]


def signature_cell(document) -> list[str]:
    closing = document.tables[1].rows[0].cells[1]
    return [p.text for p in closing.paragraphs if p.text]


def recipients_cell(document) -> list[str]:
    return [p.text for p in document.tables[1].rows[0].cells[0].paragraphs if p.text]


@pytest.mark.parametrize("issuer", ISSUERS, ids=lambda issuer: issuer.name)
def test_it_lays_out_each_issuers_decision_per_decree_30(issuer, appraised_units, people):
    decision = issue_as(issuer, appraised_units, people["head"].user)
    docx = documents.decision_docx(decision)
    document = Document(io.BytesIO(docx))
    body_xml = document.element.xml

    assert heading_cell(document) == [*issuer.heading, f"Số: {issuer.number}"]
    right = [p.text for p in document.tables[0].rows[0].cells[1].paragraphs if p.text]
    assert right == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        issuer.place_and_date,
    ]
    paragraphs = [p.text for p in document.paragraphs]
    assert issuer.authority_line in paragraphs
    assert signature_cell(document) == [*issuer.signature, "Nguyễn Văn An"]
    assert "TM." not in " ".join(signature_cell(document)) or issuer.mode == SigningMode.ON_BEHALF
    if issuer.recipients:
        assert recipients_cell(document) == ["Nơi nhận:", *issuer.recipients]

    # The current legal bases for the signing date, and not the ones it replaced.
    assert issuer.law in body_xml and issuer.not_law not in body_xml
    assert "Trưởng phòng Nội vụ." in body_xml if issuer.signed_on < date(2025, 7, 1) else True
    assert "thị trấn" in body_xml  # the fixture's units include Thị trấn Phú Thái

    # Page numbers: a PAGE field centred in the header, none on the first page.
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert 'w:fldCharType="begin"' in header_xml and " PAGE " in header_xml
    assert section.header.paragraphs[0].alignment == 1  # centre
    assert " PAGE " not in section.first_page_header._element.xml

    # Times New Roman 13–14 throughout, and the issuer as it was at issue even after a rename.
    assert document.styles["Normal"].font.name == "Times New Roman"
    body = decision.body
    body.issuing_authority, body.place_name = "TÊN MỚI", "Nơi khác"
    body.save()
    decision.refresh_from_db()
    again = Document(io.BytesIO(documents.decision_docx(decision)))
    assert heading_cell(again) == heading_cell(document)


def test_it_names_the_issuer_in_running_text_in_the_national_style():
    assert decree30.in_running_text("GIÁM ĐỐC SỞ NỘI VỤ") == "Giám đốc Sở Nội vụ"
    assert decree30.in_running_text(f"CHỦ TỊCH {CITY}", "Hải Phòng") == (
        "Chủ tịch Ủy ban nhân dân thành phố Hải Phòng"
    )
    assert decree30.in_running_text("ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH", "Kim Thành") == (
        "Ủy ban nhân dân huyện Kim Thành"
    )


def test_the_appendix_names_the_department_in_the_national_style(appraised_units, people):
    decision = issue_as(ISSUERS[3], appraised_units, people["head"].user)
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.decision_docx(decision))).paragraphs)
    assert "ngày 17/09/2025 của Giám đốc Sở Nội vụ)" in text
    assert "Sở nội vụ" not in text


@pytest.mark.parametrize(
    ("issued_as", "mode", "title", "message"),
    [
        (IssuedAs.HEAD, SigningMode.ON_BEHALF, "", r"không ký TM\."),
        (IssuedAs.COLLECTIVE, SigningMode.DIRECT, "", r"được ký TM\."),
        (IssuedAs.COLLECTIVE, SigningMode.BY_ORDER, "CHÁNH VĂN PHÒNG", r"được ký TM\."),
        (IssuedAs.HEAD, SigningMode.AUTHORISED, "", "cần ghi chức danh"),
        (IssuedAs.HEAD, "xx", "", "không hợp lệ"),
    ],
)
def test_it_refuses_a_signing_mode_that_does_not_fit_the_issuer(
    issued_as, mode, title, message, appraised_units, people
):
    body = appraised_units[0].body
    body.issued_as, body.signing_mode = (
        issued_as,
        (SigningMode.DIRECT if issued_as == IssuedAs.HEAD else SigningMode.ON_BEHALF),
    )
    body.save()
    with pytest.raises(ValidationError, match=message):
        services.draft_decision(
            body,
            assessments=appraised_units,
            signed_on=date(2025, 1, 5),
            signer_name="Nguyễn Văn An",
            legal_bases="Căn cứ Luật",
            signing_mode=mode,
            signer_title=title,
            actor=people["head"].user,
        )
    assert not Decision.objects.exists()


def test_a_body_whose_usual_mode_does_not_fit_is_refused_by_its_validation(appraised_units):
    body = appraised_units[0].body
    body.issued_as, body.signing_mode = IssuedAs.HEAD, SigningMode.ON_BEHALF
    with pytest.raises(ValidationError, match=r"không ký TM\."):
        body.full_clean()


def test_a_tl_signature_prints_the_delegates_title(appraised_units, people):
    body = appraised_units[0].body
    body.issued_as, body.signing_mode = IssuedAs.HEAD, SigningMode.DIRECT
    body.save()
    draft = services.draft_decision(
        body,
        assessments=appraised_units,
        signed_on=date(2025, 1, 5),
        signer_name="Trần Thị Bình",
        legal_bases="Căn cứ Luật",
        signing_mode=SigningMode.BY_ORDER,
        signer_title="chánh văn phòng",
        actor=people["head"].user,
    )
    document = Document(io.BytesIO(documents.decision_docx(draft)))
    assert signature_cell(document) == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Trần Thị Bình"]


def test_a_people_committee_signed_by_its_vice_chairman_keeps_tm_above_kt(appraised_units, people):
    draft = services.draft_decision(
        appraised_units[0].body,
        assessments=appraised_units,
        signed_on=date(2025, 1, 5),
        signer_name="Lê Văn Cường",
        legal_bases="Căn cứ Luật",
        signing_mode=SigningMode.FOR_HEAD,
        actor=people["head"].user,
    )
    document = Document(io.BytesIO(documents.decision_docx(draft)))
    assert signature_cell(document) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Cường"]


@pytest.fixture(scope="module")
def _printed_for_module(
    _appraised_units_for_module, _people_for_module, django_db_blocker
) -> dict[str, bytes]:
    """Each issuer's decision as LibreOffice prints it (by issuer name), all four converted by one
    LibreOffice start: a start costs seconds, a conversion little. Each decision is issued in a
    savepoint rolled back at once; only its .docx is kept."""
    soffice = needs_libreoffice()
    head = _people_for_module["people"]["head"].user
    files = {}
    with building(django_db_blocker):
        for issuer in ISSUERS:
            with transaction.atomic():
                units = copy.deepcopy(_appraised_units_for_module["appraised_units"])
                files[issuer.name] = documents.decision_docx(issue_as(issuer, units, head))
                transaction.set_rollback(True)
    return docx_to_pdfs(files, soffice=soffice)


@pytest.fixture
def printed(_printed_for_module, appraised_units, people) -> dict[str, bytes]:
    """(Asking for what it is built on orders its tests after those that do not use it.)"""
    return _printed_for_module


@pytest.mark.parametrize("issuer", ISSUERS, ids=lambda issuer: issuer.name)
def test_libreoffice_turns_each_issuers_decision_into_a_pdf_numbered_from_page_2(issuer, printed, tmp_path):
    pdf = printed[issuer.name]
    assert pdf.startswith(b"%PDF")
    keep = os.environ.get("FRIENDLYGOV_KEEP_DECISION_PDF")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{issuer.name}.pdf").write_bytes(pdf)
    ghostscript = shutil.which("gs")
    if ghostscript is None:
        return  # the PDF is made; reading its text back needs ghostscript
    pages = _pdf_pages(ghostscript, pdf, tmp_path)
    assert len(pages) == 2  # the decision, then its appendix on a page of its own
    assert pages[1].split()[0] == "2"  # page 2 opens with its number, at the top
    assert not pages[0].split()[0].isdigit()  # the first page has none
    first = " ".join(pages[0].split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first  # the motto holds on one line
    assert issuer.authority_line in first
    assert all(line in first for line in issuer.signature)  # beside the recipients, line by line


def _pdf_pages(ghostscript: str, pdf: bytes, folder: Path) -> list[str]:
    """The text of each page, read back by ghostscript (one file per page)."""
    source = folder / "decision.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603  # nosec B603
        [
            ghostscript,
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-sDEVICE=txtwrite",
            f"-sOutputFile={folder}/page-%d.txt",
            str(source),
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    pages = sorted(folder.glob("page-*.txt"), key=lambda path: int(path.stem.split("-")[1]))
    return [page.read_text("utf-8", "replace") for page in pages]


def test_the_drafting_defaults_follow_the_law_on_the_signing_date(appraised_units):
    body = appraised_units[0].body
    before = decision_text.default_legal_bases(body, date(2025, 6, 30))
    after = decision_text.default_legal_bases(body, date(2025, 7, 1))
    assert LAW_2015 in before and "72/2025/QH15" not in before
    assert "Theo đề nghị của Trưởng phòng Nội vụ." in before
    assert LAW_72 in after and "năm 2015" not in after and "năm 2019" not in after
    assert "Trưởng phòng Nội vụ" not in after and "Theo đề nghị của Giám đốc Sở Nội vụ." in after
    assert decision_text.unit_types_text(["phuong", "xa"]) == "xã, phường"
    assert decision_text.unit_types_text(["dac_khu", "xa", "thi_tran"]) == "xã, thị trấn, đặc khu"


def test_issuing_refuses_a_law_not_in_force_on_the_signing_date(appraised_units, people):
    head = people["head"].user
    draft = services.draft_decision(
        appraised_units[0].body,
        assessments=appraised_units,
        signed_on=date(2025, 9, 15),
        signer_name="Nguyễn Văn An",
        legal_bases=f"Căn cứ {LAW_2015};\nTheo đề nghị của Trưởng phòng Nội vụ.",
        actor=head,
    )
    with pytest.raises(ValidationError, match="hết hiệu lực từ 01/07/2025"):
        services.issue_decision(draft, actor=head, date_reason="Ký muộn.")
    draft.refresh_from_db()
    assert draft.state == Decision.State.DRAFT

    services.update_draft(draft, actor=head, legal_bases=f"Căn cứ {LAW_72};", signed_on=date(2025, 1, 6))
    with pytest.raises(ValidationError, match="có hiệu lực từ 01/07/2025"):
        services.issue_decision(draft, actor=head)
