"""The province dashboard of one cycle, scoped to what the signed-in user may see."""

from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Cycle

from .. import selectors
from ..maps import district_map

LIST_LIMIT = 15


def latest(request):
    years = selectors.visible_years(permissions.visible(request.user))
    if not years:
        return render(request, "reports/dashboard_empty.html")
    return redirect("reports:dashboard", year=years[0])


def dashboard(request, year: int):
    scope = permissions.visible(request.user)
    years = selectors.visible_years(scope)
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    if cycle is None or year not in years:
        # Not a bare 404 page: say so, and offer the years this person can see.
        return render(request, "reports/dashboard_empty.html", {"years": years, "year": year}, status=404)
    grouping = request.GET.get("group")
    if grouping not in selectors.GROUPINGS:
        grouping = selectors.default_grouping(cycle)
    snap = selectors.snapshot(cycle, scope, grouping=grouping)
    groups = selectors.group_rows(snap)
    trend = selectors.trend(cycle, scope)
    context = {
        "cycle": cycle,
        "years": years,
        "grouping": grouping,
        "groupings": [
            (selectors.BY_BODY, _("Cơ quan thẩm định")),
            (selectors.BY_FORMER_DISTRICT, _("Huyện cũ")),
        ],
        "summary": selectors.summary(snap),
        "groups": groups,
        "progress": selectors.progress(snap),
        "discrepancy": selectors.discrepancy(snap, groups=groups),
        "analysis": selectors.indicator_analysis(cycle, scope),
        "trend": trend,
        "map": district_map({g.key: g.meeting_percent for g in groups if g.key}),
        "limit": LIST_LIMIT,
    }
    return render(request, "reports/dashboard.html", context)


urlpatterns = [
    path("", latest, name="dashboard_latest"),
    path("<int:year>/", dashboard, name="dashboard"),
]
