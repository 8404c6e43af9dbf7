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
    items = selectors.mark_overdue(listing.rows[:SHOWN]) if listing else []
    for item, standing in zip(items, selectors.standings(items), strict=True):
        item.standing = standing
    reads_queue = permissions.queue_scope(request.user).exists()
    scope = request.GET.get("queue", selectors.MINE)
    queue = selectors.appraisal_queue(request.user, timezone.localdate(), scope) if reads_queue else None
    assignable, takeable = set(), set()
    appraisers = []
    if queue and queue.items:
        ids = [item.assessment.pk for item in queue.items]
        may_assign = permissions.which(request.user, permissions.ASSIGN).filter(pk__in=ids)
        assignable = set(may_assign.values_list("pk", flat=True))
        may_take = permissions.which(request.user, permissions.TAKE_OVER).filter(pk__in=ids)
        takeable = set(may_take.values_list("pk", flat=True))
        if assignable:
            first = next(item.assessment for item in queue.items if item.assessment.pk in assignable)
            appraisers = list(permissions.assignable_appraisers(first))
    return render(
        request,
        "assessments/home.html",
        {
            "listing": listing,
            "items": items,
            "more": listing.total - len(items) if listing else 0,
            "queue": queue,
            "assignable": assignable,
            "takeable": takeable,
            "appraisers": appraisers,
        },
    )
