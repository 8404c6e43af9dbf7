"""Start a job from the decisions page or the dashboard, follow it (an htmx fragment polled every
two seconds, the same fragment on a reload), download its file. Only the requester sees a job."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from friendlygov.assessments.models import AppraisingBody, Cycle

from . import permissions, services
from .models import Kind, State

POLL_SECONDS = 2
RECENT = 20


def _visible_job(user, pk):
    """The job if the user may see it (404 otherwise), ended first if its worker died."""
    job = get_object_or_404(permissions.visible_jobs(user), pk=pk)
    if not permissions.may_see(user, job):
        raise Http404
    [job] = services.ended_if_stale([job])
    return job


def _started(request, job):
    return redirect("jobs:detail", job.pk)


@require_POST
def start_decision_documents(request, year):
    cycle = get_object_or_404(Cycle, year=year)
    body = None
    if request.POST.get("body", "").isdigit():
        body = get_object_or_404(AppraisingBody, pk=int(request.POST["body"]), cycle=cycle)
    try:
        job = services.start_decision_documents(
            cycle, body=body, with_pdf=request.POST.get("pdf") == "1", actor=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessments:decision_list")
    return _started(request, job)


EXPORT_STARTERS = {
    Kind.CYCLE_EXPORT: services.start_cycle_export,
    Kind.SURVEY_EXPORT: services.start_survey_export,
}


@require_POST
def start_export(request, year, kind):
    cycle = get_object_or_404(Cycle, year=year)
    try:
        job = EXPORT_STARTERS[kind](cycle, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    return _started(request, job)


@require_GET
def job_list(request):
    jobs = services.ended_if_stale(list(permissions.visible_jobs(request.user)[:RECENT]))
    return render(request, "jobs/list.html", {"jobs": jobs, "poll_seconds": POLL_SECONDS})


@require_GET
def job_detail(request, pk):
    job = _visible_job(request.user, pk)
    return render(request, "jobs/detail.html", {"job": job, "poll_seconds": POLL_SECONDS})


@require_GET
def job_progress(request, pk):
    job = _visible_job(request.user, pk)
    return render(request, "jobs/partials/progress.html", {"job": job, "poll_seconds": POLL_SECONDS})


@require_GET
def job_download(request, pk):
    job = _visible_job(request.user, pk)
    if job.state != State.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=job.result_name)


app_name = "jobs"
urlpatterns = [
    path("", job_list, name="list"),
    path("decisions/<int:year>/", start_decision_documents, name="start_decision_documents"),
    path("export/<int:year>/", start_export, {"kind": Kind.CYCLE_EXPORT}, name="start_cycle_export"),
    path("survey-export/<int:year>/", start_export, {"kind": Kind.SURVEY_EXPORT}, name="start_survey_export"),
    path("<int:pk>/", job_detail, name="detail"),
    path("<int:pk>/progress/", job_progress, name="progress"),
    path("<int:pk>/download/", job_download, name="download"),
]
