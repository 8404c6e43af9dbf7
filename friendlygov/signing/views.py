"""Signing pages: the competent person signs a draft (on the server's token or by uploading the
file signed outside), everyone downloads the signed original of an issued decision, and anyone
checks a PDF on the public verification page (/xac-minh/).

The verification page stores nothing it is given: the file is read into memory, checked in a
child process under a time limit, and forgotten. It is capped in size and counted per address.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from friendlygov.assessments import documents, permissions
from friendlygov.core import counters
from friendlygov.core.client import client_address
from friendlygov.core.office import file_response

from . import config, content, edits, services
from .field_names import AGENCY_FIELD, ATTACHMENT_FIELD, PERSON_FIELD
from .models import SignedAttachment, SignedOriginal

app_name = "signing"
PDF_MAGIC = b"%PDF-"
HOUR = 3600


class SignedUploadForm(forms.Form):
    signed = forms.FileField(label=gettext_lazy("Tệp PDF đã ký"))


class EditedDocxForm(forms.Form):
    edited = forms.FileField(label=gettext_lazy("Bản Word (.docx) đã sửa"))


def _read_docx(upload) -> bytes:
    """The uploaded .docx's bytes, read only up to the cap (its content is checked by the service)."""
    try:
        return edits.checked(upload.read(edits.MAX_BYTES + 1), size=upload.size)
    except edits.EditedDocxRefused as exc:
        raise ValidationError(str(exc)) from exc


def _decision_for_signing(user, pk):
    decision = get_object_or_404(permissions.decisions_visible_to(user).select_related("body__cycle"), pk=pk)
    if not (
        permissions.may_decide_for(user, decision.body) or permissions.may_issue_for(user, decision.body)
    ):
        raise PermissionDenied(_("Chỉ thủ trưởng hoặc văn thư của cơ quan thẩm định được xem phần ký số."))
    return decision


def _read_pdf(upload, limit: int) -> bytes:
    """The uploaded file's bytes, if it is a PDF no larger than `limit` (checked by content)."""
    if upload.size > limit:
        raise ValidationError(
            _("Tệp quá lớn: %(size)s MB, tối đa %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576)}
        )
    data = upload.read(limit + 1)
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(_("Tệp tải lên không phải tệp PDF."))
    return data


@require_http_methods(["GET", "POST"])
def decision_signing(request, pk):
    decision = _decision_for_signing(request.user, pk)
    may_sign = permissions.may_decide_for(request.user, decision.body) and not decision.is_issued
    errors, status = [], 200
    form = SignedUploadForm()
    if request.method == "POST":
        if not may_sign:
            raise PermissionDenied(_("Chỉ thủ trưởng cơ quan thẩm định được ký dự thảo quyết định."))
        action = request.POST.get("action")
        try:
            if action == "prepare":
                services.prepare_for_signing(decision, actor=request.user)
                messages.success(request, _("Đã tạo bản PDF/A để ký."))
            elif action == "token":
                services.sign_with_token(decision, actor=request.user)
                messages.success(request, _("Đã ký số dự thảo bằng thiết bị ký số của người có thẩm quyền."))
            elif action == "upload":
                form = SignedUploadForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise ValidationError(_("Hãy chọn tệp PDF đã ký."))
                data = _read_pdf(form.cleaned_data["signed"], settings.VERIFY_MAX_BYTES)
                services.accept_signed_upload(decision, data, actor=request.user)
                messages.success(request, _("Đã nhận bản đã ký: chữ ký hợp lệ và đúng bản trong sổ đăng ký."))
            elif action == "edited_docx":
                docx_form = EditedDocxForm(request.POST, request.FILES)
                if not docx_form.is_valid():
                    raise ValidationError(_("Hãy chọn tệp Word (.docx) đã sửa."))
                data = _read_docx(docx_form.cleaned_data["edited"])
                services.accept_edited_docx(decision, data, actor=request.user)
                messages.success(
                    request,
                    _("Đã nhận bản Word đã sửa: đã tạo lại bản PDF/A để ký và ghi lại khác biệt."),
                )
            else:
                raise ValidationError(_("Thao tác không hợp lệ."))
        except (ValidationError, PermissionDenied) as exc:
            errors = list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]
            status = 422
        else:
            return redirect("signing:decision_signing", decision.pk)
    original = SignedOriginal.objects.filter(decision=decision).first()
    context = {
        "decision": decision,
        "original": original,
        "current": services.current_original(decision) if not decision.is_issued else original,
        "may_sign": may_sign,
        "person_token": config.person_token() is not None,
        "agency_token": config.agency_token() is not None,
        "form": form,
        "docx_form": EditedDocxForm(),
        "errors": errors,
        "attachments": SignedAttachment.objects.filter(decision=decision),
    }
    return render(request, "signing/decision_signing.html", context, status=status)


def register_pdf(request, pk):
    """The register's PDF/A for the person to sign outside the product."""
    decision = _decision_for_signing(request.user, pk)
    original = services.current_original(decision)
    if original is None or decision.is_issued:
        raise Http404
    name = documents.decision_filename(decision, "pdf").replace(".pdf", "-de-ky.pdf")
    return file_response(bytes(original.register_pdf), name)


def register_docx(request, pk):
    """The .docx of the text the person signs (no draft mark, number and date blank), for
    officials who edit it before signing and upload it back."""
    decision = _decision_for_signing(request.user, pk)
    if decision.is_issued or not permissions.may_decide_for(request.user, decision.body):
        raise Http404
    name = documents.decision_filename(decision, "docx").replace(".docx", "-de-sua.docx")
    return file_response(content.generated_docx(decision), name)


def _issued_original(pk) -> SignedOriginal:
    return get_object_or_404(
        SignedOriginal.objects.select_related("decision__body"),
        decision__pk=pk,
        decision__state="issued",
        issued_pdf__isnull=False,
    )


@login_not_required
def original_pdf(request, pk):
    """The signed original of an issued decision: public, as the decision is."""
    original = _issued_original(pk)
    return file_response(bytes(original.issued_pdf), documents.decision_filename(original.decision, "pdf"))


ATTACHMENT_FILE_SUFFIX = {
    SignedAttachment.Kind.APPENDIX: "phu-luc",
    SignedAttachment.Kind.APPRAISAL_REPORT: "bao-cao-tham-dinh",
}


@login_not_required
def attachment_pdf(request, pk, kind):
    attachment = get_object_or_404(
        SignedAttachment.objects.select_related("decision"),
        decision__pk=pk,
        decision__state="issued",
        kind=kind,
    )
    suffix = ATTACHMENT_FILE_SUFFIX[attachment.kind]
    name = documents.decision_filename(attachment.decision, "pdf").replace(".pdf", f"-{suffix}.pdf")
    return file_response(bytes(attachment.pdf), name)


class VerifyForm(forms.Form):
    document = forms.FileField(label=gettext_lazy("Tệp PDF cần kiểm tra"))


def _in_register(revisions: list[str]):
    """The register's entry for a file: the issued original itself, or a file that starts with
    a PDF the register holds (the register's PDF before signing, or the issued original, with
    later additions)."""
    if not revisions:
        return None, None
    found = (
        SignedOriginal.objects.select_related("decision__body", "decision__cycle")
        .filter(Q(sha256__in=revisions) | Q(register_sha256__in=revisions), decision__state="issued")
        .first()
    )
    if found is not None:
        return found, "original"
    attachment = (
        SignedAttachment.objects.select_related("decision")
        .filter(sha256__in=revisions, decision__state="issued")
        .first()
    )
    return attachment, "attachment" if attachment else None


@login_not_required
@require_http_methods(["GET", "POST"])
def verify_page(request):
    """Anyone checks a PDF: in the register or not, which decision, who signed and when, and each
    signature valid or why not. `?qd=<code>` (the QR code printed on the decision) or
    `?ma=<SHA-256>` opens the register's issued original and checks it."""
    form = VerifyForm()
    errors, status, result = [], 200, None
    digest = request.GET.get("ma", "").strip().lower()
    code = request.GET.get("qd", "").strip()
    checks = request.method == "POST" or bool(digest or code)
    if checks and counters.count(f"verify:{client_address(request)}", HOUR) > settings.VERIFY_PER_HOUR:
        errors, status = [_("Bạn đã kiểm tra quá nhiều tệp trong một giờ; hãy thử lại sau.")], 429
    elif request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if not form.is_valid():
            errors, status = [_("Hãy chọn một tệp PDF.")], 422
        else:
            try:
                data = _read_pdf(form.cleaned_data["document"], settings.VERIFY_MAX_BYTES)
            except ValidationError as exc:
                errors, status = list(exc.messages), 422
            else:
                result = _result(data)
    elif digest or code:
        stored = _stored_by_code(digest, code)
        if stored is None:
            errors, status = [_("Không có bản gốc nào trong sổ đăng ký có mã này.")], 404
        else:
            result = _result(stored)
    context = {
        "form": form,
        "errors": errors,
        "result": result,
        "max_mb": settings.VERIFY_MAX_BYTES // 1048576,
    }
    return render(request, "signing/verify.html", context, status=status)


def _stored_by_code(digest: str, code: str) -> bytes | None:
    """The issued original (or attachment) the register holds under a SHA-256 or a QR code."""
    found = Q(sha256=digest) if digest else Q(verify_code=code)
    original = SignedOriginal.objects.filter(found, decision__state="issued", sha256__gt="").first()
    if original is not None:
        return bytes(original.issued_pdf)
    if digest:
        attachment = SignedAttachment.objects.filter(sha256=digest, decision__state="issued").first()
        if attachment is not None:
            return bytes(attachment.pdf)
    return None


def _result(data: bytes) -> dict:
    from .verify import verify_in_time  # pyHanko, loaded by the first check (services.py)

    report = verify_in_time(
        data, roots_pem=config.trust_roots_pem(), crls=config.crls(), seconds=settings.VERIFY_SECONDS
    )
    entry, kind = _in_register(report.revisions)
    decision = entry.decision if entry is not None else None
    digest = hashlib.sha256(data).hexdigest()
    exact = entry is not None and digest == entry.sha256
    roles = {
        PERSON_FIELD: _("Người có thẩm quyền"),
        AGENCY_FIELD: _("Cơ quan ban hành"),
        ATTACHMENT_FIELD: _("Cơ quan ban hành"),
    }
    signatures = [
        {"check": check, "role": roles.get(check.field, _("Chữ ký"))} for check in report.signatures
    ]
    return {
        "report": report,
        "decision": decision,
        "kind": kind,
        "exact": exact,
        "signatures": signatures,
        "sha256": digest,
        "attachment": entry if kind == "attachment" else None,
        "original_url": _original_url(decision),
        "attachment_url": reverse("signing:attachment_pdf", args=[decision.pk, entry.kind])
        if kind == "attachment"
        else "",
    }


def _original_url(decision) -> str:
    """The issued original's download, for a file of the register (the original or an attachment)."""
    if decision is None or not SignedOriginal.objects.filter(decision=decision, sha256__gt="").exists():
        return ""
    return reverse("signing:original_pdf", args=[decision.pk])


urlpatterns = [
    path("ky-so/quyet-dinh/<int:pk>/", decision_signing, name="decision_signing"),
    path("ky-so/quyet-dinh/<int:pk>/ban-de-ky.pdf", register_pdf, name="register_pdf"),
    path("ky-so/quyet-dinh/<int:pk>/ban-de-sua.docx", register_docx, name="register_docx"),
    path("xac-minh/", verify_page, name="verify"),
    path("xac-minh/ban-goc/<int:pk>/", original_pdf, name="original_pdf"),
    path("xac-minh/ban-goc/<int:pk>/<str:kind>/", attachment_pdf, name="attachment_pdf"),
]
