"""Published results, open to anyone: only units whose result an ISSUED decision settled.

A unit's public line is the issued decision in force for it (assessments.register): a revoked
unit is back to "appraised" and drops out until a new decision is issued, and a unit that another
decision in force still decides keeps its line with that decision.
"""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from friendlygov.core.i18n import fold, word_start_q
from friendlygov.units.models import Level
from friendlygov.units.selectors import former_districts

from .. import register
from ..models import Assessment, Cycle, Decision
from ..workflow import DECIDED, Status

app_name = "public"

# A decision in force stays public while an accepted review request is re-appraised and until the
# corrective decision supersedes it (docs/adr/0023-review-requests.md).
PUBLIC_WHILE_IN_FORCE = (*DECIDED, Status.UNDER_REVIEW, Status.APPRAISED)


class ResultSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm đơn vị"), max_length=100, required=False)


def _published_years():
    return (
        Cycle.objects.filter(decisions__state=Decision.State.ISSUED)
        .distinct()
        .order_by("-year")
        .values_list("year", flat=True)
    )


def _public_results(cycle, query=""):
    """Rows of (assessment, item, decision, district), sorted by level (highest first) then name:
    each decided unit with the decision in force for it (assessments.register), as the register
    reads, and the district it belonged to on the cycle's date (or, once districts were abolished,
    its former district), which tells namesakes apart. `query` keeps the units with a word of
    their name starting with it, tone marks ignored."""
    in_scope = Assessment.objects.filter(cycle=cycle, status__in=PUBLIC_WHILE_IN_FORCE)
    if query:
        in_scope = in_scope.filter(word_start_q("unit__search_name", query))
    assessments = list(in_scope.select_related("unit__parent"))
    live = register.in_force_items(in_scope.values("pk"))
    districts = former_districts([a.unit_id for a in assessments if a.pk in live]) if live else {}
    rows = []
    for assessment in assessments:
        if assessment.pk not in live:
            continue
        item = live[assessment.pk][0]
        parent = assessment.unit.parent
        rows.append(
            {
                "assessment": assessment,
                "item": item,
                "decision": item.decision,
                "district": districts.get(assessment.unit_id),
                "former_district": parent is None or parent.level != Level.DISTRICT,
            }
        )
    rows.sort(key=lambda row: (-row["item"].level, fold(row["assessment"].unit.name)))
    return rows


@login_not_required
def results(request):
    return render(request, "assessments/public/results.html", {"years": list(_published_years())})


@login_not_required
def cycle_results(request, year):
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    if cycle is None:
        raise Http404
    form = ResultSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    all_rows = _public_results(cycle)
    rows = _public_results(cycle, query) if fold(query) else all_rows
    counts = dict.fromkeys((4, 3, 2, 1, 0), 0)
    for row in all_rows:
        counts[row["item"].level] += 1
    context = {
        "cycle": cycle,
        "form": form,
        "query": query,
        "rows": rows,
        "published": bool(all_rows),
        "total": len(all_rows),
        "counts": list(counts.items()),
        "years": list(_published_years()),
    }
    return render(request, "assessments/public/cycle_results.html", context)


urlpatterns = [
    path("", results, name="results"),
    path("<int:year>/", cycle_results, name="cycle_results"),
]
