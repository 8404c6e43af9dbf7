"""What a download page answers instead of a file too large to make in the request (more than
settings.EXPORT_IN_REQUEST_MAX_UNITS units): the page that says so and starts the job."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from .models import Kind

START_URL_NAMES = {
    Kind.CYCLE_EXPORT: "jobs:start_cycle_export",
    Kind.SURVEY_EXPORT: "jobs:start_survey_export",
}


def too_large_for_the_request(units: int) -> bool:
    return units > settings.EXPORT_IN_REQUEST_MAX_UNITS


def offer_export(request, cycle, kind: Kind, units: int):
    return render(
        request,
        "jobs/export_in_background.html",
        {
            "cycle": cycle,
            "title": Kind(kind).label,
            "units": units,
            "limit": settings.EXPORT_IN_REQUEST_MAX_UNITS,
            "start_url": reverse(START_URL_NAMES[kind], args=[cycle.year]),
            "kind": kind,
        },
    )
