"""Running a job: the worker's side (progress, the result file, the failure). The task (tasks.py)
calls run_job; starting a job is a user write and lives in services.py."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from . import runners
from .models import TRANSITIONS, Job, State

logger = logging.getLogger(__name__)


class JobTransitionNotAllowed(Exception):
    """A job moves only as TRANSITIONS allows (a finished job never runs again)."""


def move_job(job: Job, target: str, **fields) -> Job:
    """Change the state in the database, guarded by the state it is expected to be in now."""
    if target not in TRANSITIONS[job.state]:
        raise JobTransitionNotAllowed(f"{job.state} → {target}")
    changed = Job.objects.filter(pk=job.pk, state=job.state).update(state=target, **fields)
    if not changed:
        raise JobTransitionNotAllowed(f"job {job.pk} is no longer {job.state}")
    job.state = target
    for name, value in fields.items():
        setattr(job, name, value)
    return job


def run_job(job_id: int) -> Job:
    """Run a queued job to the end. Progress is written as it goes, so a page polling the job sees
    it move; any error ends the job as failed with a message the requester can read."""
    job = Job.objects.select_related("created_by", "cycle", "body").get(pk=job_id)
    if job.state != State.QUEUED:
        logger.warning("job %s is %s, not queued: not run again", job.pk, job.state)
        return job
    started = timezone.now()
    move_job(job, State.RUNNING, started_at=started, heartbeat_at=started)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, heartbeat_at=timezone.now())

    try:
        output = runners.RUNNERS[job.kind](job, progress)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return move_job(
            job,
            State.FAILED,
            finished_at=timezone.now(),
            error=_("Có lỗi khi chuẩn bị tệp. Hãy thử lại; nếu vẫn lỗi, báo quản trị viên."),
        )
    job.refresh_from_db(fields=["done", "total"])
    job.result.save(output.filename, ContentFile(output.data), save=False)
    try:
        return move_job(
            job,
            State.DONE,
            finished_at=timezone.now(),
            result=job.result.name,
            result_name=output.filename,
            note=output.note,
            done=job.total,
        )
    except JobTransitionNotAllowed:
        # Silent so long that fail_stale_jobs ended it (and the requester was told to ask again).
        logger.warning("job %s was ended as stale before it finished; its file is dropped", job.pk)
        job.result.delete(save=False)
        job.refresh_from_db()
        return job
