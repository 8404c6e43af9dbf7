"""The django-tasks entry points. Arguments are plain ids: the database backend stores them as JSON."""

from django_tasks import task

from . import worker


@task()
def run_job(job_id: int) -> str:
    return worker.run_job(job_id).state
