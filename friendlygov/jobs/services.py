"""Starting jobs (user writes: checked, audited, enqueued after commit), ending stale ones and
pruning old ones. Running a job is the worker's side (worker.py)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.audit.services import record
from friendlygov.feedback import exports as feedback_exports
from friendlygov.reports import exports

from . import permissions, tasks
from .models import FINISHED, Job, Kind, State


def _enqueue(job: Job) -> None:
    result = tasks.run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def fail_stale_jobs(jobs=None, now=None) -> int:
    """End as failed the stale jobs among `jobs` (all jobs when None). The cron command does this
    for all; a page does it only for a job it is about to show as stale. The update is guarded by
    the same condition, so a job that beats meanwhile is left alone."""
    now = now or timezone.now()
    jobs = Job.objects.all() if jobs is None else jobs
    silent_since = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    return jobs.filter(state=State.RUNNING, heartbeat_at__lt=silent_since).update(
        state=State.FAILED,
        finished_at=now,
        error=_("Việc bị gián đoạn: máy chạy nền đã dừng giữa chừng. Hãy yêu cầu lại."),
    )


def ended_if_stale(jobs: list[Job]) -> list[Job]:
    """The jobs as a page should show them: the stale ones ended first (one write, and only when
    one is stale; reading a job page never writes otherwise), so a page never shows "running" for
    a job that cannot finish."""
    stale = [job for job in jobs if job.is_stale]
    if stale:
        fail_stale_jobs(Job.objects.filter(pk__in=[job.pk for job in stale]))
        for job in stale:
            job.refresh_from_db(fields=["state", "finished_at", "error"])
    return jobs


def _pending(actor, kind, cycle, **scope) -> Job | None:
    """The same job, asked by the same person, still waiting or running: a second click (or a
    reload of the POST) follows that one instead of queueing the same work twice (a stale one is
    ended, so it is asked again rather than followed)."""
    pending = (
        Job.objects.filter(created_by=actor, kind=kind, cycle=cycle, state__in=(State.QUEUED, State.RUNNING))
        .filter(**scope)
        .first()
    )
    if pending is not None and pending.is_stale:
        fail_stale_jobs(Job.objects.filter(pk=pending.pk))
        return None
    return pending


@transaction.atomic
def start_decision_documents(cycle, *, body=None, with_pdf: bool = False, actor) -> Job:
    """All decisions of `cycle` (of one appraising body, or all the actor may see) as .docx in a zip."""
    decisions = permissions.decisions_for(actor, cycle, body)
    if not decisions:
        raise ValidationError(_("Không có quyết định nào để tải trong phạm vi này."))
    pending = _pending(actor, Kind.DECISION_DOCUMENTS, cycle, body=body, with_pdf=with_pdf)
    if pending is not None:
        return pending
    job = Job.objects.create(
        kind=Kind.DECISION_DOCUMENTS,
        created_by=actor,
        cycle=cycle,
        body=body,
        with_pdf=with_pdf,
        total=len(decisions),
    )
    record(actor, "job.started", job, {"kind": job.kind, "year": cycle.year, "body": body and body.pk})
    transaction.on_commit(lambda: _enqueue(job))
    return job


@transaction.atomic
def start_cycle_export(cycle, *, actor) -> Job:
    """The cycle's Excel workbook (the same file as the direct download), prepared in the background."""
    if not permissions.may_export(actor, cycle):
        raise PermissionDenied(_("Bạn không xem được kết quả của đợt đánh giá này."))
    pending = _pending(actor, Kind.CYCLE_EXPORT, cycle)
    if pending is not None:
        return pending
    total = 2 * exports.cycle_export_units(cycle, actor)  # the rows of the results and matrix sheets
    job = Job.objects.create(kind=Kind.CYCLE_EXPORT, created_by=actor, cycle=cycle, total=total)
    record(actor, "job.started", job, {"kind": job.kind, "year": cycle.year})
    transaction.on_commit(lambda: _enqueue(job))
    return job


@transaction.atomic
def start_survey_export(cycle, *, actor) -> Job:
    """The cycle's survey workbook (the same file as the direct download), prepared in the
    background; progress counts its lines."""
    if not permissions.may_export_survey(actor, cycle):
        raise PermissionDenied(_("Bạn không xem được kết quả khảo sát của đợt đánh giá này."))
    pending = _pending(actor, Kind.SURVEY_EXPORT, cycle)
    if pending is not None:
        return pending
    total = feedback_exports.survey_export_lines(cycle, actor)
    job = Job.objects.create(kind=Kind.SURVEY_EXPORT, created_by=actor, cycle=cycle, total=total)
    record(actor, "job.started", job, {"kind": job.kind, "year": cycle.year})
    transaction.on_commit(lambda: _enqueue(job))
    return job


def prune_jobs(*, finished_before) -> int:
    """Delete finished jobs (and their files) that finished before the given time. Jobs still
    queued or running are left alone. Housekeeping, not a user action: no audit event."""
    old = list(Job.objects.filter(state__in=FINISHED, finished_at__lt=finished_before))
    for job in old:
        if job.result:
            job.result.delete(save=False)
        job.delete()
    return len(old)
