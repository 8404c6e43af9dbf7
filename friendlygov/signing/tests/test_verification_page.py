"""The public verification page (/xac-minh/): in the register or not, which decision, who signed and
when, each signature valid or why not; capped, counted per address, never stored."""

import copy
import io

import pytest
from django.core.cache import cache
from django.test.utils import override_settings
from django.urls import reverse

from friendlygov.assessments import services as decisions
from friendlygov.assessments.models import Decision
from friendlygov.assessments.testing import draft_for
from friendlygov.core.office import soffice_path
from friendlygov.core.testing_db import building, shares_per_module
from friendlygov.signing import services, signer, testing
from friendlygov.signing.models import SignedOriginal
from friendlygov.signing.verify import verify

pytestmark = [
    testing.needs_signing_tools,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed"),
]


@pytest.fixture
def tokens(signing_tokens):
    return signing_tokens


# The decision the `draft` fixture makes, signed by the head and issued, built once for the
# module's tests that only read it (signing starts LibreOffice and opens the tokens: seconds);
# they run after the tests that sign their own.
shares_per_module("signed_decision", "_signed_decision_for_module")


@pytest.fixture(scope="module")
def _signed_decision_for_module(
    _appraised_units_for_module, _people_for_module, softhsm_tokens, django_db_blocker
):
    head = _people_for_module["people"]["head"].user
    units = copy.deepcopy(_appraised_units_for_module["appraised_units"])
    with building(django_db_blocker), override_settings(**testing.token_settings(softhsm_tokens)):
        decision = draft_for(units, head, "15/QĐ-UBND")
        services.sign_with_token(decision, actor=head)
        decisions.issue_decision(decision, actor=head)
    return decision.pk


@pytest.fixture
def signed_decision(_signed_decision_for_module, appraised_units, people, tokens):
    """(Asking for what it is built on orders its tests after those that build their own.)"""
    return Decision.objects.get(pk=_signed_decision_for_module)


def check(client, data: bytes, name="quyet-dinh.pdf"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("signing:verify"), {"document": file})


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def test_it_reports_the_original_valid_and_every_tampered_copy_invalid_with_the_reason(
    signed_decision,
    tokens,
    client,
    settings,
    tmp_path,
):
    original = SignedOriginal.objects.get(decision=signed_decision)
    issued, register_pdf = bytes(original.issued_pdf), bytes(original.register_pdf)

    page = check(client, issued).content.decode()
    assert "Có trong sổ đăng ký: đúng bản gốc điện tử của Quyết định số 15/QĐ-UBND" in page
    assert page.count("Hợp lệ") == 2 and "Không hợp lệ" not in page
    assert "Trần Văn Giám" in page and "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG" in page
    assert reverse("signing:original_pdf", args=[signed_decision.pk]) in page

    changed = bytearray(issued)
    changed[len(register_pdf) + 300] ^= 0x01
    page = check(client, bytes(changed)).content.decode()
    assert "Nội dung đã bị thay đổi sau khi ký" in page
    assert "Có trong sổ đăng ký: đúng bản gốc" not in page

    untrusted = signer.sign_person(register_pdf, tokens.stranger, now=_now())
    page = check(client, untrusted).content.decode()
    assert "không được cấp bởi tổ chức chứng thực mà hệ thống tin cậy" in page
    assert "Tệp bắt đầu bằng một bản trong sổ đăng ký" in page

    elsewhere = register_pdf.replace(b"<pdfaid:part>2<", b"<pdfaid:part>3<", 1)
    page = check(client, signer.sign_person(elsewhere, tokens.person, now=_now())).content.decode()
    assert "Không có trong sổ đăng ký" in page

    by_digest = client.get(reverse("signing:verify"), {"ma": original.sha256}).content.decode()
    assert "Có trong sổ đăng ký: đúng bản gốc điện tử" in by_digest
    # The QR code printed on the first page opens the same check.
    assert _qr_link(register_pdf).endswith(f"/xac-minh/?qd={original.verify_code}")
    by_qr = client.get(reverse("signing:verify"), {"qd": original.verify_code}).content.decode()
    assert "Có trong sổ đăng ký: đúng bản gốc điện tử" in by_qr

    # Revocation: a CRL from the test CA that revokes the person's certificate.
    person_cert = _certificate_of(issued, "Trần Văn Giám")
    crl = testing.crl(tokens.authority, [person_cert])
    report = verify(issued, roots_pem=tokens.roots_file.read_bytes(), crls=[crl])
    person = next(s for s in report.signatures if s.signer == "Trần Văn Giám")
    assert not person.valid
    assert "Chứng thư số của người ký đã bị thu hồi." in person.reasons


def test_it_refuses_what_is_not_a_pdf_too_large_or_too_often(client, settings):
    page = check(client, b"GIF89a not a pdf")
    assert page.status_code == 422
    assert "không phải tệp PDF" in page.content.decode()

    settings.VERIFY_MAX_BYTES = 1024 * 1024
    page = check(client, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    assert page.status_code == 422
    assert "Tệp quá lớn" in page.content.decode()

    settings.VERIFY_PER_HOUR = 2
    check(client, b"%PDF-1.7\n")
    page = check(client, b"%PDF-1.7\n")
    assert page.status_code == 429
    assert "quá nhiều tệp" in page.content.decode()


@pytest.mark.django_db
def test_an_unreadable_pdf_is_reported_as_such(client):
    page = check(client, b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n")
    assert page.status_code == 200
    assert "Không đọc được tệp" in page.content.decode()


def _qr_link(pdf: bytes) -> str:
    from pypdf import PdfReader

    annotations = [a.get_object() for a in PdfReader(io.BytesIO(pdf)).pages[0]["/Annots"]]
    return next(str(a["/Contents"]) for a in annotations if a["/Subtype"] == "/Stamp")


def _certificate_of(pdf: bytes, common_name: str):
    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    for signature in PdfFileReader(io.BytesIO(pdf)).embedded_signatures:
        if signature.signer_cert.subject.native["common_name"] == common_name:
            return x509.load_der_x509_certificate(signature.signer_cert.dump())
    raise AssertionError(common_name)


def _now():
    from django.utils import timezone

    return timezone.localtime()


@pytest.mark.parametrize(
    ("kind", "label"),
    [("appendix", "Phụ lục: danh sách đơn vị"), ("appraisal_report", "Báo cáo kết quả thẩm định")],
)
def test_it_recognises_an_attachment_of_its_decision_signed_at_the_top_right_without_image(
    signed_decision, people, tokens, client, kind, label
):
    from friendlygov.signing.field_names import ATTACHMENT_FIELD
    from friendlygov.signing.models import SignedAttachment
    from friendlygov.signing.signer import A4

    attachment = SignedAttachment.objects.get(decision=signed_decision, kind=kind)
    assert attachment.agency_signed
    report = verify(bytes(attachment.pdf), roots_pem=tokens.roots_file.read_bytes())
    assert [(s.field, s.valid) for s in report.signatures] == [(ATTACHMENT_FIELD, True)]

    widget = _signature_widget(bytes(attachment.pdf), ATTACHMENT_FIELD)
    x0, _y0, _x1, y1 = (float(v) for v in widget["/Rect"])
    assert widget["/P"] == _first_page_ref(bytes(attachment.pdf))
    assert x0 > A4[0] / 2 and y1 > A4[1] * 0.9, (x0, y1)  # the top right of the first page
    assert b"/Image" not in _appearance_bytes(widget)  # no seal image on an attachment

    page = check(client, bytes(attachment.pdf)).content.decode()
    assert f"Có trong sổ đăng ký: đúng tài liệu kèm theo ({label}) của Quyết định số 15/QĐ-UBND" in page
    assert reverse("signing:attachment_pdf", args=[signed_decision.pk, attachment.kind]) in page
    assert reverse("signing:original_pdf", args=[signed_decision.pk]) in page
    assert "Cơ quan ban hành" in page and "Không hợp lệ" not in page
    by_digest = client.get(reverse("signing:verify"), {"ma": attachment.sha256}).content.decode()
    assert "đúng tài liệu kèm theo" in by_digest

    # The decision's page and the public results link the attachment.
    link = reverse("signing:attachment_pdf", args=[signed_decision.pk, attachment.kind])
    detail = (
        people["head"].get(reverse("assessments:decision_detail", args=[signed_decision.pk])).content.decode()
    )
    assert link in detail and reverse("signing:original_pdf", args=[signed_decision.pk]) in detail
    public = client.get(reverse("public:cycle_results", args=[signed_decision.cycle.year])).content.decode()
    assert link in public
    download = client.get(link)
    assert download.content == bytes(attachment.pdf)
    suffix = {"appendix": "phu-luc", "appraisal_report": "bao-cao-tham-dinh"}[kind]
    assert f"-{suffix}.pdf" in download["Content-Disposition"]


def test_the_appendix_is_its_own_file_naming_the_issued_number_and_date_and_listing_every_unit(
    signed_decision, tokens
):
    """Decree 30: the list of units goes with the decision as an attachment of its own; the signed
    decision keeps the articles that point to it, the appendix names the decision it belongs to."""
    from friendlygov.core.testing import printed_pages
    from friendlygov.signing.models import SignedAttachment

    units = [item.assessment.unit for item in signed_decision.items.select_related("assessment__unit")]
    assert units

    pages = printed_pages(bytes(signed_decision.signed_original.issued_pdf), "signed-decision")
    decision_text = " ".join("\n".join(pages).split())
    assert "Phụ lục kèm theo Quyết định này" in decision_text
    assert "PHỤ LỤC" not in decision_text
    assert not any(unit.code in decision_text for unit in units)

    appendix = SignedAttachment.objects.get(decision=signed_decision, kind="appendix")
    appendix_text = " ".join("\n".join(printed_pages(bytes(appendix.pdf), "signed-appendix")).split())
    assert "PHỤ LỤC" in appendix_text
    assert "(Kèm theo Quyết định số 15/QĐ-UBND ngày 05/01/2025" in appendix_text
    assert all(unit.code in appendix_text for unit in units)
    assert f"Tổng số: {len(units)} đơn vị." in appendix_text


def test_without_the_agency_token_the_attachments_are_kept_unsigned_in_the_register(
    draft, people, tokens, settings
):
    from friendlygov.signing.models import SignedAttachment

    head = people["head"].user
    services.sign_with_token(draft, actor=head)
    settings.SIGNING_AGENCY_TOKEN = ""
    decisions.issue_decision(draft, actor=head)
    attachments = SignedAttachment.objects.filter(decision=draft)
    assert [a.kind for a in attachments] == ["appendix", "appraisal_report"]
    for attachment in attachments:
        assert not attachment.agency_signed
        assert b"pdfaid:part>2<" in bytes(attachment.pdf)
        assert verify(bytes(attachment.pdf), roots_pem=tokens.roots_file.read_bytes()).signatures == []


def _signature_widget(pdf: bytes, name: str):
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    for reference in reader.root["/AcroForm"]["/Fields"]:
        field = reference.get_object()
        if str(field.get("/T")) == name:
            return field
    raise AssertionError(name)


def _first_page_ref(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]


def _appearance_bytes(widget) -> bytes:
    """The appearance stream and every form it draws, flattened (an image would be an XObject)."""
    seen, found = set(), []

    def walk(stream):
        found.append(stream.data)
        resources = stream.get("/Resources")
        if resources is None:
            return
        for _name, ref in resources.get_object().get("/XObject", {}).items():
            obj = ref.get_object()
            found.append(str(obj.get("/Subtype")).encode())
            if id(obj) not in seen and obj.get("/Subtype") == "/Form":
                seen.add(id(obj))
                walk(obj)

    walk(widget["/AP"]["/N"].get_object())
    return b" ".join(found)
