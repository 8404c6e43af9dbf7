"""What the competent person signs: the register's PDF of a draft decision, made from the same
.docx the product offers (assessments/documents.py), as PDF/A-2b with the number and date left as
form fields; and a fingerprint of the draft's content to tell when it changed after signing."""

import hashlib
import json

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from friendlygov.assessments import documents
from friendlygov.assessments.models import Decision
from friendlygov.core.office import PdfUnavailable, docx_to_pdf, docx_to_pdfs, soffice_path

from . import layout
from .field_names import DATE_FIELD, NUMBER_FIELD
from .models import SignedAttachment


def fingerprint(decision) -> str:
    """Everything the signed text depends on except the number and the date (the clerk's)."""
    items = sorted(
        (item.assessment_id, str(item.final_score), item.level, item.reasons) for item in decision.items.all()
    )
    facts = {
        "kind": decision.kind,
        "body": decision.body_id,
        "supersedes": decision.supersedes_id,
        "signer": [decision.signer_name, decision.signing_mode, decision.signer_title],
        "legal_bases": decision.legal_bases,
        "recipients": decision.recipients,
        "frame": decision.printed_frame().as_dict(),
        "items": items,
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('signing:verify')}?qd={code}"


def generated_docx(decision) -> bytes:
    """The .docx of the text the person signs, as the product writes it."""
    return documents.decision_docx(decision, for_signature=True)


def register_pdf(decision, *, code: str, docx: bytes | None = None) -> bytes:
    """The PDF/A the person signs, from the generated .docx or from `docx` (the officials' edited
    one). Raises PdfUnavailable without LibreOffice or when the laid-out document does not show
    where the number, date or signer stand."""
    docx = generated_docx(decision) if docx is None else docx
    pdf = docx_to_pdf(docx, "quyet-dinh", soffice=soffice_path(), pdfa=True)
    try:
        places = layout.places(pdf, signer_name=decision.signer_name)
    except layout.LayoutNotFound as exc:
        raise PdfUnavailable(
            _("Không tìm thấy vị trí “%(what)s” trên bản PDF để đặt ô số, ngày và chữ ký.") % {"what": exc}
        ) from exc
    from . import forms  # pyHanko, loaded with the first PDF rather than at start-up

    return forms.with_fields(pdf, places, verify_url=verify_url(code))


def attachments(decision) -> dict[str, bytes]:
    """The decision's attachments, each as its own PDF/A, by SignedAttachment kind: the appendix
    (the list of units, naming the decision's number and date) and, for a recognition, the
    appraisal report."""
    made = {SignedAttachment.Kind.APPENDIX: documents.appendix_docx(decision)}
    if decision.kind == Decision.Kind.RECOGNITION:
        made[SignedAttachment.Kind.APPRAISAL_REPORT] = documents.appraisal_report_docx(decision)
    return docx_to_pdfs(made, soffice=soffice_path(), pdfa=True)


def fill(pdf: bytes, decision) -> bytes:
    """The clerk's number and date written into their fields, printed as the heading prints them."""
    from . import forms  # pyHanko, loaded with the first PDF rather than at start-up

    frame = decision.printed_frame()
    values = {
        NUMBER_FIELD: f"Số: {decision.number}",
        DATE_FIELD: f"{frame.place}, {documents.date_text(decision.signed_on)}",
    }
    return forms.fill(pdf, values)
