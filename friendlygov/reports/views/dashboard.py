"""The province dashboard of one cycle, scoped to what the signed-in user may see."""

from dataclasses import replace

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Cycle
from friendlygov.core.paging import page_of
from friendlygov.feedback import permissions as feedback_permissions
from friendlygov.feedback import selectors as feedback_selectors
from friendlygov.feedback.models import SurveyResponse

from .. import aggregates, selectors
from ..maps import district_map

LIST_LIMIT = 15
DISCREPANCY_SHOWN = 30


def latest(request):
    years = selectors.visible_years(permissions.visible(request.user))
    if not years:
        return render(request, "reports/dashboard_empty.html")
    return redirect("reports:dashboard", year=years[0])


def _cycle_in_scope(request, year: int):
    """(cycle, the user's assessments, the years they see), or the page saying there is nothing.
    `?province=NN` narrows what the user sees to one province (never widens it)."""
    scope = permissions.visible(request.user)
    years = selectors.visible_years(scope)
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    if cycle is None or year not in years:
        # Not a bare 404 page: say so, and offer the years this person can see.
        return render(request, "reports/dashboard_empty.html", {"years": years, "year": year}, status=404)
    province = _province_asked(request)
    if province:
        scope = scope.filter(unit__province_code=province)
    return cycle, scope, years


def _province_asked(request) -> str:
    code = request.GET.get("province", "")
    return code if len(code) == 2 and code.isdigit() else ""


def dashboard(request, year: int):
    found = _cycle_in_scope(request, year)
    if isinstance(found, HttpResponse):
        return found
    cycle, scope, years = found
    province = _province_asked(request)
    national = (
        len(aggregates.once(cycle, scope, "provinces", lambda: selectors.provinces_in(cycle, scope))) > 1
    )
    grouping = request.GET.get("group")
    if national:
        grouping = selectors.BY_PROVINCE  # hundreds of bodies read as a table per province
    elif grouping not in (selectors.BY_BODY, selectors.BY_FORMER_DISTRICT):
        grouping = selectors.default_grouping(cycle)
    imported = selectors.imported_results_for(request.user)
    numbers = aggregates.once(
        cycle,
        scope,
        "dashboard",
        lambda: _numbers(cycle, scope, grouping, imported),
        grouping,
        aggregates.query_key(imported),
    )
    summary, groups = numbers["summary"], numbers["groups"]
    # A year not decided yet shows its forecast; a decided one only what the decisions say.
    forecast = selectors.year_forecast(numbers["snapshot"]) if summary.undecided else None
    context = {
        "cycle": cycle,
        "years": years,
        "grouping": grouping,
        "national": national,
        "province": province,
        "province_name": selectors.province_names([province]).get(province, province) if province else "",
        "groupings": [
            (selectors.BY_BODY, _("Cơ quan thẩm định")),
            (selectors.BY_FORMER_DISTRICT, _("Huyện cũ")),
        ],
        "summary": summary,
        "forecast": forecast,
        "target_rows": _with_forecast(summary.targets, forecast),
        "groups": groups,
        "progress": numbers["progress"],
        "discrepancy": numbers["discrepancy"],
        "analysis": numbers["analysis"],
        "near_count": numbers["near_count"],
        "trend_points": numbers["trend_points"],
        "map": district_map({g.key: g.meeting_percent for g in groups if g.key}),
        "survey": _survey(request, cycle, province),
        "limit": LIST_LIMIT,
    }
    return render(request, "reports/dashboard.html", context)


def _numbers(cycle, scope, grouping, imported) -> dict:
    """What the dashboard shows of the cycle in `scope`: for a decided cycle computed once and
    kept (aggregates.py), so nothing here keeps a row per unit beyond what the page lists."""
    snap = selectors.snapshot(cycle, scope, grouping=grouping)
    groups = selectors.group_rows(snap)
    summary = selectors.summary(snap)
    discrepancy = selectors.discrepancy(snap, groups=groups)
    analysis = selectors.indicator_analysis(cycle, scope)
    return {
        "summary": summary,
        "groups": groups,
        "progress": selectors.progress(snap),
        # The page lists the 30 widest gaps: the others are counted, not kept.
        "discrepancy": replace(discrepancy, units=discrepancy.units[:DISCREPANCY_SHOWN]),
        # The units near the next band are counted here and listed a page at a time (`_near`).
        "analysis": replace(analysis, near=[]),
        "near_count": len(analysis.near),
        "trend_points": selectors.trend_points(cycle, scope, imported),
        # Only an undecided year needs the rows again (its forecast), and it is never kept.
        "snapshot": snap if summary.undecided else None,
    }


def _survey(request, cycle, province):
    """The survey panel's numbers in the reader's survey scope (feedback.permissions), kept for a
    decided cycle until a new answer arrives anywhere (the newest answer's id is in the key)."""
    scope = feedback_permissions.results_scope(request.user, cycle)
    if province:
        scope = scope.filter(unit__province_code=province)
    newest = SurveyResponse.objects.order_by("-pk").values_list("pk", flat=True).first()
    return aggregates.once(
        cycle,
        scope,
        "survey",
        lambda: feedback_selectors.overview_panel(feedback_selectors.cycle_overview(cycle, scope)),
        newest,
    )


def _with_forecast(targets, forecast):
    """(target as decided, its forecast or None) for each target of the year."""
    if forecast is None:
        return [(target, None) for target in targets]
    return list(zip(targets, forecast.targets, strict=True))


def _deciding(request, cycle, scope):
    snap = selectors.snapshot(cycle, scope, grouping=selectors.default_grouping(cycle))
    return {"deciding": selectors.deciding_units(selectors.year_forecast(snap))}


def _near(request, cycle, scope):
    """The units just below the next band, a page at a time, in the database's order."""
    rows = selectors.near_rows(cycle, scope)
    if aggregates.settled(cycle):  # the database's list, chosen and ordered once per generation
        rows = aggregates.once(cycle, scope, "near", lambda: list(rows))
    page = page_of(request, rows)
    page.object_list = [selectors.near_unit(row) for row in page.object_list]
    return {"page": page}


def _trend_groups(request, cycle, scope):
    """The former districts' trend, a page at a time (kept whole for a decided cycle)."""
    imported = selectors.imported_results_for(request.user)
    trend = aggregates.once(
        cycle,
        scope,
        "trend",
        lambda: selectors.trend(cycle, scope, imported=imported),
        aggregates.query_key(imported),
    )
    return {"trend": trend, "page": page_of(request, trend.groups)}


# The long lists the dashboard keeps closed (<details>): read when someone opens them.
PARTS = {
    "quyet-dinh-muc-tieu": (
        "reports/partials/dashboard_deciding.html",
        _deciding,
        gettext_lazy("Đơn vị quyết định mục tiêu: sát mức nhất, và cách nâng mức"),
    ),
    "gan-muc-tren": (
        "reports/partials/dashboard_near_list.html",
        _near,
        gettext_lazy("Danh sách đơn vị sát mức trên"),
    ),
    "xu-huong-huyen": (
        "reports/partials/dashboard_trend_groups.html",
        _trend_groups,
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
    context = {"cycle": cycle, "part_template": template, "title": title, **build(request, cycle, scope)}
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, template if fragment else "reports/dashboard_part.html", context)


urlpatterns = [
    path("", latest, name="dashboard_latest"),
    path("<int:year>/", dashboard, name="dashboard"),
    path("<int:year>/danh-sach/<slug:part>/", dashboard_part, name="dashboard_part"),
]
