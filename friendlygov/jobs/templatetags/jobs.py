"""The "prepare in the background" controls that the decisions page and the dashboard include,
with the requester's recent jobs of that kind (so a reload shows the job still running)."""

from datetime import timedelta

from django import template
from django.utils import timezone

from friendlygov.core.office import soffice_path

from .. import permissions
from ..models import Kind
from ..views import POLL_SECONDS

register = template.Library()
RECENT_HOURS = 24
RECENT_COUNT = 3


def _recent(user, kind, cycle=None):
    jobs = permissions.visible_jobs(user).filter(
        kind=kind, created_at__gte=timezone.now() - timedelta(hours=RECENT_HOURS)
    )
    if cycle is not None:
        jobs = jobs.filter(cycle=cycle)
    return list(jobs[:RECENT_COUNT])


@register.inclusion_tag("jobs/partials/decision_bundle.html", takes_context=True)
def decision_bundle(context, cycles):
    """One form per cycle (one a year, newest first) that has decisions the user may see: all its
    decisions as a zip. The page passes the cycles, so that a paged list still offers every one."""
    user = context["request"].user
    return {
        "cycles": cycles,
        "jobs": _recent(user, Kind.DECISION_DOCUMENTS),
        "pdf_available": soffice_path() is not None,
        "poll_seconds": POLL_SECONDS,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("jobs/partials/export_button.html", takes_context=True)
def export_in_background(context, cycle):
    return {"cycle": cycle, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("jobs/partials/recent.html", takes_context=True)
def export_jobs(context, cycle, kind=Kind.CYCLE_EXPORT):
    """The user's recent jobs of `kind` (an export) for `cycle`."""
    user = context["request"].user
    return {"jobs": _recent(user, kind, cycle), "poll_seconds": POLL_SECONDS}
