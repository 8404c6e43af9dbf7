"""The province dashboard of one cycle, scoped to what the signed-in user may see."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def _cycle_in_scope(request, year: int):
    """(cycle, the user's assessments, the years they see), or the page saying there is nothing."""
    scope = permissions.visible(request.user)
    years = selectors.visible_years(scope)
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    if cycle is None or year not in years:
        # Not a bare 404 page: say so, and offer the years this person can see.
        return render(request, "reports/dashboard_empty.html", {"years": years, "year": year}, status=404)
    return cycle, scope, years


def dashboard(request, year: int):
    found = _cycle_in_scope(request, year)
    if isinstance(found, HttpResponse):
        return found
    cycle, scope, years = found
    grouping = request.GET.get("group")
    if grouping not in selectors.GROUPINGS:
        grouping = selectors.default_grouping(cycle)
    snap = selectors.snapshot(cycle, scope, grouping=grouping)
    groups = selectors.group_rows(snap)
    summary = selectors.summary(snap)
    # A year not decided yet shows its forecast; a decided one only what the decisions say.
    forecast = selectors.year_forecast(snap) if summary.undecided else None
    context = {
        "cycle": cycle,
        "years": years,
        "grouping": grouping,
        "groupings": [
            (selectors.BY_BODY, _("Cơ quan thẩm định")),
            (selectors.BY_FORMER_DISTRICT, _("Huyện cũ")),
        ],
        "summary": summary,
        "forecast": forecast,
        "target_rows": _with_forecast(summary.targets, forecast),
        "groups": groups,
        "progress": selectors.progress(snap),
        "discrepancy": selectors.discrepancy(snap, groups=groups),
        "analysis": selectors.indicator_analysis(cycle, scope),
        "trend_points": selectors.trend_points(cycle, scope, selectors.imported_results_for(request.user)),
        "map": district_map({g.key: g.meeting_percent for g in groups if g.key}),
        "limit": LIST_LIMIT,
    }
    return render(request, "reports/dashboard.html", context)


def _with_forecast(targets, forecast):
    """(target as decided, its forecast or None) for each target of the year."""
    if forecast is None:
        return [(target, None) for target in targets]
    return list(zip(targets, forecast.targets, strict=True))


# The long lists the dashboard keeps closed (<details>): read when someone opens them.
PARTS = {
    "quyet-dinh-muc-tieu": (
        "reports/partials/dashboard_deciding.html",
        lambda cycle, scope, user: {
            "deciding": selectors.deciding_units(
                selectors.year_forecast(
                    selectors.snapshot(cycle, scope, grouping=selectors.default_grouping(cycle))
                )
            )
        },
        gettext_lazy("Đơn vị quyết định mục tiêu: sát mức nhất, và cách nâng mức"),
    ),
    "gan-muc-tren": (
        "reports/partials/dashboard_near_list.html",
        lambda cycle, scope, user: {"analysis": selectors.indicator_analysis(cycle, scope)},
        gettext_lazy("Danh sách đơn vị sát mức trên"),
    ),
    "xu-huong-huyen": (
        "reports/partials/dashboard_trend_groups.html",
        lambda cycle, scope, user: {
            "trend": selectors.trend(cycle, scope, imported=selectors.imported_results_for(user))
        },
        gettext_lazy("Theo huyện cũ, qua các năm (tỷ lệ đạt chuẩn, %)"),
    ),
}


def dashboard_part(request, year: int, part: str):
    """One closed list of the dashboard: the fragment for htmx, or a page of its own without it."""
    if part not in PARTS:
        raise Http404
    found = _cycle_in_scope(request, year)
    if isinstance(found, HttpResponse):
        return found
    cycle, scope, _years = found
    template, build, title = PARTS[part]
    context = {"cycle": cycle, "part_template": template, "title": title, **build(cycle, scope, request.user)}
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, template if fragment else "reports/dashboard_part.html", context)


urlpatterns = [
    path("", latest, name="dashboard_latest"),
    path("<int:year>/", dashboard, name="dashboard"),
    path("<int:year>/danh-sach/<slug:part>/", dashboard_part, name="dashboard_part"),
]
