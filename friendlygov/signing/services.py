"""Every write of the signing area: the register's PDF of a draft, the competent person's
signature (on the server's token, or uploaded after signing outside), and, when the decision is
issued, the number and date filled and the agency's signature applied (Decree 30/2020).

Each is atomic, checks the assessment area's policy, and records its audit event. The modules
that sign and check signatures (pyHanko: a third of a second of imports) are imported in the
functions that sign or check, so a process that never does (a worker, a management command, a
decision issued unsigned) does not load them.
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.assessments import permissions, public_results
from friendlygov.assessments.models import Decision
from friendlygov.audit.services import record
from friendlygov.core.office import PdfUnavailable

from . import config, content, edits
from .field_names import DATE_FIELD, NUMBER_FIELD, PERSON_FIELD
from .models import SignedAttachment, SignedOriginal

FILL_FORMS = 2  # DocMDP P=2: filling forms and signing, nothing else


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _require_signer(actor, decision):
    if not permissions.may_decide_for(actor, decision.body):
        raise PermissionDenied(_("Chỉ thủ trưởng cơ quan thẩm định được ký dự thảo quyết định."))
    if decision.is_issued:
        raise ValidationError(_("Quyết định đã ban hành; không ký lại được."))


def _locked(decision) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related("body__cycle").get(pk=decision.pk)


def current_original(decision) -> SignedOriginal | None:
    """The signed original of `decision`, if its register's PDF still says what the draft says."""
    original = SignedOriginal.objects.filter(decision=decision).first()
    if original is None or original.is_issued or original.fingerprint == content.fingerprint(decision):
        return original
    return None


@transaction.atomic
def prepare_for_signing(decision, *, actor) -> SignedOriginal:
    """Make (or make again, if the draft changed) the register's PDF the person signs."""
    decision = _locked(decision)
    _require_signer(actor, decision)
    original = current_original(decision)
    if original is not None:
        return original
    values = {
        **_register(decision, code=secrets.token_urlsafe(12)),
        "person_pdf": None,
        "person_signer": "",
        "person_signed_at": None,
        "person_source": "",
        "edited_docx": None,
        "edited_docx_sha256": "",
        "edits": [],
        "created_by": actor,
    }
    original, _created = SignedOriginal.objects.update_or_create(decision=decision, defaults=values)
    record(actor, "decision.register_pdf_made", decision, {"sha256": original.register_sha256})
    return original


def _register(decision, *, code: str, docx: bytes | None = None) -> dict:
    """The register's PDF/A of `decision` (from the generated text, or from the officials' edited
    .docx) and what the register keeps of it."""
    try:
        pdf = content.register_pdf(decision, code=code, docx=docx)
    except PdfUnavailable as exc:
        raise ValidationError(str(exc)) from exc
    return {
        "verify_code": code,
        "fingerprint": content.fingerprint(decision),
        "register_pdf": pdf,
        "register_sha256": sha256(pdf),
    }


@transaction.atomic
def accept_edited_docx(decision, data: bytes, *, actor) -> SignedOriginal:
    """The .docx the officials edited before signing becomes the register's content: converted to
    the register's PDF/A in place of the generated one, with its differences from the generated
    text recorded. Refused, with the reason, when it is not a usable .docx, when the number or
    date the clerk fills no longer stand blank, or once the person has signed."""
    decision = _locked(decision)
    _require_signer(actor, decision)
    original = current_original(decision)
    if original is not None and original.person_signed:
        raise ValidationError(
            _("Dự thảo đã được ký số: bản Word đã sửa phải được tải lên trước khi người có thẩm quyền ký.")
        )
    try:
        edits.checked(data, size=len(data))
    except edits.EditedDocxRefused as exc:
        raise ValidationError(str(exc)) from exc
    problems = edits.missing_blanks(data)
    if problems:
        raise ValidationError(problems)
    changes = edits.differences(edits.paragraphs(content.generated_docx(decision)), edits.paragraphs(data))
    code = original.verify_code if original is not None else secrets.token_urlsafe(12)
    values = {
        **_register(decision, code=code, docx=data),
        "edited_docx": data,
        "edited_docx_sha256": sha256(data),
        "edits": changes,
        "created_by": actor,
    }
    original, _created = SignedOriginal.objects.update_or_create(decision=decision, defaults=values)
    record(
        actor,
        "decision.edited_docx_accepted",
        decision,
        {"docx_sha256": sha256(data), "sha256": original.register_sha256, "edits": changes},
    )
    return original


@transaction.atomic
def sign_with_token(decision, *, actor) -> SignedOriginal:
    """The person signs on the server's token (PKCS#11), when the deployment holds their key."""
    token = config.person_token()
    if token is None:
        raise ValidationError(_("Hệ thống chưa cấu hình thiết bị ký số của người có thẩm quyền."))
    original = prepare_for_signing(decision, actor=actor)
    from . import signer

    try:
        signed = signer.sign_person(bytes(original.register_pdf), token, now=timezone.localtime())
    except signer.TokenUnavailable as exc:
        raise ValidationError(_("Không dùng được thiết bị ký số: %(reason)s") % {"reason": exc}) from exc
    return _keep_person_signature(original, signed, SignedOriginal.Source.TOKEN, actor)


@transaction.atomic
def accept_signed_upload(decision, data: bytes, *, actor) -> SignedOriginal:
    """The file the person signed outside the product: it must be the register's PDF with their
    valid certification signature and nothing else; anything else is refused with the reason."""
    decision = _locked(decision)
    _require_signer(actor, decision)
    original = current_original(decision)
    if original is None:
        raise ValidationError(
            _("Dự thảo chưa có bản PDF để ký, hoặc đã thay đổi sau khi tạo: hãy tải bản PDF để ký mới.")
        )
    problems = signed_upload_problems(bytes(original.register_pdf), data)
    if problems:
        raise ValidationError(problems)
    return _keep_person_signature(original, data, SignedOriginal.Source.UPLOAD, actor)


def signed_upload_problems(register_pdf: bytes, data: bytes) -> list[str]:
    from .verify import verify

    if not data.startswith(register_pdf):
        return [
            _(
                "Tệp tải lên không phải bản PDF hệ thống đã tạo cho dự thảo này: nội dung khác với "
                "sổ đăng ký (hãy ký đúng tệp đã tải về, không lưu lại hay chuyển đổi tệp)."
            )
        ]
    report = verify(data, roots_pem=config.trust_roots_pem(), crls=config.crls())
    if not report.readable:
        return [report.problem]
    person = [s for s in report.signatures if s.field == PERSON_FIELD]
    if not person:
        return [_("Tệp chưa có chữ ký số trong ô chữ ký của người có thẩm quyền.")]
    problems = []
    for check in report.signatures:
        problems += [
            _("Chữ ký của %(signer)s: %(reason)s") % {"signer": check.signer, "reason": r}
            for r in check.reasons
        ]
    if person[0].permission != FILL_FORMS:
        problems.append(
            _(
                "Chữ ký của người có thẩm quyền phải là chữ ký chứng thực chỉ cho phép điền số, ngày "
                "ban hành và ký tiếp (DocMDP, mức 2)."
            )
        )
    if report.values.get(NUMBER_FIELD) or report.values.get(DATE_FIELD):
        problems.append(_("Số và ngày ban hành do văn thư điền khi ban hành; tệp tải lên đã điền sẵn."))
    return problems


def _keep_person_signature(original, signed: bytes, source, actor) -> SignedOriginal:
    from .verify import verify

    report = verify(signed, roots_pem=config.trust_roots_pem(), crls=config.crls())
    person = next(s for s in report.signatures if s.field == PERSON_FIELD)
    original.person_pdf = signed
    original.person_signer = person.signer
    original.person_signed_at = person.signed_at or timezone.now()
    original.person_source = source
    original.save()
    record(
        actor,
        "decision.signed_by_person",
        original.decision,
        {"signer": person.signer, "source": source, "sha256": sha256(signed)},
    )
    return original


def seal_at_issuance(decision, *, actor) -> SignedOriginal | None:
    """Called inside `issue_decision`'s transaction. A decision the person has not signed here is
    issued as before, unsigned; one they signed gets its number and date filled (an incremental
    update the certification allows) and, when the deployment has the agency's token, the
    agency's signature; its appendix and appraisal report become PDF/A files of their own, signed
    the same way. A failure stops the issue."""
    original = SignedOriginal.objects.select_for_update().filter(decision=decision).first()
    if original is None or not original.person_signed:
        return None
    from . import signer

    if original.fingerprint != content.fingerprint(decision):
        raise ValidationError(
            _("Dự thảo đã thay đổi sau khi người có thẩm quyền ký số: hãy ký lại trước khi ban hành.")
        )
    token = config.agency_token()
    now = timezone.localtime()
    filled = content.fill(bytes(original.person_pdf), decision)
    try:
        issued = signer.sign_agency(filled, token, now=now) if token else filled
        attachments = _attachments(decision, token, now)
    except signer.TokenUnavailable as exc:
        raise ValidationError(
            _("Không dùng được thiết bị ký số của cơ quan: %(reason)s") % {"reason": exc}
        ) from exc
    except PdfUnavailable as exc:
        raise ValidationError(str(exc)) from exc
    original.issued_pdf = issued
    original.sha256 = sha256(issued)
    original.agency_signed = token is not None
    original.issued_at = timezone.now()
    original.save()
    public_results.forget()  # the public page links the signed original
    for kind, pdf in attachments.items():
        SignedAttachment.objects.create(
            decision=decision, kind=kind, pdf=pdf, sha256=sha256(pdf), agency_signed=token is not None
        )
    record(
        actor,
        "decision.original_issued",
        decision,
        {
            "sha256": original.sha256,
            "agency_signed": original.agency_signed,
            "attachments": {kind: sha256(pdf) for kind, pdf in attachments.items()},
        },
    )
    return original


def _attachments(decision, token, now) -> dict[str, bytes]:
    """The appendix (the list of units) and, for a recognition, the appraisal report, each its
    own PDF/A, signed by the agency at the top right of its first page when the deployment has
    the agency's token (Decree 30, Appendix I; ADR 0031)."""
    made = content.attachments(decision)
    if token:
        from . import signer

        made = {kind: signer.sign_attachment(pdf, token, now=now) for kind, pdf in made.items()}
    return made
