from django import template

from .. import config
from ..models import SignedOriginal

register = template.Library()


@register.simple_tag
def signed_originals(cycle) -> set[int]:
    """The decisions of `cycle` whose signed original the public can download (one query)."""
    return set(
        SignedOriginal.objects.filter(decision__cycle=cycle, issued_pdf__isnull=False).values_list(
            "decision_id", flat=True
        )
    )


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
