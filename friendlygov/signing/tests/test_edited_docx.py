"""Officials edit the .docx before signing and upload it back: it becomes the register's content
(LibreOffice's PDF/A of their file), its differences from the generated text are recorded and
shown, and the person's signature is then checked against that new register's PDF."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from friendlygov.audit.models import AuditEvent
from friendlygov.core.office import soffice_path
from friendlygov.signing import content, edits, services, signer, testing
from friendlygov.signing.models import SignedOriginal

pytestmark = [
    testing.needs_signing_tools,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed"),
]

ADDED = "Điều bổ sung: Giao Văn phòng theo dõi việc thực hiện Quyết định này."


def edited(docx: bytes, change) -> bytes:
    document = Document(io.BytesIO(docx))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_article(document):
    """One paragraph added after the articles, and one word changed in a table cell (the heading)."""
    articles = [p for p in document.paragraphs if p.text.startswith("Điều 3.")]
    articles[-1].insert_paragraph_before(ADDED)
    for cell in document.tables[0].rows[0].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                if "Độc lập" in run.text:
                    run.text = run.text.replace("Độc lập", "ĐỘC LẬP")


def upload(client, decision, data: bytes, name="quyet-dinh.docx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(
        reverse("signing:decision_signing", args=[decision.pk]), {"action": "edited_docx", "edited": file}
    )


def test_the_edited_docx_becomes_the_register_content_with_its_differences_recorded(
    draft, people, signing_tokens
):
    head = people["head"]
    generated = head.get(reverse("signing:register_docx", args=[draft.pk])).content
    assert edits.paragraphs(generated) == edits.paragraphs(content.generated_docx(draft))
    before = services.prepare_for_signing(draft, actor=head.user).register_sha256

    response = upload(head, draft, edited(generated, add_article))
    assert response.status_code == 302, response.content.decode()
    original = SignedOriginal.objects.get(decision=draft)
    assert original.register_sha256 != before
    assert original.from_edited_docx
    assert {"op": "insert", "before": [], "after": [ADDED]} in original.edits
    replaced = [c for c in original.edits if c["op"] == "replace"]
    assert any("ĐỘC LẬP" in line for change in replaced for line in change["after"]), original.edits
    # LibreOffice's PDF/A of the edited file is what the person signs.
    assert b"pdfaid:part>2<" in bytes(original.register_pdf)
    event = AuditEvent.objects.get(event_type="decision.edited_docx_accepted")
    assert event.data["sha256"] == original.register_sha256
    assert event.data["edits"] == original.edits

    page = head.get(reverse("signing:decision_signing", args=[draft.pk])).content.decode()
    assert 'id="docx-edits"' in page and ADDED in page

    # The person's signature is checked against the new register's PDF, not the generated one.
    generated_pdf = content.register_pdf(draft, code=original.verify_code)
    on_generated = signer.sign_person(generated_pdf, signing_tokens.person, now=timezone.localtime())
    refused = _upload_signed(head, draft, on_generated)
    assert refused.status_code == 422
    assert "nội dung khác với sổ đăng ký" in refused.content.decode()
    on_edited = signer.sign_person(
        bytes(original.register_pdf), signing_tokens.person, now=timezone.localtime()
    )
    assert _upload_signed(head, draft, on_edited).status_code == 302
    assert SignedOriginal.objects.get(decision=draft).person_signed

    # Once signed, the text can no longer be replaced.
    late = upload(head, draft, edited(generated, add_article))
    assert late.status_code == 422
    assert "phải được tải lên trước khi người có thẩm quyền ký" in late.content.decode()


def test_it_refuses_a_docx_without_the_blank_number_or_date_not_a_docx_or_too_big(
    draft, people, signing_tokens, settings
):
    head = people["head"]
    generated = content.generated_docx(draft)

    def fill_number_and_date(document):
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        for run in paragraph.runs:
                            run.text = run.text.replace("ngày … tháng … năm …", "ngày 05 tháng 01 năm 2025")
                            if run.text.startswith("Số:"):
                                run.text = "Số: 15/QĐ-UBND"

    page = upload(head, draft, edited(generated, fill_number_and_date))
    assert page.status_code == 422
    text = page.content.decode()
    assert "không còn dòng “Số: …/…”" in text
    assert "không còn dòng “…, ngày … tháng … năm …”" in text

    page = upload(head, draft, b"%PDF-1.7 renamed to .docx")
    assert page.status_code == 422
    assert "không phải văn bản Word (.docx)" in page.content.decode()

    # A zip archive that is not a Word document (an .xlsx renamed).
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    page = upload(head, draft, workbook.getvalue())
    assert "không phải văn bản Word (.docx)" in page.content.decode()

    page = upload(head, draft, _with_macros(generated))
    assert "Tệp có macro" in page.content.decode()

    page = upload(head, draft, generated + b"\0" * (edits.MAX_BYTES + 1))
    assert page.status_code == 422
    assert "Tệp quá lớn" in page.content.decode()
    assert not SignedOriginal.objects.filter(decision=draft).exists()


def test_it_tells_the_paragraph_and_cell_differences():
    before = ["QUYẾT ĐỊNH", "Điều 1. A", "Điều 2. B"]
    after = ["QUYẾT ĐỊNH", "Điều 1. A sửa", "Điều 2. B", "Điều 3. C"]
    assert edits.differences(before, after) == [
        {"op": "replace", "before": ["Điều 1. A"], "after": ["Điều 1. A sửa"]},
        {"op": "insert", "before": [], "after": ["Điều 3. C"]},
    ]
    assert edits.differences(before, before) == []


def _with_macros(docx: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"\0" * 16)
    return out.getvalue()


def _upload_signed(client, decision, data: bytes):
    file = io.BytesIO(data)
    file.name = "da-ky.pdf"
    return client.post(
        reverse("signing:decision_signing", args=[decision.pk]), {"action": "upload", "signed": file}
    )
