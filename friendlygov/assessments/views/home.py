"""The first page after signing in: for an appraiser, what waits for them, oldest first; then the
person's own assessments of the latest cycle."""

from django.shortcuts import render
from django.utils import timezone

from .. import permissions, selectors

SHOWN = 6


def home(request):
    visible = permissions.visible(request.user)
    latest = visible.order_by("-cycle__year").values_list("cycle__year", flat=True).first()
    listing = selectors.assessment_list(request.user, year=latest) if latest else None
    items = listing.items[:SHOWN] if listing else []
    for item, standing in zip(items, selectors.standings(items), strict=True):
        item.standing = standing
    appraises = permissions.which(request.user, permissions.APPRAISE).exists()
    queue = selectors.appraisal_queue(request.user, timezone.localdate()) if appraises else None
    return render(
        request,
        "assessments/home.html",
        {
            "listing": listing,
            "items": items,
            "more": len(listing.items) - len(items) if listing else 0,
            "queue": queue,
        },
    )
