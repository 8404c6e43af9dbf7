"""Where evidence files are kept, and when they go.

Identical files are stored once: an upload whose SHA-256 matches a kept file points its row at that
file instead of writing another copy. A file's reference count is the number of evidence rows that
point at it and are not purged; rows that share a file are locked together (by the file's name)
whenever one of them is attached or purged, so a purge never deletes a file that another row still
uses, and an upload never attaches to a file being deleted.

A withdrawn file is kept for its retention (EVIDENCE_RETENTION_DAYS after the withdrawal) and never
before its cycle's review period has ended (the last day decisions may be issued), so an appraiser
can still open what was withdrawn while the cycle is being decided. Then the row is purged: its
file name is cleared, its name, type, size and hash stay, and so does the audit trail.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from .models import Evidence

KEPT = Q(purged_at__isnull=True) & ~Q(file="")


def kept_bytes(*, assessment=None, person=None) -> int:
    """Bytes of evidence kept for an assessment or uploaded by a person, withdrawn files included
    until they are purged (each upload counts its own size, even when its file is shared)."""
    rows = Evidence.objects.filter(purged_at__isnull=True)
    if assessment is not None:
        rows = rows.filter(assessment=assessment)
    if person is not None:
        rows = rows.filter(uploaded_by=person)
    return rows.aggregate(total=Sum("size"))["total"] or 0


def twin_of(sha256: str) -> Evidence | None:
    """A kept evidence row with these contents, locked with every row sharing its file; None when
    no kept file has them. Call inside a transaction."""
    first = Evidence.objects.filter(KEPT, sha256=sha256).order_by("pk").values_list("file", flat=True).first()
    if first is None:
        return None
    sharing = sharing_rows(first)
    return sharing[0] if sharing else None


def live_copy(assessment, indicator, sha256: str) -> Evidence | None:
    """The assessment's evidence row for this indicator with these contents, not withdrawn."""
    return (
        Evidence.objects.filter(
            assessment=assessment, indicator=indicator, sha256=sha256, removed_at__isnull=True
        )
        .select_related("indicator", "uploaded_by")
        .order_by("pk")
        .first()
    )


def sharing_rows(name: str) -> list[Evidence]:
    """The rows not purged that use the stored file `name`, locked, in a fixed order."""
    return list(Evidence.objects.select_for_update(of=("self",)).filter(KEPT, file=name).order_by("pk"))


def purgeable(now: datetime | None = None):
    """Withdrawn evidence whose retention has ended: withdrawn more than EVIDENCE_RETENTION_DAYS
    ago, in a cycle whose last decision day has passed."""
    now = now or timezone.now()
    return Evidence.objects.filter(
        purged_at__isnull=True,
        removed_at__lte=now - timedelta(days=settings.EVIDENCE_RETENTION_DAYS),
        assessment__cycle__decision_until__lt=timezone.localdate(now),
    ).order_by("pk")
