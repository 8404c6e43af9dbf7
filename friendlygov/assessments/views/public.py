"""Published results, open to anyone: only units whose result an ISSUED decision settled.

A unit's public line is the issued decision in force for it (assessments.register): a revoked
unit is back to "appraised" and drops out until a new decision is issued, and a unit that another
decision in force still decides keeps its line with that decision. The rows are read 50 at a time
and kept in the shared cache (assessments.public_results).
"""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from friendlygov.core.paging import page_of

from .. import public_results
from ..models import Cycle

app_name = "public"


class ResultSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm đơn vị"), max_length=public_results.QUERY_MAX, required=False)


@login_not_required
def results(request):
    return render(request, "assessments/public/results.html", {"years": public_results.published_years()})


@login_not_required
def cycle_results(request, year):
    cycle = Cycle.objects.filter(year=year).select_related("program").order_by("pk").first()
    if cycle is None:
        raise Http404
    form = ResultSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    summary = public_results.summary(cycle)
    page = page_of(request, public_results.Results(cycle, query))
    context = {
        "cycle": cycle,
        "form": form,
        "query": query,
        "page": page,
        "rows": page.object_list,
        "published": bool(summary.total),
        "total": summary.total,
        "counts": summary.counts,
        "years": public_results.published_years(),
    }
    return render(request, "assessments/public/cycle_results.html", context)


urlpatterns = [
    path("", results, name="results"),
    path("<int:year>/", cycle_results, name="cycle_results"),
]
