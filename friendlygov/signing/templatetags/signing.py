from django import template

from .. import config, selectors
from ..models import SignedAttachment, SignedOriginal

register = template.Library()


signed_originals = register.simple_tag(selectors.signed_originals)
signed_attachments = register.simple_tag(selectors.signed_attachments)


@register.simple_tag
def signed_files(decision) -> dict:
    """For the decision's page: its signed original once issued, its attachments, and the record
    of what officials changed in the .docx before signing (while it is still the text to sign)."""
    from ..content import fingerprint

    record = (
        SignedOriginal.objects.filter(decision=decision)
        .defer("register_pdf", "person_pdf", "issued_pdf", "edited_docx")
        .first()
    )
    if record is not None and not (record.sha256 or record.fingerprint == fingerprint(decision)):
        record = None  # made for an earlier draft: no longer what will be signed
    return {
        "original": record if record is not None and record.sha256 else None,
        "edited": record if record is not None and record.from_edited_docx else None,
        "attachments": list(SignedAttachment.objects.filter(decision=decision).defer("pdf").order_by("kind")),
    }


@register.filter
def attachment_label(kind: str) -> str:
    return SignedAttachment.Kind(kind).label


@register.simple_tag
def agency_signing_configured() -> bool:
    return config.agency_token() is not None


@register.simple_tag
def issue_signing(decision) -> dict:
    """What issuing `decision` will do about signatures (the issue page says it before the click)."""
    from ..services import current_original

    original = SignedOriginal.objects.filter(decision=decision).first()
    current = current_original(decision) if original is not None and not original.is_issued else original
    return {
        "person_signed": bool(current and current.person_signed),
        "stale": original is not None and original.person_signed and current is None,
        "agency": config.agency_token() is not None,
    }
