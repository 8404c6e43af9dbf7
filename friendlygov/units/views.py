from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .forms import SearchForm, TreeForm


def tree(request):
    """The units of one province as of a chosen date (default today)."""
    submitted = TreeForm(request.GET)
    day = submitted.day()
    provinces = list(selectors.provinces_on(day))
    codes = [p.code for p in provinces]
    province = (
        request.GET.get("province") if request.GET.get("province") in codes else next(iter(codes), None)
    )
    context = {
        "form": TreeForm(initial={"date": day, "province": province}, provinces=provinces),
        "date_error": next(iter(submitted.errors.get("date", [])), None),
        "day": day,
        "tree": selectors.tree_on(day, province) if province else None,
    }
    return render(request, "units/tree.html", context)


def search(request):
    """Search by name ignoring tone marks; htmx asks for the results fragment only."""
    form = SearchForm(request.GET)
    units, searched = [], False
    if form.is_valid() and form.cleaned_data["q"].strip():
        searched = True
        units = list(selectors.search_units(form.cleaned_data["q"], day=form.cleaned_data["date"]))
    context = {"form": form, "units": units, "searched": searched, "limit": selectors.SEARCH_LIMIT}
    template = (
        "units/partials/search_results.html" if request.headers.get("HX-Request") else "units/search.html"
    )
    return render(request, template, context)


def detail(request, unit_id):
    """One unit version: the versions of its code, its parent, and its lineage both ways."""
    unit = selectors.unit_detail(unit_id)
    if unit is None:
        raise Http404
    context = {
        "unit": unit,
        "versions": selectors.versions_of_code(unit),
        "ancestry": selectors.ancestry_of(unit),
        "descendants": selectors.descendants_of(unit),
        "today": timezone.localdate(),
    }
    return render(request, "units/detail.html", context)
