"""The review request's place on other areas' pages, so that they need not import this app:
the panel inside "where you stand", and the units the public page marks as under review."""

from django import template
from django.utils import timezone

from .. import permissions, selectors, services
from ..models import UNANSWERED

register = template.Library()


@register.inclusion_tag("reviews/partials/panel.html", takes_context=True)
def review_panel(context, assessment):
    """The latest request on the assessment, and the chair's way to file one while the period runs."""
    user = context["request"].user
    latest = selectors.latest_for(assessment)
    may_file = permissions.may_file(user, assessment)
    filing = services.filing_for(assessment) if may_file and assessment.appraised_at else None
    return {
        "assessment": assessment,
        "review": latest,
        "next_step": selectors.next_step(latest) if latest else "",
        "timing": selectors.timing(latest, timezone.localdate()) if latest else None,
        "filing": filing,
    }


@register.inclusion_tag("reviews/partials/open_notice.html", takes_context=True)
def open_reviews_notice(context):
    """On the home page: the review requests not yet settled that the person may read, with the
    unanswered and the overdue among them, and the way to the list."""
    user = context["request"].user
    rows = list(selectors.requests_for(user, only_open=True).values_list("state", "answer_due"))
    unanswered = [due for state, due in rows if state in UNANSWERED]
    today = timezone.localdate()
    return {
        "open": len(rows),
        "unanswered": len(unanswered),
        "overdue": sum(1 for due in unanswered if due < today),
    }


@register.simple_tag
def units_under_review(cycle) -> set[int]:
    """The public page's policy (docs/adr/0023-review-requests.md): a unit with an open request is
    marked "đang xem xét kiến nghị"; what the request says stays with the parties."""
    return selectors.open_assessment_ids(cycle)
