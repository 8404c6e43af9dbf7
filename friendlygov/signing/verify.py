"""What a signed PDF proves, in words a reader understands: each signature valid or why not, who
signed and when, and the SHA-256 of every revision of the file (to find it in the register).

pyHanko validates: the signed bytes are intact, the certificate chains to the deployment's trust
roots (with its CRLs when configured), and every change after a signature is one the person's
certification allows (filling the number and date, adding signatures). Parsing runs in a child
process under a time limit (`verify_in_time`): a hostile file cannot hold a server worker.
"""

import hashlib
import io
import multiprocessing
import re
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .forms import field_values
from .loop import outside_any_event_loop

EOF_MARK = re.compile(rb"%%EOF[\r\n]{0,2}")
# Why a certificate is not trusted, beyond "not from a trusted CA": no usable revocation data
# (a CRL past its next update, or none covering the certificate), or outside its validity period.
NO_FRESH_CRL = {AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE}
OUT_OF_VALIDITY = {
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    AdESIndeterminate.NOT_YET_VALID,
    AdESFailure.NOT_YET_VALID,
}


@dataclass
class SignatureCheck:
    field: str
    signer: str
    organisation: str
    signed_at: datetime | None
    valid: bool
    certifies: bool
    # The certification's permission (DocMDP P): 2 allows only filling forms and signing.
    permission: int | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class Report:
    readable: bool
    problem: str = ""
    signatures: list[SignatureCheck] = field(default_factory=list)
    revisions: list[str] = field(default_factory=list)  # SHA-256 of each revision, oldest first
    values: dict[str, str] = field(default_factory=dict)
    # Whether revocation was checked: only against the CRLs the deployment configures (ADR 0031);
    # without them nothing is fetched and a revoked certificate cannot be known.
    revocation_checked: bool = False

    @property
    def all_valid(self) -> bool:
        return self.readable and bool(self.signatures) and all(s.valid for s in self.signatures)


def revision_digests(pdf: bytes) -> list[str]:
    """The SHA-256 of the file up to each %%EOF: an incremental update keeps what came before byte
    for byte, so the register's PDF is one of these prefixes of any file signed from it."""
    return [hashlib.sha256(pdf[: match.end()]).hexdigest() for match in EOF_MARK.finditer(pdf)]


def load_roots(pem_bytes: bytes) -> list[asn1_x509.Certificate]:
    roots = []
    for _type, _headers, der in asn1_pem.unarmor(pem_bytes, multiple=True):
        roots.append(asn1_x509.Certificate.load(der))
    return roots


def verify(pdf: bytes, *, roots_pem: bytes, crls: list[bytes] = ()) -> Report:
    revisions = revision_digests(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
        values = field_values(reader)
    except Exception:  # a damaged file can fail in many ways; all mean "not a readable PDF"
        return Report(
            readable=False,
            problem=_("Không đọc được tệp: đây không phải tệp PDF hợp lệ."),
            revisions=revisions,
        )
    context = ValidationContext(
        trust_roots=load_roots(roots_pem),
        crls=list(crls),
        allow_fetching=False,
        # With CRLs configured, every certificate must be checked against them ("require"): a
        # certificate without a distribution point would otherwise go unchecked.
        revocation_mode="require" if crls else "soft-fail",
    )
    checks = [_check(signature, context) for signature in signatures]
    return Report(
        readable=True, signatures=checks, revisions=revisions, values=values, revocation_checked=bool(crls)
    )


def _check(signature, context) -> SignatureCheck:
    cert = signature.signer_cert
    subject = cert.subject.native
    reasons = []
    try:
        status = outside_any_event_loop(validate_pdf_signature, signature, context)
    except Exception as exc:  # a malformed signature dictionary or CMS blob
        return SignatureCheck(
            field=signature.field_name,
            signer=subject.get("common_name", ""),
            organisation=subject.get("organization_name", ""),
            signed_at=signature.self_reported_timestamp,
            valid=False,
            certifies=signature.docmdp_level is not None,
            reasons=[_("Chữ ký bị hỏng, không kiểm tra được (%(error)s).") % {"error": type(exc).__name__}],
        )
    if not status.intact:
        reasons.append(_("Nội dung đã bị thay đổi sau khi ký: chữ ký không còn khớp với tệp."))
    elif not status.valid:
        reasons.append(_("Chữ ký không hợp lệ về mặt mật mã."))
    if status.revoked:
        reasons.append(_("Chứng thư số của người ký đã bị thu hồi."))
    elif status.intact and status.valid and status.trust_problem_indic in NO_FRESH_CRL:
        reasons.append(
            _(
                "Không kiểm tra được tình trạng thu hồi của chứng thư số: danh sách thu hồi (CRL) "
                "đã quá hạn cập nhật hoặc không bao gồm chứng thư này."
            )
        )
    elif status.intact and status.valid and status.trust_problem_indic in OUT_OF_VALIDITY:
        reasons.append(_("Chứng thư số của người ký đã hết hạn hoặc chưa có hiệu lực."))
    elif status.intact and status.valid and not status.trusted:
        reasons.append(
            _(
                "Chứng thư số của người ký không được cấp bởi tổ chức chứng thực mà hệ thống tin cậy, "
                "hoặc đã hết hạn."
            )
        )
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_REVISION, SignatureCoverageLevel.ENTIRE_FILE):
        reasons.append(_("Chữ ký không bao trùm toàn bộ tài liệu tại thời điểm ký."))
    if status.docmdp_ok is False:
        reasons.append(
            _(
                "Tệp có thay đổi sau chữ ký này mà chữ ký không cho phép "
                "(chỉ được điền số, ngày ban hành và ký tiếp)."
            )
        )
    return SignatureCheck(
        field=signature.field_name,
        signer=subject.get("common_name", ""),
        organisation=subject.get("organization_name", ""),
        signed_at=status.signer_reported_dt,
        valid=not reasons and status.bottom_line,
        certifies=signature.docmdp_level is not None,
        permission=int(signature.docmdp_level.value) if signature.docmdp_level is not None else None,
        reasons=reasons or ([] if status.bottom_line else [_("Chữ ký không hợp lệ.")]),
    )


def _child(connection, pdf, roots_pem, crls):
    try:
        connection.send(verify(pdf, roots_pem=roots_pem, crls=crls))
    finally:
        connection.close()


def verify_in_time(pdf: bytes, *, roots_pem: bytes, crls: list[bytes] = (), seconds: float = 20) -> Report:
    """`verify` in a child process, stopped after `seconds`."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sending, pdf, roots_pem, list(crls)), daemon=True)
    process.start()
    sending.close()
    try:
        if receiving.poll(seconds):
            return receiving.recv()
        return Report(
            readable=False, problem=_("Tệp quá phức tạp, không kiểm tra xong trong thời gian cho phép.")
        )
    except EOFError:
        return Report(readable=False, problem=_("Không đọc được tệp: đây không phải tệp PDF hợp lệ."))
    finally:
        receiving.close()
        process.kill()
        process.join()
