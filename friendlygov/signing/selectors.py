"""What the public may download of a cycle's signed decisions: read by the public results and the
decision pages (through the template tags), without the signing services."""

from .models import SignedAttachment, SignedOriginal


def signed_originals(cycle) -> set[int]:
    """The decisions of `cycle` whose signed original the public can download (one query)."""
    return set(
        SignedOriginal.objects.filter(decision__cycle=cycle, issued_pdf__isnull=False).values_list(
            "decision_id", flat=True
        )
    )


def signed_attachments(cycle) -> dict[int, list[tuple[str, str]]]:
    """The attachments (kind, name) the public can download, by decision of `cycle` (one query)."""
    found: dict[int, list[tuple[str, str]]] = {}
    rows = SignedAttachment.objects.filter(decision__cycle=cycle, decision__state="issued").order_by("kind")
    for decision_id, kind in rows.values_list("decision_id", "kind"):
        found.setdefault(decision_id, []).append((kind, SignedAttachment.Kind(kind).label))
    return found
