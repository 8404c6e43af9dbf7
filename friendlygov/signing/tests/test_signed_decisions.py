"""Signed decisions with real parts: a throwaway CA, SoftHSM2 tokens through PKCS#11, LibreOffice's
PDF/A, and poppler's pdfsig as an independent validator (signing/testing.py)."""

import asyncio
import concurrent.futures
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from friendlygov.accounts.models import Role
from friendlygov.assessments import services as decisions
from friendlygov.assessments.models import Decision
from friendlygov.core.office import soffice_path
from friendlygov.signing import config, services, signer, testing
from friendlygov.signing.field_names import DATE_FIELD, NUMBER_FIELD
from friendlygov.signing.models import SignedAttachment, SignedOriginal
from friendlygov.signing.verify import verify

pytestmark = [
    testing.needs_signing_tools,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed"),
]


@pytest.fixture
def tokens(signing_tokens):
    return signing_tokens


def roots(tokens) -> bytes:
    return tokens.roots_file.read_bytes()


def upload(client, decision, data: bytes):
    file = io.BytesIO(data)
    file.name = "da-ky.pdf"
    return client.post(
        reverse("signing:decision_signing", args=[decision.pk]), {"action": "upload", "signed": file}
    )


def test_without_a_token_it_issues_unsigned_as_before_and_says_so(draft, people):
    head = people["head"]
    page = head.get(reverse("assessments:decision_issue", args=[draft.pk]))
    assert "Dự thảo chưa được ký số" in page.content.decode()
    page = head.get(reverse("signing:decision_signing", args=[draft.pk]))
    assert "chưa cấu hình thiết bị ký số của cơ quan" in page.content.decode()
    issued = decisions.issue_decision(draft, actor=head.user)
    assert issued.is_issued
    assert not SignedOriginal.objects.filter(decision=issued).exists()


def test_the_person_signs_then_the_clerk_issues_with_number_date_and_the_agency_signature(
    draft, people, persona, tokens, tmp_path, client, settings
):
    head = people["head"]
    clerk = persona(Role.CLERK, draft.body.unit)
    assert (
        clerk.post(reverse("signing:decision_signing", args=[draft.pk]), {"action": "token"}).status_code
        == 403
    )

    response = head.post(reverse("signing:decision_signing", args=[draft.pk]), {"action": "token"})
    assert response.status_code == 302
    original = SignedOriginal.objects.get(decision=draft)
    assert bytes(original.register_pdf).startswith(b"%PDF-")
    assert b"pdfaid:part>2<" in bytes(original.register_pdf)
    assert original.person_signer == "Trần Văn Giám"
    public_url = reverse("public:cycle_results", args=[draft.cycle.year])
    before = client.get(public_url)  # read, and kept in the cache, before the issue
    assert reverse("signing:original_pdf", args=[draft.pk]) not in before.content.decode()

    response = clerk.post(
        reverse("assessments:decision_issue", args=[draft.pk]),
        {"number": "15", "signed_on": "05/01/2025", "date_reason": ""},
    )
    assert response.status_code == 302, response.content.decode()
    original.refresh_from_db()
    signed = bytes(original.issued_pdf)
    assert original.agency_signed
    report = verify(signed, roots_pem=roots(tokens))
    assert [s.valid for s in report.signatures] == [True, True], [s.reasons for s in report.signatures]
    assert report.values[NUMBER_FIELD] == "Số: 15/QĐ-UBND"
    assert report.values[DATE_FIELD].endswith("ngày 05 tháng 01 năm 2025")

    checked = testing.pdfsig(signed, tokens, tmp_path)
    assert checked.count("Signature is Valid.") == 2, checked
    assert checked.count("Certificate is Trusted.") == 2, checked
    _revocation_is_checked_by_pdfsig_and_the_product(signed, tokens, tmp_path, client, settings)

    attachments = SignedAttachment.objects.filter(decision=draft)
    assert [a.kind for a in attachments] == ["appendix", "appraisal_report"]
    for attachment in attachments:
        assert [s.valid for s in verify(bytes(attachment.pdf), roots_pem=roots(tokens)).signatures] == [True]

    public = client.get(public_url)
    assert reverse("signing:original_pdf", args=[draft.pk]) in public.content.decode()
    download = client.get(reverse("signing:original_pdf", args=[draft.pk]))
    assert download.content == signed


def test_an_upload_signed_outside_is_accepted_when_it_is_the_register_pdf(draft, people, tokens):
    original = services.prepare_for_signing(draft, actor=people["head"].user)
    signed = signer.sign_person(bytes(original.register_pdf), tokens.person, now=_now())
    response = upload(people["head"], draft, signed)
    assert response.status_code == 302
    assert SignedOriginal.objects.get(decision=draft).person_source == "upload"


def test_an_upload_is_refused_with_the_reason_when_untrusted_changed_or_not_the_register_pdf(
    draft, people, tokens
):
    original = services.prepare_for_signing(draft, actor=people["head"].user)
    register_pdf = bytes(original.register_pdf)

    untrusted = signer.sign_person(register_pdf, tokens.stranger, now=_now())
    page = upload(people["head"], draft, untrusted)
    assert page.status_code == 422
    assert "không được cấp bởi tổ chức chứng thực mà hệ thống tin cậy" in page.content.decode()

    signed = bytearray(signer.sign_person(register_pdf, tokens.person, now=_now()))
    signed[len(register_pdf) + 200] ^= 0x01  # one byte of the signed revision
    page = upload(people["head"], draft, bytes(signed))
    assert page.status_code == 422

    # Another PDF than the register's (one character of its metadata, the same length).
    other = register_pdf.replace(b"<pdfaid:part>2<", b"<pdfaid:part>3<", 1)
    assert other != register_pdf
    page = upload(people["head"], draft, signer.sign_person(other, tokens.person, now=_now()))
    assert page.status_code == 422
    assert "nội dung khác với sổ đăng ký" in page.content.decode()
    assert SignedOriginal.objects.get(decision=draft).person_pdf is None


def test_a_draft_changed_after_signing_cannot_be_issued_until_signed_again(draft, people, tokens):
    services.sign_with_token(draft, actor=people["head"].user)
    decisions.update_draft(
        draft, actor=people["head"].user, recipients="- Như Điều 3;\n- Lưu: VT.\n- Sở Nội vụ."
    )
    page = people["head"].post(
        reverse("assessments:decision_issue", args=[draft.pk]),
        {"number": "15", "signed_on": "05/01/2025", "date_reason": ""},
    )
    assert page.status_code == 422
    assert "hãy ký lại" in page.content.decode()
    assert Decision.objects.get(pk=draft.pk).state == Decision.State.DRAFT


def _revocation_is_checked_by_pdfsig_and_the_product(signed, tokens, tmp_path, client, settings):
    """The test CA's CRL, imported into pdfsig's NSS database and configured as SIGNING_CRLS: with
    nothing revoked both signatures stay trusted; with the person's certificate revoked, pdfsig and
    the product both say so, and the agency's signature stays valid."""
    person_cert = next(c for c in _certificates(signed) if "Trần Văn Giám" in c.subject.rfc4514_string())
    nothing_revoked = testing.crl(tokens.authority)
    person_revoked = testing.crl(tokens.authority, [person_cert])

    verdicts = testing.signatures_in(testing.pdfsig(signed, tokens, tmp_path, crl=nothing_revoked))
    assert verdicts == {
        "Trần Văn Giám": "Certificate is Trusted.",
        "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG": "Certificate is Trusted.",
    }
    verdicts = testing.signatures_in(testing.pdfsig(signed, tokens, tmp_path, crl=person_revoked))
    assert verdicts == {
        "Trần Văn Giám": "Certificate has been Revoked.",
        "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG": "Certificate is Trusted.",
    }

    report = verify(signed, roots_pem=roots(tokens), crls=[nothing_revoked])
    assert report.revocation_checked
    assert [s.valid for s in report.signatures] == [True, True], [s.reasons for s in report.signatures]

    # A CRL past its next update no longer vouches for anyone: both signatures read invalid, and why.
    report = verify(signed, roots_pem=roots(tokens), crls=[testing.crl(tokens.authority, stale=True)])
    assert [s.valid for s in report.signatures] == [False, False]
    assert all("danh sách thu hồi (CRL) đã quá hạn cập nhật" in s.reasons[0] for s in report.signatures)

    crl_file = tmp_path / "person-revoked.crl"
    crl_file.write_bytes(person_revoked)
    settings.SIGNING_CRLS = [str(crl_file)]
    file = io.BytesIO(signed)
    file.name = "ban-goc.pdf"
    page = client.post(reverse("signing:verify"), {"document": file}).content.decode()
    assert "Chứng thư số của người ký đã bị thu hồi." in page
    assert page.count("Không hợp lệ") == 1 and page.count("Hợp lệ") == 1  # the agency's stays valid
    assert "Chưa kiểm tra tình trạng thu hồi" not in page
    settings.SIGNING_CRLS = []


def _certificates(pdf: bytes):
    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    return [
        x509.load_der_x509_certificate(signature.signer_cert.dump())
        for signature in PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    ]


def _now():
    from django.utils import timezone

    return timezone.localtime()


def test_it_signs_and_checks_signatures_where_an_event_loop_already_runs(draft, people, tokens):
    """Beside an ASGI server, or Playwright's sync API in the browser tests, a thread already runs
    an event loop and pyHanko's own asyncio.run is refused: signing failed with a 500, and every
    signature would have read as invalid (signing/loop.py)."""
    register_pdf = bytes(services.sign_with_token(draft, actor=people["head"].user).register_pdf)

    async def in_a_running_loop():
        signed = signer.sign_person(register_pdf, config.person_token(), now=timezone.localtime())
        return verify(signed, roots_pem=roots(tokens))

    # In a thread of its own: a Playwright test earlier in this process may leave a loop running
    # in this one, where asyncio.run itself would be refused.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        report = pool.submit(asyncio.run, in_a_running_loop()).result()
    assert [s.valid for s in report.signatures] == [True], [s.reasons for s in report.signatures]
