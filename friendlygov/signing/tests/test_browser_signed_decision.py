"""The Decree 30 sequence in a real browser: the competent person signs the draft (a second
SoftHSM2 token), the clerk issues it (number and date filled, the agency's signature through
SoftHSM2), pdfsig finds both signatures valid, the public page offers the signed original and the
verification page reports it valid with signers and times. Screenshots and axe-core on each page,
and the signed PDF's first page rendered with pdftoppm."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from friendlygov.accounts.models import Role
from friendlygov.core.office import soffice_path
from friendlygov.core.testing_browser import ARTIFACTS, look_at, sign_in
from friendlygov.signing import content, testing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    testing.needs_signing_tools,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed"),
]


def test_the_person_signs_the_clerk_issues_and_anyone_verifies(
    page, live_server, draft, people, persona, signing_tokens, tmp_path
):
    clerk = persona(Role.CLERK, draft.body.unit)

    # The first request imports every app's URLs and views (pyHanko, LibreOffice helpers): on a
    # loaded machine that alone outlasts the browser's 15 s wait, so it is made here, outside it.
    assert people["head"].get(f"/ky-so/quyet-dinh/{draft.pk}/").status_code == 200

    # The competent person signs the draft with their token.
    sign_in(page, live_server, people["head"].user, to=f"/ky-so/quyet-dinh/{draft.pk}/")
    look_at(page, "signing-1-draft")

    # Officials edited the text in Word: the edited .docx becomes what the person signs.
    edited = tmp_path / "quyet-dinh-da-sua.docx"
    edited.write_bytes(_edited(content.generated_docx(draft)))
    page.get_by_text("Đã sửa văn bản trong Word trước khi ký?").click()
    page.get_by_label("Bản Word (.docx) đã sửa").set_input_files(str(edited))
    page.get_by_role("button", name="Tải lên bản Word đã sửa").click(timeout=SLOW)
    expect(page.locator("#docx-edits")).to_contain_text(ADDED)
    look_at(page, "signing-1b-edited-docx")
    page.get_by_role("button", name="Ký bằng thiết bị ký số (USB token) của hệ thống").click(timeout=SLOW)
    expect(page.locator("#person-signed")).to_contain_text("Trần Văn Giám")
    look_at(page, "signing-2-person-signed")

    # The clerk issues it: the page says what will happen to the signatures.
    sign_in(page, live_server, clerk.user, to=f"/assessments/decisions/{draft.pk}/issue/")
    expect(page.locator("#issue-signing-note")).to_contain_text("ký số của cơ quan")
    look_at(page, "signing-3-clerk-issues")
    page.get_by_role("button", name="Xác nhận ban hành").click(timeout=SLOW)
    page.get_by_role("button", name="Tải bản Word (.docx)").wait_for()
    # The decision's page links the signed original and its attachments, and shows the edits.
    expect(page.locator("#signed-files")).to_contain_text("Phụ lục: danh sách đơn vị (PDF/A)")
    expect(page.locator("#signed-files")).to_contain_text("Báo cáo kết quả thẩm định (PDF/A)")
    expect(page.locator("#signed-files")).to_contain_text(ADDED)
    look_at(page, "decision-signed-files")

    # Anyone finds the signed original on the public page.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/{draft.cycle.year}/")
    link = page.get_by_role("link", name="Bản gốc có chữ ký số").first
    with page.expect_download() as download:
        link.click()
    signed = tmp_path / "ban-goc.pdf"
    download.value.save_as(signed)
    report = testing.pdfsig(signed.read_bytes(), signing_tokens, tmp_path)
    assert report.count("Signature is Valid.") == 2, report
    assert report.count("Certificate is Trusted.") == 2, report
    assert "Total document signed" in report
    testing.render_first_page(signed, ARTIFACTS / "signed-decision-page-1")

    # The verification page reports it valid, with the signers and times.
    page.goto(f"{live_server.url}/xac-minh/")
    look_at(page, "verify-1-empty")
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signed))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    result = page.locator("#verify-result")
    expect(result).to_contain_text("Có trong sổ đăng ký: đúng bản gốc điện tử của Quyết định số 15/QĐ-UBND")
    expect(result).to_contain_text("Trần Văn Giám")
    expect(result).to_contain_text("SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG")
    assert result.get_by_text("Hợp lệ", exact=True).count() == 2
    assert result.get_by_text("Không hợp lệ").count() == 0
    look_at(page, "verify-2-valid")

    # The appendix (the list of units) and the appraisal report, each its own PDF/A from the public
    # page, carry the agency's signature at the top right; the report is recognised as an attachment.
    page.goto(f"{live_server.url}/public/{draft.cycle.year}/")
    for link, name in (
        ("Phụ lục: danh sách đơn vị", "appendix"),
        ("Báo cáo kết quả thẩm định", "attachment"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"{link} (PDF/A)").first.click()
        attachment_pdf = tmp_path / f"{name}.pdf"
        download.value.save_as(attachment_pdf)
        checked = testing.pdfsig(attachment_pdf.read_bytes(), signing_tokens, tmp_path)
        assert checked.count("Signature is Valid.") == 1 and "Certificate is Trusted." in checked, checked
        testing.render_first_page(attachment_pdf, ARTIFACTS / f"signed-{name}-page-1")
    report_pdf = tmp_path / "attachment.pdf"
    page.goto(f"{live_server.url}/xac-minh/")
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(report_pdf))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.locator("#verify-result")).to_contain_text(
        "đúng tài liệu kèm theo (Báo cáo kết quả thẩm định) của Quyết định số 15/QĐ-UBND"
    )
    look_at(page, "verify-3-attachment")


# What LibreOffice converts (the edited .docx, the register's PDF, the appraisal report) can take
# far longer than the browser's usual 15 s wait on a loaded machine.
SLOW = 180_000
ADDED = "Giao Văn phòng Sở theo dõi, đôn đốc việc thực hiện Quyết định này."


def _edited(docx: bytes) -> bytes:
    document = Document(io.BytesIO(docx))
    articles = [p for p in document.paragraphs if p.text.startswith("Điều 3.")]
    articles[-1].insert_paragraph_before(ADDED)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
